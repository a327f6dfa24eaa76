package dev.malipo.connector.mpesa;

import dev.malipo.core.connector.Outcome;
import dev.malipo.core.http.ProviderHttp;
import dev.malipo.core.payment.FailureReason;
import tools.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * Every Daraja answer → {@link Outcome}. The rules, in order of trust:
 * <ul>
 *   <li>A transport failure was already classified by {@link ProviderHttp} (NotSent / Unknown).</li>
 *   <li>An answer with Daraja's error envelope ({@code errorCode}) is Daraja refusing the request:
 *       nothing was pushed or paid, so it is Declined — retryable for 5xx and rate limits, not for
 *       4xx. ("500.001.1001 The transaction is being processed" on a query means pending.)</li>
 *   <li>A 5xx without an envelope, an unreadable body, or a result code we have not catalogued is
 *       Unknown: it may have happened.</li>
 * </ul>
 */
final class DarajaMapping {
    static final String PROCESSING = "500.001.1001";

    private DarajaMapping() {
    }

    /** The answer to an STK push or a B2C request. {@code reference} names the field holding the provider's handle. */
    static Outcome initiation(ProviderHttp.Exchange exchange, String referenceField, String fallbackReference) {
        if (exchange instanceof ProviderHttp.Exchange.Failed f) {
            return f.outcome();
        }
        ProviderHttp.Exchange.Answered a = (ProviderHttp.Exchange.Answered) exchange;
        JsonNode body = parse(a.body());
        if (a.is2xx() && body != null) {
            String code = body.path("ResponseCode").asString("");
            String reference = body.path(referenceField).asString(fallbackReference);
            if (code.equals("0")) {
                return new Outcome.Pending(reference, body.path("ResponseDescription").asString(null));
            }
            return ResultCodeCatalogue.failure(code, body.path("ResponseDescription").asString(null))
                    .<Outcome>map(r -> new Outcome.Declined(reference, r))
                    .orElseGet(() -> new Outcome.Unknown(reference, "unrecognised ResponseCode " + code));
        }
        return errorEnvelope(a, body).<Outcome>map(r -> new Outcome.Declined(fallbackReference, r))
                .orElseGet(() -> new Outcome.Unknown(fallbackReference, "HTTP " + a.status() + " without a Daraja error body"));
    }

    /** The STK query's answer. ResultCode is a string here. */
    static Outcome stkQuery(ProviderHttp.Exchange exchange, String checkoutRequestId) {
        if (exchange instanceof ProviderHttp.Exchange.Failed f) {
            return f.outcome();
        }
        ProviderHttp.Exchange.Answered a = (ProviderHttp.Exchange.Answered) exchange;
        JsonNode body = parse(a.body());
        if (body != null && PROCESSING.equals(body.path("errorCode").asString(""))) {
            return new Outcome.Pending(checkoutRequestId, body.path("errorMessage").asString("being processed"));
        }
        if (a.is2xx() && body != null && body.has("ResultCode")) {
            String code = body.path("ResultCode").asString("").trim();
            String desc = body.path("ResultDesc").asString(null);
            if (code.equals("0")) {
                return new Outcome.Succeeded(checkoutRequestId, null, null);
            }
            if (code.equals("4999")) {
                return new Outcome.Pending(checkoutRequestId, desc);
            }
            return ResultCodeCatalogue.failure(code, desc).<Outcome>map(r -> new Outcome.Declined(checkoutRequestId, r))
                    .orElseGet(() -> new Outcome.Unknown(checkoutRequestId, "unrecognised ResultCode " + code));
        }
        // A refused query says nothing about the payment itself.
        return new Outcome.Unknown(checkoutRequestId, "status query answered HTTP " + a.status());
    }

    /** Daraja's {@code {"requestId","errorCode","errorMessage"}}, as a failure; empty when absent. */
    static Optional<FailureReason> errorEnvelope(ProviderHttp.Exchange.Answered a, JsonNode body) {
        if (a.status() == 429) {
            return Optional.of(new FailureReason("rate_limited", "Daraja is rate limiting this account",
                    "Please try again in a moment.", true, "429", body == null ? null : body.path("errorMessage").asString(null)));
        }
        if (body == null || !body.hasNonNull("errorCode")) {
            return Optional.empty();
        }
        String code = body.path("errorCode").asString();
        String message = body.path("errorMessage").asString("");
        if (code.startsWith("500.003.02") || code.startsWith("500.003.03")) {
            return Optional.of(new FailureReason("rate_limited", "Daraja is rate limiting this account (" + message + ")",
                    "Please try again in a moment.", true, code, message));
        }
        if (message.toLowerCase().contains("wrong credentials")) {
            return Optional.of(new FailureReason("invalid_configuration",
                    "Daraja refused the short code or passkey of this account", "This payment cannot be completed right now.",
                    false, code, message));
        }
        if (code.startsWith("5")) {
            return Optional.of(new FailureReason("provider_error", "Daraja refused the request with an error; nothing was sent",
                    "The payment service is unavailable, please try again shortly.", true, code, message));
        }
        if (message.contains("PhoneNumber") || message.contains("PartyA") || message.contains("PartyB")) {
            return Optional.of(new FailureReason("invalid_subscriber", "Daraja refused the phone number (" + message + ")",
                    "This phone number cannot be used with M-Pesa.", false, code, message));
        }
        return Optional.of(new FailureReason("invalid_request", "Daraja refused the request: " + message,
                "This payment cannot be completed.", false, code, message));
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            JsonNode n = DarajaClient.JSON.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
