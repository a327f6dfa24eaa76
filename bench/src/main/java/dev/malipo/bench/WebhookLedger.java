package dev.malipo.bench;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the benchmark's merchant saw, kept for the whole run, so that "complete" also means "none
 * lost, none forged": every payment the gateway accepted (201) by its reference, and every
 * payment.succeeded webhook received — first arrivals, repeats and ones whose signature does not
 * verify. The signature is checked the way the README tells a merchant to, with the JDK's own HMAC
 * rather than Malipo's code, so a change in what the gateway signs shows up here.
 */
final class WebhookLedger {
    private final byte[] secret;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final AtomicLong repeats = new AtomicLong();
    private final AtomicLong badlySigned = new AtomicLong();

    WebhookLedger(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    void created(String reference) {
        created.add(reference);
    }

    /**
     * Records one payment.succeeded webhook; a badly signed one counts as that and nothing else (a
     * merchant would refuse it). Returns whether it is the first genuine one for its payment.
     */
    boolean received(String reference, String signatureHeader, byte[] body) {
        if (!verifies(signatureHeader, body)) {
            badlySigned.incrementAndGet();
            return false;
        }
        if (received.add(reference)) return true;
        repeats.incrementAndGet();
        return false;
    }

    /** Accepted payments without a genuine webhook yet. */
    long missing() {
        return created.stream().filter(r -> !received.contains(r)).count();
    }

    /** Of {@code references} (e.g. the payments the database says succeeded), those without a genuine webhook. */
    long notReceived(Iterable<String> references) {
        long n = 0;
        for (String r : references) if (!received.contains(r)) n++;
        return n;
    }

    long createdCount() {
        return created.size();
    }

    long receivedCount() {
        return received.size();
    }

    long repeats() {
        return repeats.get();
    }

    long badlySigned() {
        return badlySigned.get();
    }

    /**
     * {@code Malipo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>}. The
     * timestamp's age is not checked: a run's own deliveries, retried late, are still genuine.
     */
    boolean verifies(String header, byte[] body) {
        if (header == null) return false;
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) continue;
            if (kv[0].equals("t")) t = kv[1];
            else if (kv[0].equals("v1")) v1 = kv[1];
        }
        if (t == null || v1 == null || !t.chars().allMatch(Character::isDigit) || t.isEmpty()) return false;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            byte[] expected = mac.doFinal(body);
            byte[] given = HexFormat.of().parseHex(v1);
            return MessageDigest.isEqual(expected, given);
        } catch (IllegalArgumentException e) { // not hex
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
