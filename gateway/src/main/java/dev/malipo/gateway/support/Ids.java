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

    private static String random(char[] alphabet, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[RANDOM.nextInt(alphabet.length)];
        }
        return new String(out);
    }
}
