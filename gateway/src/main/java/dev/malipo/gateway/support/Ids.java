package dev.malipo.gateway.support;

import java.security.SecureRandom;

/** Prefixed random ids ("pay_…", "po_…", "evt_…") and unguessable tokens. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32 = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** 24 base-32 characters = 120 random bits after the prefix. */
    public static String newId(String prefix) {
        return prefix + "_" + random(BASE32, 24);
    }

    /**
     * A 128-bit token in lower-case hex. Hex matters: Daraja refuses callback URLs containing words
     * such as "exe", "cmd", "sql" or "query", and no such word can be spelled with 0-9a-f.
     */
    public static String callbackToken() {
        return random(HEX, 32);
    }

    public static String secret(String prefix) {
        return prefix + "_" + random(BASE32, 40);
    }

    /**
     * {@code length} characters of {@code alphabet} (32 or 16 of them: a whole number of bits
     * each), all drawn from one {@link SecureRandom#nextBytes} call. A draw per character, as
     * {@code nextInt} would make, costs 24 synchronized calls and as many small arrays per id.
     */
    private static String random(char[] alphabet, int length) {
        int bits = Integer.numberOfTrailingZeros(alphabet.length);
        byte[] entropy = new byte[(length * bits + 7) / 8];
        RANDOM.nextBytes(entropy);
        char[] out = new char[length];
        int buffer = 0;
        int buffered = 0;
        int next = 0;
        for (int i = 0; i < length; i++) {
            if (buffered < bits) {
                buffer = (buffer << 8) | (entropy[next++] & 0xff);
                buffered += 8;
            }
            buffered -= bits;
            out[i] = alphabet[(buffer >>> buffered) & (alphabet.length - 1)];
        }
        return new String(out);
    }
}
