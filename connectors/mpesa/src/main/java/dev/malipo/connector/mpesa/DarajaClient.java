package dev.malipo.connector.mpesa;

import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.TokenCache;
import dev.malipo.core.http.ProviderHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Daraja's plumbing: the OAuth token (cached per credential set, shared through the TokenCache,
 * refreshed a minute before expiry) and authenticated JSON POSTs. It knows paths and headers, not
 * what answers mean: that is {@link DarajaMapping}'s job.
 */
final class DarajaClient {
    static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** The token could not be had without a doubt that nothing else was sent: the money call never left. */
    static final class TokenUnavailable extends RuntimeException {
        final Outcome outcome;

        TokenUnavailable(Outcome outcome, String message) {
            super(message, null, false, false);
            this.outcome = outcome;
        }
    }

    private final URI baseUrl;
    private final MpesaSettings settings;
    private final ProviderHttp http;
    private final TokenCache tokens;
    private final String cacheKey;
    private final Clock clock;

    DarajaClient(URI baseUrl, MpesaSettings settings, ProviderHttp http, TokenCache tokens, String accountId, Clock clock) {
        this.baseUrl = baseUrl;
        this.settings = settings;
        this.http = http;
        this.tokens = tokens;
        this.cacheKey = "mpesa:" + accountId + ":" + settings.consumerKey();
        this.clock = clock;
    }

    /** POSTs {@code body} with a bearer token; a refused token is replaced once (the call was refused, so safe). */
    ProviderHttp.Exchange post(String path, Map<String, Object> body) {
        TokenCache.Token token;
        try {
            token = token();
        } catch (TokenUnavailable e) {
            return new ProviderHttp.Exchange.Failed(e.outcome, e);
        }
        ProviderHttp.Exchange answer = send(path, body, token.value());
        if (answer instanceof ProviderHttp.Exchange.Answered a && tokenRefused(a)) {
            tokens.invalidate(cacheKey, token);
            try {
                answer = send(path, body, token().value());
            } catch (TokenUnavailable e) {
                return new ProviderHttp.Exchange.Failed(e.outcome, e);
            }
        }
        return answer;
    }

    private ProviderHttp.Exchange send(String path, Map<String, Object> body, String token) {
        HttpRequest request = http.request(baseUrl.resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        return http.send(request);
    }

    private static boolean tokenRefused(ProviderHttp.Exchange.Answered a) {
        if (a.status() == 401) return true;
        return a.status() == 404 && a.body() != null && a.body().contains("404.001.03");
    }

    TokenCache.Token token() {
        Instant now = clock.instant();
        return tokens.getOrFetch(cacheKey, now.plus(REFRESH_MARGIN), this::fetchToken);
    }

    private TokenCache.Token fetchToken() {
        String basic = Base64.getEncoder().encodeToString(
                (settings.consumerKey() + ":" + settings.consumerSecret()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = http.request(baseUrl.resolve("/oauth/v1/generate?grant_type=client_credentials"))
                .header("Authorization", "Basic " + basic).GET().build();
        ProviderHttp.Exchange answer = http.send(request);
        if (answer instanceof ProviderHttp.Exchange.Failed f) {
            // Whatever happened to the token request, the money request was not sent.
            throw new TokenUnavailable(new Outcome.NotSent("no access token: " + describe(f.outcome())), "token fetch failed");
        }
        ProviderHttp.Exchange.Answered a = (ProviderHttp.Exchange.Answered) answer;
        if (!a.is2xx()) {
            throw new TokenUnavailable(new Outcome.NotSent("Daraja refused the credentials (HTTP " + a.status() + ")"),
                    "token refused");
        }
        try {
            JsonNode json = JSON.readTree(a.body());
            String token = json.path("access_token").asString("");
            // expires_in is a string on Daraja ("3599"); accept a number as well.
            long expiresIn = Long.parseLong(json.path("expires_in").asString("3599").trim());
            if (token.isBlank()) throw new IllegalArgumentException("no access_token");
            return new TokenCache.Token(token, clock.instant().plusSeconds(expiresIn));
        } catch (RuntimeException e) {
            throw new TokenUnavailable(new Outcome.NotSent("unreadable token answer"), "token unreadable");
        }
    }

    private static String describe(Outcome o) {
        return o instanceof Outcome.NotSent n ? n.reason() : o instanceof Outcome.Unknown u ? u.reason() : o.toString();
    }
}
