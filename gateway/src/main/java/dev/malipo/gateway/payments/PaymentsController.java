package dev.malipo.gateway.payments;

import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.money.Money;
import dev.malipo.core.payment.PaymentStatus;
import dev.malipo.core.phone.Country;
import dev.malipo.core.phone.Msisdn;
import dev.malipo.gateway.api.ApiException;
import dev.malipo.gateway.api.JsonBody;
import dev.malipo.gateway.api.ProblemHandler;
import dev.malipo.gateway.idempotency.Idempotency;
import dev.malipo.gateway.merchants.Caller;
import dev.malipo.gateway.support.WebhookTargets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** /v1/payments (collections) and /v1/payouts: one shape, two kinds. */
@RestController
class PaymentsController {
    private static final Set<String> FIELDS = Set.of("amount", "currency", "phone", "reference", "description", "metadata",
            "webhook_url", "provider_account");

    private final PaymentService service;
    private final PaymentRepository payments;
    private final Idempotency idempotency;
    private final JsonMapper json;
    private final WebhookTargets webhookTargets;

    PaymentsController(PaymentService service, PaymentRepository payments, Idempotency idempotency, JsonMapper json,
                       WebhookTargets webhookTargets) {
        this.service = service;
        this.payments = payments;
        this.idempotency = idempotency;
        this.json = json;
        this.webhookTargets = webhookTargets;
    }

    @PostMapping(path = "/v1/payments", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> createPayment(Caller caller, @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                    @RequestBody(required = false) byte[] body) {
        return create(caller, TransactionKind.COLLECTION, "/v1/payments", key, body);
    }

    @PostMapping(path = "/v1/payouts", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> createPayout(Caller caller, @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                   @RequestBody(required = false) byte[] body) {
        return create(caller, TransactionKind.PAYOUT, "/v1/payouts", key, body);
    }

    @GetMapping("/v1/payments/{id}")
    PaymentView getPayment(Caller caller, @PathVariable String id) {
        return get(caller, TransactionKind.COLLECTION, id);
    }

    @GetMapping("/v1/payouts/{id}")
    PaymentView getPayout(Caller caller, @PathVariable String id) {
        return get(caller, TransactionKind.PAYOUT, id);
    }

    @GetMapping("/v1/payments")
    Map<String, Object> listPayments(Caller caller, @RequestParam Map<String, String> query) {
        return list(caller, TransactionKind.COLLECTION, "/v1/payments", query);
    }

    @GetMapping("/v1/payouts")
    Map<String, Object> listPayouts(Caller caller, @RequestParam Map<String, String> query) {
        return list(caller, TransactionKind.PAYOUT, "/v1/payouts", query);
    }

    private ResponseEntity<?> create(Caller caller, TransactionKind kind, String path, String key, byte[] body) {
        byte[] raw = body == null ? new byte[0] : body;
        return idempotency.run(caller.merchantId(), key, "POST", path, raw,
                handle -> {
                    CreatePaymentCommand command = parse(kind, raw);
                    service.create(caller, command, handle, created -> handle.complete(respond(created)));
                    return handle.response();
                },
                resourceId -> ResponseEntity.ok(PaymentView.of(payments.find(resourceId).orElseThrow())));
    }

    /**
     * 201 with the payment in every case the provider gave a verdict on, failed ones included. When
     * the provider was unreachable or refused to work (nothing charged, safe to retry with a new
     * key), the answer is an error naming the failed payment.
     */
    private static ResponseEntity<?> respond(PaymentService.Created created) {
        try {
            return answer(created);
        } catch (ApiException e) {
            return ProblemHandler.render(e);
        }
    }

    private static ResponseEntity<?> answer(PaymentService.Created created) {
        Payment p = created.payment();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(p.objectName() + "_id", p.id());
        if (p.failure() != null) {
            extra.put("failure_code", p.failure().code());
        }
        switch (created.initiation()) {
            case Outcome.NotSent n -> throw new ApiException.ProviderUnavailable("provider_unavailable",
                    "The provider could not be reached; nothing was charged. Retry with a new Idempotency-Key.", extra);
            case Outcome.Declined d when d.reason().retryable() && "rate_limited".equals(d.reason().code()) ->
                    throw new ApiException.RateLimited("The provider is rate limiting; nothing was charged. Retry later.", extra);
            case Outcome.Declined d when d.reason().retryable() && "provider_error".equals(d.reason().code()) ->
                    throw new ApiException.ProviderUnavailable("provider_unavailable",
                            "The provider refused the request with an error; nothing was charged. Retry with a new Idempotency-Key.",
                            extra);
            default -> {
            }
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(PaymentView.of(p));
    }

    private CreatePaymentCommand parse(TransactionKind kind, byte[] raw) {
        JsonBody body = JsonBody.parse(json, raw, FIELDS);
        String currency = body.string("currency", true, 3);
        Money amount = Money.of(body.decimal("amount"), currency);
        if (!amount.isPositive()) {
            throw new ApiException.InvalidRequest("invalid_amount", "amount", "Amount must be greater than zero");
        }
        Msisdn phone = Msisdn.parse(body.string("phone", true, 32), Country.forCurrency(amount.currencyCode()));
        if (!phone.country().currencyCode().equals(amount.currencyCode())) {
            throw new ApiException.InvalidRequest("currency_mismatch", "currency", "A " + phone.country().name()
                    + " number is paid in " + phone.country().currencyCode() + ", not " + amount.currencyCode());
        }
        String reference = body.string("reference", false, 64);
        String description = body.string("description", false, 255);
        Map<String, String> metadata = body.stringMap("metadata", 20, 500);
        URI webhook = body.webhookUrl("webhook_url", false, webhookTargets);
        String webhookUrl = webhook == null ? null : webhook.toString();
        String providerAccount = body.string("provider_account", false, 40);
        return new CreatePaymentCommand(kind, amount, phone, reference, description, metadata, webhookUrl, providerAccount);
    }

    private PaymentView get(Caller caller, TransactionKind kind, String id) {
        return payments.findForMerchant(caller.merchantId(), kind, id)
                .filter(p -> p.mode() == caller.mode())
                .map(PaymentView::of)
                .orElseThrow(() -> new ApiException.NotFound("resource_missing",
                        "No " + (kind == TransactionKind.COLLECTION ? "payment" : "payout") + " " + id));
    }

    private Map<String, Object> list(Caller caller, TransactionKind kind, String path, Map<String, String> query) {
        for (String name : query.keySet()) {
            if (!Set.of("status", "created_gte", "created_lt", "limit", "cursor").contains(name)) {
                throw ApiException.InvalidRequest.malformed("unknown_parameter", name, "Unknown query parameter '" + name + "'");
            }
        }
        int limit = parseLimit(query.get("limit"));
        PaymentStatus status = null;
        if (query.get("status") != null) {
            try {
                status = PaymentStatus.fromApiName(query.get("status"));
            } catch (IllegalArgumentException e) {
                throw ApiException.InvalidRequest.malformed("invalid_parameter", "status",
                        "status must be one of pending, unknown, succeeded, failed, expired");
            }
        }
        PageCursor after = query.get("cursor") == null ? null : PageCursor.decode(query.get("cursor"));
        List<Payment> rows = payments.list(caller.merchantId(), kind, caller.mode(), status,
                parseInstant(query, "created_gte"), parseInstant(query, "created_lt"), after, limit + 1);
        boolean hasMore = rows.size() > limit;
        List<Payment> page = hasMore ? rows.subList(0, limit) : rows;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", "list");
        out.put("url", path);
        out.put("data", page.stream().map(PaymentView::of).toList());
        out.put("has_more", hasMore);
        out.put("next_cursor", hasMore ? new PageCursor(page.getLast().createdAt(), page.getLast().id()).encode() : null);
        return out;
    }

    private static int parseLimit(String value) {
        if (value == null) return 20;
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= 100) return limit;
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw ApiException.InvalidRequest.malformed("invalid_parameter", "limit", "limit must be a whole number from 1 to 100");
    }

    private static Instant parseInstant(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null) return null;
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.InvalidRequest.malformed("invalid_parameter", name,
                    name + " must be an ISO-8601 instant such as 2026-11-24T10:00:00Z");
        }
    }
}
