package dev.malipo.gateway.idempotency;

import dev.malipo.core.crypto.Hmac;
import dev.malipo.gateway.api.ApiException;
import dev.malipo.gateway.api.ProblemHandler;
import dev.malipo.gateway.support.Sql;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Function;

/**
 * Makes a POST safe to repeat. The key is claimed by an INSERT sent with the resource's own (one
 * statement on PostgreSQL), so the claim and the resource commit together (of twenty concurrent duplicates
 * exactly one gets past the unique key; the others wait for its commit and then find the key
 * taken). The response is stored in the transaction that decides it, and replayed to every later
 * request with the same key and body; the same key with another body is refused. If the gateway
 * died half-way, the key names the resource it had created, and a retry returns that resource
 * instead of creating a second one.
 *
 * <p>Nothing is written for a request refused before it creates anything (bad input): the
 * merchant may correct it and reuse the key.
 */
@Service
public class Idempotency {
    /** A claim older than this is considered abandoned by a crashed request. */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(60);

    private final IdempotencyRepository keys;
    private final JsonMapper json;
    private final Clock clock;
    private final TransactionTemplate tx;

    Idempotency(IdempotencyRepository keys, JsonMapper json, Clock clock, TransactionTemplate tx) {
        this.keys = keys;
        this.json = json;
        this.clock = clock;
        this.tx = tx;
    }

    /** Thrown out of {@link Handle#claim} when another request holds the key; rolls back the claiming transaction. */
    static final class KeyTaken extends RuntimeException {
        KeyTaken() {
            super("idempotency key taken", null, false, false);
        }
    }

    /**
     * Handed to the work: {@link #claim} inside the transaction that creates the resource, and
     * optionally {@link #complete} inside the one that decides the answer.
     */
    public final class Handle {
        private final String merchantId;
        private final String key;
        private final String requestHash;
        private final Instant now;
        /** Set when this request took over a stale claim that had created nothing. */
        private final Instant takenOverLock;
        private boolean claimed;
        private ResponseEntity<?> completed;

        private Handle(String merchantId, String key, String requestHash, Instant now, Instant takenOverLock) {
            this.merchantId = merchantId;
            this.key = key;
            this.requestHash = requestHash;
            this.now = now;
            this.takenOverLock = takenOverLock;
        }

        /**
         * Claims the key for {@code resourceId} and creates it with {@code creation}, its INSERT:
         * both or neither. Call inside the transaction that creates the resource (the answer to
         * the provider is stored later, by {@link #complete}).
         */
        public void claimWith(String resourceId, Sql creation) {
            if (takenOverLock != null) {
                if (!keys.linkTakenOver(merchantId, key, resourceId, takenOverLock)) throw new KeyTaken();
                keys.create(creation);
            } else {
                try {
                    keys.claimWith(merchantId, key, requestHash, resourceId, now, creation);
                } catch (DuplicateKeyException e) {
                    throw new KeyTaken();
                }
            }
            claimed = true;
        }

        /**
         * {@link #claimWith}, committed before it returns, for a resource whose creation is that one
         * INSERT: call it outside any transaction. On PostgreSQL the claim and the creation are one
         * statement, which then commits on its own — one round trip instead of two (BEGIN with the
         * statement, then the COMMIT).
         */
        public void claimAndCreate(String resourceId, Sql creation) {
            if (TransactionSynchronizationManager.isActualTransactionActive()) {
                throw new IllegalStateException("claimAndCreate commits on its own: inside a transaction, use claimWith");
            }
            if (takenOverLock == null && keys.claimsInOneStatement()) {
                claimWith(resourceId, creation);
            } else {
                tx.executeWithoutResult(s -> claimWith(resourceId, creation));
            }
        }

        /**
         * Stores {@code response} as this key's answer and returns what to send (the body already
         * serialized, so it is not rendered twice). Call inside the transaction that decides it.
         */
        public ResponseEntity<?> complete(ResponseEntity<?> response) {
            String body = response.getBody() instanceof String s ? s : json.writeValueAsString(response.getBody());
            keys.complete(merchantId, key, response.getStatusCode().value(), body);
            HttpHeaders headers = new HttpHeaders();
            headers.putAll(response.getHeaders());
            if (headers.getContentType() == null) headers.setContentType(MediaType.APPLICATION_JSON);
            completed = new ResponseEntity<>(body, headers, response.getStatusCode());
            return completed;
        }

        /** The response stored by {@link #complete}, if it was called. */
        public ResponseEntity<?> response() {
            return completed;
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
        // Whole microseconds, as both databases store them: the take-over matches on this value.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Handle handle = new Handle(merchantId, key, hash, now, null);
        for (int round = 0; ; round++) {
            try {
                return execute(handle, work);
            } catch (KeyTaken taken) {
                IdempotencyRepository.Row row = keys.find(merchantId, key).orElse(null);
                if (row == null && round == 0) {
                    // The holder rolled back after we queued behind it (it failed): claim afresh.
                    handle = new Handle(merchantId, key, hash, now, null);
                    continue;
                }
                if (row == null) throw inProgress();
                Optional<ResponseEntity<?>> answer = answerForTakenKey(row, merchantId, key, hash, now, recover);
                if (answer.isPresent()) return answer.get();
                if (round > 0) throw inProgress();
                handle = new Handle(merchantId, key, hash, now, now); // we hold the stale claim now
            } catch (RuntimeException refused) {
                if (handle.claimed) {
                    // Failed after creating: the claim stays, naming the resource, for a retry to recover.
                    release(handle, refused);
                    throw refused;
                }
                // Refused before creating anything (bad input). The key may still belong to an earlier
                // request (another body, or a replay that no longer passes): that request's answer wins.
                IdempotencyRepository.Row row = keys.find(merchantId, key).orElse(null);
                if (row == null) throw refused;
                return answerForTakenKey(row, merchantId, key, hash, now, recover).orElseThrow(() -> refused);
            }
        }
    }

    /**
     * Nobody works on a claim whose request failed, so a retry need not wait out the lock time-out
     * (meant for a request that may still be running, or a gateway that died) to be shown the
     * resource. If the release fails too (the database that failed the request, say), the time-out
     * does it: the retry waits, and still never creates a second resource. The lock is moved two
     * time-outs back, so an instance whose clock is behind this one's (by less than a time-out)
     * sees it stale too.
     */
    private void release(Handle handle, RuntimeException failure) {
        try {
            keys.release(handle.merchantId, handle.key, handle.now, handle.now.minus(LOCK_TIMEOUT.multipliedBy(2)));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static ApiException inProgress() {
        return new ApiException.IdempotencyConflict(HttpStatus.CONFLICT, "idempotency_request_in_progress",
                "A request with this Idempotency-Key is still being processed; retry shortly");
    }

    /** What a request finds when the key is taken; empty when it took over a stale claim that created nothing. */
    private Optional<ResponseEntity<?>> answerForTakenKey(IdempotencyRepository.Row row, String merchantId, String key,
                                                         String hash, Instant now, Function<String, ResponseEntity<?>> recover) {
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
            throw inProgress();
        }
        if (row.resourceId() != null) {
            return Optional.of(recover.apply(row.resourceId()));
        }
        // A stale claim that created nothing (only rows from before claims moved into the creating
        // transaction can look like this): take it over, conditionally on the lock we saw.
        if (!keys.takeOver(merchantId, key, row.lockedAt(), now)) {
            throw inProgress();
        }
        return Optional.empty();
    }

    private ResponseEntity<?> execute(Handle handle, Function<Handle, ResponseEntity<?>> work) {
        ResponseEntity<?> response;
        try {
            response = work.apply(handle);
        } catch (ApiException e) {
            if (!handle.claimed) throw e;
            // A resource exists (e.g. a payment the provider refused): the error is its answer, replayed as such.
            response = ProblemHandler.render(e);
        }
        // Unexpected failures after the claim propagate and leave the claim in place: a retry
        // recovers the resource instead of creating (and charging) a second one (run releases the
        // lock at once; if the gateway died instead, the lock's time-out does).
        if (handle.completed != null) return handle.completed;
        if (!handle.claimed) {
            throw new IllegalStateException("idempotent work answered without claiming its key");
        }
        return handle.complete(response);
    }
}
