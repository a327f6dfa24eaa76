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
    /** Keyed once; each check works on a clone, since a Mac is not thread-safe and webhooks arrive at once. */
    private final Mac keyed;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final AtomicLong repeats = new AtomicLong();
    private final AtomicLong badlySigned = new AtomicLong();

    WebhookLedger(String secret) {
        try {
            keyed = Mac.getInstance("HmacSHA256");
            keyed.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
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
        if (t == null || t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9') || v1 == null) return false;
        byte[] given;
        try {
            given = HexFormat.of().parseHex(v1);
        } catch (IllegalArgumentException e) { // not hex
            return false;
        }
        Mac mac;
        try {
            mac = (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", e);
        }
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        return MessageDigest.isEqual(mac.doFinal(body), given);
    }
}
