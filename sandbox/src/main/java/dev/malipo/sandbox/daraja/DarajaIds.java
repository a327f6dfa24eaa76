package dev.malipo.sandbox.daraja;

import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** The identifiers Daraja hands out, in Daraja's shapes. Seeded, so a test run repeats itself. */
final class DarajaIds {
    static final ZoneId NAIROBI = ZoneId.of("Africa/Nairobi");
    private static final DateTimeFormatter CHECKOUT_STAMP = DateTimeFormatter.ofPattern("ddMMyyyyHHmmss");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final char[] RECEIPT_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final Random random;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong(10_000);

    DarajaIds(Clock clock, long seed) {
        this.clock = clock;
        this.random = new Random(seed ^ 0x5DEECE66DL);
    }

    /** e.g. ws_CO_24112026100000010001: Daraja's stamp in Nairobi time, then digits. */
    String checkoutRequestId() {
        return "ws_CO_" + CHECKOUT_STAMP.format(clock.instant().atZone(NAIROBI)) + sequence.incrementAndGet();
    }

    /** e.g. 29115-34620561-1. */
    String merchantRequestId() {
        long n = sequence.incrementAndGet();
        return (n % 90_000 + 10_000) + "-" + (n * 7 + 34_000_000) + "-1";
    }

    /** A receipt / TransactionID: 10 uppercase letters and digits, like NLJ7RT61SV. */
    String receipt() {
        char[] c = new char[10];
        synchronized (random) {
            for (int i = 0; i < c.length; i++) c[i] = RECEIPT_CHARS[random.nextInt(RECEIPT_CHARS.length)];
        }
        return new String(c);
    }

    /** e.g. AG_20261124_00005797af5d7d75f652. */
    String conversationId() {
        return "AG_" + DAY.format(clock.instant().atZone(NAIROBI)) + "_" + hex(10);
    }

    /** What v1 B2C makes up when the caller sent no OriginatorConversationID. */
    String originatorConversationId() {
        long n = sequence.incrementAndGet();
        return (n % 90_000 + 10_000) + "-" + (n * 13 + 71_000_000) + "-1";
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        synchronized (random) {
            random.nextBytes(b);
        }
        return HexFormat.of().formatHex(b);
    }
}
