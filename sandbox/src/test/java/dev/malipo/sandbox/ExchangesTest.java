package dev.malipo.sandbox;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ExchangesTest {
    private static final int CAP = 16;

    private static byte[] read(String body, String declared) throws IOException {
        return Exchanges.capped(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), declared, CAP);
    }

    @Test
    void aBodyWithinTheCapIsReadWholeWhateverItsDeclaredLength() throws IOException {
        for (String declared : new String[]{"5", " 5 ", null, "", "x", "-1", "99999999999"}) {
            assertThat(read("hello", declared)).as("declared %s", declared).containsExactly("hello".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(read("", "0")).isEmpty();
        assertThat(read("0123456789abcdef", "16")).hasSize(CAP);
    }

    @Test
    void aBodyOverTheCapIsRefusedWhateverItsDeclaredLength() throws IOException {
        String tooLong = "0123456789abcdefg"; // 17 bytes
        for (String declared : new String[]{"17", null, "x", "3", "16", "0"}) {
            assertThat(read(tooLong, declared)).as("declared %s", declared).isNull();
        }
    }

    @Test
    void aBodyLongerThanDeclaredIsStillReadWhole() throws IOException {
        // HttpServer stops its stream at the declared length; this guards the helper used elsewhere.
        assertThat(read("hello world", "5")).containsExactly("hello world".getBytes(StandardCharsets.UTF_8));
    }
}
