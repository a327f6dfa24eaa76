package dev.malipo.gateway.payments;

import dev.malipo.gateway.support.MalipoProperties;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Builds the per-payment callback URLs handed to providers: {publicBaseUrl}/callbacks/{token}. The
 * token is 128 random bits in hex, so the URL is unguessable and can never spell one of the words
 * Daraja refuses in a callback URL.
 */
@Component
public class CallbackUrls {
    /** Daraja refuses callback URLs that contain any of these, in any letter case. */
    public static final List<String> FORBIDDEN_WORDS = List.of("mpesa", "m-pesa", "safaricom", "exe", "exec", "cmd", "sql", "query");

    private final String base;

    CallbackUrls(MalipoProperties properties) {
        if (properties.publicBaseUrl() == null || properties.publicBaseUrl().toString().isBlank()
                || properties.publicBaseUrl().getHost() == null) {
            throw new IllegalStateException("malipo.public-base-url (MALIPO_PUBLIC_BASE_URL) is not set to an absolute URL: "
                    + "providers need it to send callbacks");
        }
        String url = properties.publicBaseUrl().toString().replaceAll("/+$", "");
        String lower = url.toLowerCase(Locale.ROOT);
        for (String word : FORBIDDEN_WORDS) {
            if (lower.contains(word)) {
                throw new IllegalStateException("malipo.public-base-url " + url + " contains '" + word
                        + "', which Daraja refuses in callback URLs; use another host name or path");
            }
        }
        this.base = url;
    }

    public URI result(String token) {
        return URI.create(base + "/callbacks/" + token);
    }

    public URI timeout(String token) {
        return URI.create(base + "/callbacks/" + token + "/timeout");
    }
}
