package dev.malipo.sandbox.daraja;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

/**
 * Daraja's STK Password: Base64(ShortCode + Passkey + Timestamp), checked against the Timestamp
 * the client actually sent. Daraja documents Nairobi time, but some official clients stamp UTC and
 * are accepted, so the zone is not checked.
 */
final class DarajaPassword {
    private DarajaPassword() {
    }

    static String of(String shortCode, String passkey, String timestamp) {
        return Base64.getEncoder().encodeToString((shortCode + passkey + timestamp).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads and checks BusinessShortCode, Password and Timestamp; returns the short code. */
    static String check(DarajaRequest r, Map<String, String> passkeys) {
        String shortCode = r.required("BusinessShortCode");
        String password = r.required("Password");
        String timestamp = r.required("Timestamp");
        if (!timestamp.matches("\\d{14}")) throw DarajaError.invalid("Timestamp");
        String passkey = passkeys.get(shortCode);
        // An unknown short code and a wrong password look alike, as on Daraja.
        if (passkey == null || !MessageDigest.isEqual(of(shortCode, passkey, timestamp).getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8))) {
            throw new DarajaError("500.001.1001", "Wrong credentials");
        }
        return shortCode;
    }
}
