package dev.malipo.gateway.support;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Ids are unguessable only if every character position carries its full share of random bits. */
class IdsTest {
    private static final String BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";

    @Test
    void idsAreThePrefixAnd24Base32CharactersEachEquallyLikelyInEveryPosition() {
        int ids = 20_000;
        int[][] seen = new int[24][32];
        Set<String> distinct = new HashSet<>();
        for (int n = 0; n < ids; n++) {
            String id = Ids.newId("pay");
            assertThat(id).matches("pay_[0-9a-hjkmnp-tv-z]{24}");
            distinct.add(id);
            for (int i = 0; i < 24; i++) seen[i][BASE32.indexOf(id.charAt(4 + i))]++;
        }
        assertThat(distinct).hasSize(ids);
        // Expected 625 of each character per position (sd ~25); a lost or stuck bit halves some
        // counts and doubles others. The bounds are 7 sd wide: a correct encoder never fails them.
        for (int i = 0; i < 24; i++) {
            for (int c = 0; c < 32; c++) {
                assertThat(seen[i][c]).as("position %d, character %s", i, BASE32.charAt(c)).isBetween(450, 800);
            }
        }
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
