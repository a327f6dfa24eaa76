package dev.malipo.gateway.webhooks;

import dev.malipo.core.crypto.Hmac;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * Signs and verifies Malipo's webhook header: {@code Malipo-Signature: t=<unix seconds>,v1=<hex>} where
 * v1 = HMAC-SHA256(secret, t + "." + body). The timestamp is inside the signature, so a receiver
 * that checks it against its own clock refuses replays of an old delivery.
 */
public final class WebhookSignature {
    public static final String HEADER = "Malipo-Signature";
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private WebhookSignature() {
    }

    public static String sign(String secret, long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + Hmac.sha256Hex(secret, (unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
    }

    /** What a merchant's receiver does; used by our own tests as the reference implementation. */
    public static boolean verify(String secret, String header, String body, Clock clock, Duration tolerance) {
        if (header == null) return false;
        Long t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) continue;
            if (kv[0].equals("t")) {
                try {
                    t = Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    return false;
                }
            } else if (kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null) return false;
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - t) > tolerance.toSeconds()) return false;
        String expected = Hmac.sha256Hex(secret, (t + "." + body).getBytes(StandardCharsets.UTF_8));
        return Hmac.constantTimeEquals(expected, v1);
    }
}
