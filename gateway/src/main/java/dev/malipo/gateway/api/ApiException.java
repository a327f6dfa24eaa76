package dev.malipo.gateway.api;

import org.springframework.http.HttpStatus;

import java.util.Map;

/**
 * The root of the merchant API's error family. Each subclass is one kind of problem; every one is
 * rendered as RFC 9457 problem+json with a stable {@code code} and, where one field is at fault,
 * its name.
 */
public abstract class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String code;
    private final String field;
    private final Map<String, Object> extra;

    protected ApiException(HttpStatus status, String code, String message, String field, Map<String, Object> extra) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
        this.extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    public Map<String, Object> extra() {
        return extra;
    }

    /** A request Malipo will not carry out as sent: fix it and send again. */
    public static final class InvalidRequest extends ApiException {
        public InvalidRequest(String code, String field, String message) {
            super(HttpStatus.UNPROCESSABLE_CONTENT, code, message, field, null);
        }

        public static InvalidRequest malformed(String code, String field, String message) {
            return new InvalidRequest(HttpStatus.BAD_REQUEST, code, field, message);
        }

        private InvalidRequest(HttpStatus status, String code, String field, String message) {
            super(status, code, message, field, null);
        }
    }

    public static final class Authentication extends ApiException {
        public Authentication(String code, String message) {
            super(HttpStatus.UNAUTHORIZED, code, message, null, null);
        }
    }

    public static final class Forbidden extends ApiException {
        public Forbidden(String code, String message) {
            super(HttpStatus.FORBIDDEN, code, message, null, null);
        }
    }

    public static final class NotFound extends ApiException {
        public NotFound(String code, String message) {
            super(HttpStatus.NOT_FOUND, code, message, null, null);
        }
    }

    /** The Idempotency-Key was used for another request, or its first request is still running. */
    public static final class IdempotencyConflict extends ApiException {
        public IdempotencyConflict(HttpStatus status, String code, String message) {
            super(status, code, message, "Idempotency-Key", null);
        }
    }

    /** The provider asked us to slow down; nothing happened. Not a kind of invalid request. */
    public static final class RateLimited extends ApiException {
        public RateLimited(String message, Map<String, Object> extra) {
            super(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", message, null, extra);
        }
    }

    /** The provider could not be reached or refused to work; nothing was charged; safe to retry. */
    public static final class ProviderUnavailable extends ApiException {
        public ProviderUnavailable(String code, String message, Map<String, Object> extra) {
            super(HttpStatus.BAD_GATEWAY, code, message, null, extra);
        }
    }

    /** Malipo itself is too busy (or its database unreachable) to take the request; nothing was written; retry shortly. */
    public static final class Overloaded extends ApiException {
        public Overloaded(String code, String message) {
            super(HttpStatus.SERVICE_UNAVAILABLE, code, message, null, null);
        }
    }
}
