package dev.malipo.gateway.api;

import dev.malipo.core.connector.ProviderRuleException;
import dev.malipo.core.money.MoneyException;
import dev.malipo.core.phone.InvalidMsisdnException;
import dev.malipo.gateway.support.StatementTimeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import java.net.URI;
import java.util.Map;

/** Renders every error as RFC 9457 problem+json; nothing reaches the merchant as a bare 500. */
@RestControllerAdvice
public class ProblemHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    /** The problem for {@code e}; a 503 (Malipo overloaded) says when to come back. */
    public static ResponseEntity<ProblemDetail> render(ApiException e) {
        ResponseEntity<ProblemDetail> r = problem(e.status(), e.code(), e.getMessage(), e.field(), e.extra());
        return e instanceof ApiException.Overloaded ? withRetryAfter(r) : r;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> apiException(ApiException e) {
        return render(e);
    }

    @ExceptionHandler(MoneyException.class)
    ResponseEntity<ProblemDetail> money(MoneyException e) {
        String field = e.code().contains("currency") ? "currency" : "amount";
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, e.code(), e.getMessage(), field, Map.of());
    }

    @ExceptionHandler(InvalidMsisdnException.class)
    ResponseEntity<ProblemDetail> phone(InvalidMsisdnException e) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "invalid_phone", e.getMessage(), "phone", Map.of());
    }

    @ExceptionHandler(ProviderRuleException.class)
    ResponseEntity<ProblemDetail> providerRule(ProviderRuleException e) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, e.code(), e.getMessage(), e.field(), Map.of());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        return problem(HttpStatus.BAD_REQUEST, "invalid_json", "The request body is not valid JSON", null, Map.of());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Send JSON (Content-Type: application/json)", null, Map.of());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
        return problem(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed", e.getMessage(), null, Map.of());
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ProblemDetail> header(MissingRequestHeaderException e) {
        return problem(HttpStatus.BAD_REQUEST, "missing_header", "Header " + e.getHeaderName() + " is required", e.getHeaderName(), Map.of());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> param(MethodArgumentTypeMismatchException e) {
        return problem(HttpStatus.BAD_REQUEST, "invalid_parameter", "Parameter " + e.getName() + " has the wrong type", e.getName(), Map.of());
    }

    @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
    ResponseEntity<ProblemDetail> notFound(Exception e) {
        return problem(HttpStatus.NOT_FOUND, "not_found", "No such endpoint", null, Map.of());
    }

    /**
     * No database connection within the pool's timeout: the gateway is overloaded or its database
     * is down. Nothing half-written stays behind (the transaction never began or rolls back).
     */
    @ExceptionHandler(CannotGetJdbcConnectionException.class)
    ResponseEntity<ProblemDetail> noDatabase(CannotGetJdbcConnectionException e) {
        log.warn("no database connection: {}", e.getMessage());
        return render(new ApiException.Overloaded("service_unavailable",
                "Malipo cannot reach its database right now; retry shortly"));
    }

    /**
     * PostgreSQL cancelled a statement (StatementTimeout: it ran past the limit, most likely stuck
     * behind a lock). Its transaction rolled back. What committed before it stands: a payment
     * created before its answer's transaction was cancelled is settled by reconciliation, and a
     * retry with the same Idempotency-Key finds it rather than creating a second one. Any other
     * database failure is unexpected.
     */
    @ExceptionHandler(DataAccessException.class)
    ResponseEntity<ProblemDetail> database(DataAccessException e) {
        if (!StatementTimeout.cancelled(e)) return unexpected(e);
        // The message names the statement (its SQL has placeholders, never values), so an operator can find the lock.
        log.warn("database statement cancelled (past {} or by an operator); answered 503: {}", StatementTimeout.SETTING,
                e.getMessage());
        return render(new ApiException.Overloaded("service_unavailable",
                "Malipo's database did not finish in time; retry shortly with the same Idempotency-Key"));
    }

    private static ResponseEntity<ProblemDetail> withRetryAfter(ResponseEntity<ProblemDetail> problem) {
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders()).header("Retry-After", "1")
                .body(problem.getBody());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("Unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Malipo failed unexpectedly; the error is logged", null, Map.of());
    }

    public static ResponseEntity<ProblemDetail> problem(HttpStatusCode status, String code, String detail, String field,
                                                 Map<String, Object> extra) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("https://malipo.dev/problems/" + code));
        p.setTitle(titleFor(status));
        p.setProperty("code", code);
        if (field != null) {
            p.setProperty("field", field);
        }
        extra.forEach(p::setProperty);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    private static String titleFor(HttpStatusCode status) {
        HttpStatus s = HttpStatus.resolve(status.value());
        return s == null ? "Error" : s.getReasonPhrase();
    }
}
