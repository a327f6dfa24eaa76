package dev.malipo.gateway.support;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A merchant's view of Malipo in tests: real HTTP to the running gateway. */
public final class ApiClient {
    public record Response(int status, String contentType, String body, JsonNode json, Map<String, java.util.List<String>> headers) {
        public String text(String field) {
            JsonNode n = json == null ? null : json.get(field);
            return n == null || n.isNull() ? null : n.asString();
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String apiKey;

    public ApiClient(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    public ApiClient withKey(String key) {
        return new ApiClient(base, key);
    }

    public Response post(String path, String body, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        if (idempotencyKey != null) b.header("Idempotency-Key", idempotencyKey);
        return send(b.build());
    }

    public Response get(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        return send(b.build());
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = r.body().isBlank() ? null : JSON.readTree(r.body());
            } catch (RuntimeException ignored) {
                // not JSON; tests look at body()
            }
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), json,
                    r.headers().map());
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }
}
