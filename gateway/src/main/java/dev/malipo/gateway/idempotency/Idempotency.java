package dev.malipo.gateway.idempotency;

import dev.malipo.core.crypto.Hmac;
import dev.malipo.gateway.api.ApiException;
import dev.malipo.gateway.api.ProblemHandler;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * Makes a POST safe to repeat. The first request with a key claims it (an INSERT, so of twenty
 * concurrent duplicates exactly one proceeds); its response is stored and replayed to every later
 * request with the same key and body. The same key with another body is refused. If the gateway
 * died half-way, the key remembers the resource it had created, and a retry returns that resource
 * instead of creating a second one.
 */
@Service
public class Idempotency {
    /** A claim older than this is considered abandoned by a crashed request. */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(60);

    private final IdempotencyRepository keys;
    private final JsonMapper json;
    private final Clock clock;

    Idempotency(IdempotencyRepository keys, JsonMapper json, Clock clock) {
        this.keys = keys;
        this.json = json;
        this.clock = clock;
    }

    /** Handed to the work: call {@link #linkResource} inside the transaction that creates the resource. */
    public final class Handle {
        private final String merchantId;
        private final String key;

        private Handle(String merchantId, String key) {
            this.merchantId = merchantId;
            this.key = key;
        }

        public void linkResource(String resourceId) {
            keys.linkResource(merchantId, key, resourceId);
        }
    }

    /**
     * @param recover renders the current state of a resource whose creating request was interrupted
     */
    public ResponseEntity<?> run(String merchantId, String key, String method, String path, byte[] body,
                                 Function<Handle, ResponseEntity<?>> work, Function<String, ResponseEntity<?>> recover) {
        if (key == null || key.isBlank()) {
            throw ApiException.InvalidRequest.malformed("missing_idempotency_key", "Idempotency-Key",
                    "Send an Idempotency-Key header (e.g. a UUID) so a retried request never moves money twice");
        }
        if (key.length() > 255) {
            throw ApiException.InvalidRequest.malformed("invalid_idempotency_key", "Idempotency-Key",
                    "The Idempotency-Key is longer than 255 characters");
        }
        String hash = Hmac.sha256HexDigest(method + " " + path + "\n" + new String(body, StandardCharsets.UTF_8));
        Instant now = clock.instant();
        try {
            keys.claim(merchantId, key, hash, now);
        } catch (DuplicateKeyException taken) {
            Optional<ResponseEntity<?>> answer = answerForTakenKey(merchantId, key, hash, now, recover);
            if (answer.isPresent()) {
                return answer.get();
            }
        }
        return execute(new Handle(merchantId, key), work);
    }

    private Optional<ResponseEntity<?>> answerForTakenKey(String merchantId, String key, String hash, Instant now,
                                                         Function<String, ResponseEntity<?>> recover) {
        IdempotencyRepository.Row row = keys.find(merchantId, key).orElse(null);
        if (row == null) {
            // Released between our insert and read (the first request failed validation): try the claim again.
            try {
                keys.claim(merchantId, key, hash, now);
            } catch (DuplicateKeyException again) {
                throw new ApiException.IdempotencyConflict(HttpStatus.CONFLICT, "idempotency_request_in_progress",
                        "A request with this Idempotency-Key is still being processed; retry shortly");
            }
            return Optional.empty();
        }
        if (!row.requestHash().equals(hash)) {
            throw new ApiException.IdempotencyConflict(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency_key_reused",
                    "This Idempotency-Key was already used with a different request; use a new key");
        }
        if ("completed".equals(row.state())) {
            return Optional.of(ResponseEntity.status(row.responseStatus())
                    .header("Idempotent-Replayed", "true")
                    .contentType(row.responseStatus() >= 400 ? MediaType.APPLICATION_PROBLEM_JSON : MediaType.APPLICATION_JSON)
                    .body(row.responseBody()));
        }
        if (row.lockedAt().isAfter(now.minus(LOCK_TIMEOUT))) {
            throw new ApiException.IdempotencyConflict(HttpStatus.CONFLICT, "idempotency_request_in_progress",
                    "A request with this Idempotency-Key is still being processed; retry shortly");
        }
        if (row.resourceId() != null) {
            return Optional.of(recover.apply(row.resourceId()));
        }
        if (!keys.takeOver(merchantId, key, row.lockedAt(), now)) {
            throw new ApiException.IdempotencyConflict(HttpStatus.CONFLICT, "idempotency_request_in_progress",
                    "A request with this Idempotency-Key is still being processed; retry shortly");
        }
        return Optional.empty();
    }

    private boolean hasLinkedResource(Handle handle) {
        return keys.find(handle.merchantId, handle.key).map(r -> r.resourceId() != null).orElse(false);
    }

    private ResponseEntity<?> execute(Handle handle, Function<Handle, ResponseEntity<?>> work) {
        ResponseEntity<?> response;
        try {
            response = work.apply(handle);
        } catch (ApiException e) {
            if (hasLinkedResource(handle)) {
                // A resource exists (e.g. a payment the provider refused): the error is its answer, replayed as such.
                response = ProblemHandler.render(e);
            } else {
                // Nothing was created: free the key so the merchant can correct the request and reuse it.
                keys.release(handle.merchantId, handle.key);
                throw e;
            }
        } catch (RuntimeException e) {
            // Unexpected: free the key only if nothing was created; otherwise a retry after the lock
            // timeout recovers the resource instead of creating (and charging) a second one.
            if (!hasLinkedResource(handle)) {
                keys.release(handle.merchantId, handle.key);
            }
            throw e;
        }
        String body = response.getBody() instanceof String s ? s : json.writeValueAsString(response.getBody());
        keys.complete(handle.merchantId, handle.key, response.getStatusCode().value(), body);
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(response.getHeaders());
        return new ResponseEntity<>(response.getBody(), headers, response.getStatusCode());
    }
}
