package dev.malipo.gateway.support;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ids sort as their creation times (so new rows go to the right edge of each index), and their
 * random part carries its full share of random bits in every position.
 */
class IdsTest {
    private static final String BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";

    @Test
    void idsAreThePrefixTenTimeCharactersAndSixteenBase32CharactersEachEquallyLikelyInEveryPosition() {
        int ids = 20_000;
        int[][] seen = new int[Ids.RANDOM_CHARS][32];
        Set<String> distinct = new HashSet<>();
        for (int n = 0; n < ids; n++) {
            String id = Ids.newId("pay", 1_765_000_000_000L); // all in one millisecond: only the random part tells them apart
            assertThat(id).matches("pay_[0-9a-hjkmnp-tv-z]{26}");
            distinct.add(id);
            for (int i = 0; i < Ids.RANDOM_CHARS; i++) seen[i][BASE32.indexOf(id.charAt(4 + Ids.TIME_CHARS + i))]++;
        }
        assertThat(distinct).hasSize(ids);
        // Expected 625 of each character per position (sd ~25); a lost or stuck bit halves some
        // counts and doubles others. The bounds are 7 sd wide: a correct encoder never fails them.
        for (int i = 0; i < Ids.RANDOM_CHARS; i++) {
            for (int c = 0; c < 32; c++) {
                assertThat(seen[i][c]).as("position %d, character %s", i, BASE32.charAt(c)).isBetween(450, 800);
            }
        }
    }

    @Test
    void theTimePartIsTheEpochMillisecondsInBase32() {
        assertThat(Ids.newId("evt", 0L)).startsWith("evt_0000000000");
        assertThat(Ids.newId("evt", 31L)).startsWith("evt_000000000z");
        assertThat(Ids.newId("evt", 32L)).startsWith("evt_0000000010");
        // 2026-12-06T00:00:00Z = 1,796,515,200,000 ms
        String id = Ids.newId("evt", 1_796_515_200_000L);
        long decoded = 0;
        for (char c : id.substring(4, 4 + Ids.TIME_CHARS).toCharArray()) decoded = decoded * 32 + BASE32.indexOf(c);
        assertThat(decoded).isEqualTo(1_796_515_200_000L);
    }

    @Test
    void idsMadeInLaterMillisecondsSortAfterEarlierOnes() {
        List<String> made = new ArrayList<>();
        long t = 1_796_515_200_000L;
        // Across carries of every time character's lower positions, and a year's span.
        for (long step : new long[]{1, 31, 1, 1_000, 1 << 20, 86_400_000L * 365}) {
            t += step;
            made.add(Ids.newId("whd", t));
        }
        assertThat(made).isSorted();
        assertThat(Ids.newId("whd", System.currentTimeMillis() - 1)).isLessThan(Ids.newId("whd", System.currentTimeMillis() + 1));
    }

    @Test
    void callbackTokensAre32HexDigitsEachEquallyLikely() {
        int[] seen = new int[16];
        for (int n = 0; n < 5_000; n++) {
            String token = Ids.callbackToken();
            assertThat(token).matches("[0-9a-f]{32}");
            for (char ch : token.toCharArray()) seen[Character.digit(ch, 16)]++;
        }
        // 160,000 digits, 10,000 expected of each (sd ~97).
        for (int d = 0; d < 16; d++) assertThat(seen[d]).as("digit %x", d).isBetween(9_300, 10_700);
    }

    @Test
    void secretsCarry40Base32Characters() {
        assertThat(Ids.secret("whsec")).matches("whsec_[0-9a-hjkmnp-tv-z]{40}");
    }
}
