package dev.malipo.connector.mpesa;

import dev.malipo.core.connector.CallbackEvent;
import dev.malipo.core.connector.CallbackRejectedException;
import dev.malipo.core.connector.Capability;
import dev.malipo.core.connector.CollectRequest;
import dev.malipo.core.connector.ConnectorConfig;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.PaymentConnector;
import dev.malipo.core.connector.PayoutRequest;
import dev.malipo.core.connector.ProviderRuleException;
import dev.malipo.core.connector.StatusQuery;
import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.http.ProviderHttp;
import dev.malipo.core.money.Money;
import dev.malipo.core.phone.Country;
import dev.malipo.core.phone.Msisdn;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Safaricom Daraja for one account: STK Push collections, B2C payouts, STK query, and callback
 * parsing. Usable on its own:
 * <pre>{@code
 * var connector = new MpesaConnector(new ConnectorConfig("acct-1", URI.create("https://sandbox.safaricom.co.ke"),
 *         Map.of("consumer-key", "...", "consumer-secret", "...", "short-code", "174379", "passkey", "..."),
 *         null, null, null, null));
 * Outcome o = connector.collect(new CollectRequest("order-42", Money.of("100", "KES"),
 *         Msisdn.parse("0712345678", Country.KE), "ORDER42", "Order 42", URI.create("https://you/cb/…")));
 * }</pre>
 */
public final class MpesaConnector implements PaymentConnector {
    private static final Pattern NOT_ALPHANUMERIC = Pattern.compile("[^A-Za-z0-9]");
    static final String PROVIDER = "mpesa";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private final MpesaSettings settings;
    private final DarajaClient client;
    private final Clock clock;

    public MpesaConnector(ConnectorConfig config) {
        this.settings = MpesaSettings.from(config);
        this.clock = config.clock();
        ProviderHttp http = ProviderHttp.create(config.connectTimeout(), config.requestTimeout());
        this.client = new DarajaClient(config.baseUrl(), settings, http, config.tokenCache(), config.accountId(), clock);
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.COLLECT, Capability.PAYOUT, Capability.STATUS);
    }

    @Override
    public void validate(CollectRequest request) {
        checkAmountAndPhone(request.amount(), request.payer());
        if (request.reference() != null && request.reference().length() > 12) {
            throw new ProviderRuleException("reference_too_long", "reference",
                    "M-Pesa shows at most 12 characters of the reference (AccountReference); shorten it");
        }
    }

    @Override
    public void validate(PayoutRequest request) {
        checkAmountAndPhone(request.amount(), request.payee());
        if (settings.initiatorName() == null || settings.securityCredential() == null) {
            throw new ProviderRuleException("payouts_not_configured", "provider_account",
                    "This M-Pesa account has no initiator-name / security-credential for B2C payouts");
        }
    }

    private static void checkAmountAndPhone(Money amount, Msisdn phone) {
        if (!amount.currencyCode().equals("KES")) {
            throw new ProviderRuleException("currency_not_supported", "currency", "M-Pesa (Daraja) moves KES only");
        }
        if (!amount.isWhole()) {
            throw new ProviderRuleException("amount_not_whole", "amount",
                    "M-Pesa takes whole shillings only; " + amount.toPlainString() + " KES has cents");
        }
        if (amount.amount().signum() <= 0) {
            throw new ProviderRuleException("invalid_amount", "amount", "The amount must be at least 1 KES");
        }
        if (phone.country() != Country.KE) {
            throw new ProviderRuleException("invalid_phone", "phone", "M-Pesa (Daraja) serves Kenyan numbers only");
        }
    }

    @Override
    public Outcome collect(CollectRequest request) {
        validate(request);
        String timestamp = timestamp();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("BusinessShortCode", settings.shortCode());
        body.put("Password", password(timestamp));
        body.put("Timestamp", timestamp);
        body.put("TransactionType", settings.transactionType());
        body.put("Amount", request.amount().amount().longValueExact());
        body.put("PartyA", request.payer().digits());
        body.put("PartyB", settings.partyB());
        body.put("PhoneNumber", request.payer().digits());
        body.put("CallBackURL", request.callbackUrl().toString());
        body.put("AccountReference", request.reference() == null || request.reference().isBlank()
                ? shortRef(request.attemptId()) : request.reference());
        body.put("TransactionDesc", description(request.description()));
        return DarajaMapping.initiation(client.post("/mpesa/stkpush/v1/processrequest", body), "CheckoutRequestID", null);
    }

    @Override
    public Outcome payout(PayoutRequest request) {
        validate(request);
        Map<String, Object> body = new LinkedHashMap<>();
        // Our attempt id is the OriginatorConversationID: Daraja's idempotency handle, and our way back to it.
        body.put("OriginatorConversationID", request.attemptId());
        body.put("InitiatorName", settings.initiatorName());
        body.put("SecurityCredential", settings.securityCredential());
        body.put("CommandID", settings.b2cCommandId());
        body.put("Amount", request.amount().amount().longValueExact());
        body.put("PartyA", settings.b2cShortCode());
        body.put("PartyB", request.payee().digits());
        body.put("Remarks", request.remarks() == null || request.remarks().isBlank() ? "Payout" : request.remarks());
        body.put("QueueTimeOutURL", (request.timeoutUrl() == null ? request.resultUrl() : request.timeoutUrl()).toString());
        body.put("ResultURL", request.resultUrl().toString());
        body.put("Occasion", request.occasion() == null ? "" : request.occasion());
        Outcome o = DarajaMapping.initiation(client.post("/mpesa/b2c/v3/paymentrequest", body), "OriginatorConversationID",
                request.attemptId());
        return o;
    }

    /**
     * Asks Daraja about a collection (STK query). The gateway, not this method, guarantees that a
     * query never overturns a confirmed success: it never moves a terminal payment.
     */
    @Override
    public Outcome queryStatus(StatusQuery query) {
        if (query.kind() == TransactionKind.PAYOUT) {
            return payoutStatus(query);
        }
        if (query.providerReference() == null) {
            return new Outcome.Unknown(null, "no CheckoutRequestID to query");
        }
        String timestamp = timestamp();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("BusinessShortCode", settings.shortCode());
        body.put("Password", password(timestamp));
        body.put("Timestamp", timestamp);
        body.put("CheckoutRequestID", query.providerReference());
        return DarajaMapping.stkQuery(client.post("/mpesa/stkpushquery/v1/query", body), query.providerReference());
    }

    /**
     * Daraja's Transaction Status API answers asynchronously: a Pending here means "asked"; the
     * answer is posted to the query's result URL and parsed by {@link #parseCallback}. The B2C is
     * named by our own OriginatorConversationID (OriginalConversationID), which we always know, even
     * when the B2C's own answer was lost.
     */
    private Outcome payoutStatus(StatusQuery query) {
        if (query.resultUrl() == null || settings.initiatorName() == null || settings.securityCredential() == null) {
            return new Outcome.Unknown(query.attemptId(), "no result URL or B2C initiator to ask Daraja with");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Initiator", settings.initiatorName());
        body.put("SecurityCredential", settings.securityCredential());
        body.put("CommandID", "TransactionStatusQuery");
        body.put("OriginatorConversationID", MpesaCallbackParser.statusQueryId(query.attemptId(), clock.millis(), settings.consumerSecret()));
        body.put("OriginalConversationID", query.attemptId());
        body.put("TransactionID", "");
        body.put("PartyA", settings.b2cShortCode());
        body.put("IdentifierType", "4");
        body.put("ResultURL", query.resultUrl().toString());
        body.put("QueueTimeOutURL", query.resultUrl().toString());
        body.put("Remarks", "Status check");
        body.put("Occasion", "");
        Outcome asked = DarajaMapping.initiation(client.post("/mpesa/transactionstatus/v1/query", body),
                "OriginatorConversationID", query.attemptId());
        // An accepted query says nothing yet about the payout: keep its reference, the answer comes later.
        return asked instanceof Outcome.Pending ? new Outcome.Pending(query.attemptId(), "status query sent") : asked instanceof
                Outcome.Declined d ? new Outcome.Unknown(query.attemptId(), "status query refused: " + d.reason().code()) : asked;
    }

    @Override
    public CallbackEvent parseCallback(Map<String, List<String>> headers, byte[] body) throws CallbackRejectedException {
        return MpesaCallbackParser.parse(headers, body, settings.consumerSecret());
    }

    private String timestamp() {
        return TIMESTAMP.format(clock.instant().atZone(settings.timestampZone()));
    }

    private String password(String timestamp) {
        return Base64.getEncoder().encodeToString((settings.shortCode() + settings.passkey() + timestamp)
                .getBytes(StandardCharsets.UTF_8));
    }

    private String description(String description) {
        String d = description == null || description.isBlank() ? "Payment" : description;
        // Daraja documents 13 characters but accepts more; truncate only when the account asks to.
        return settings.strictDescriptionLength() && d.length() > 13 ? d.substring(0, 13) : d;
    }

    private static String shortRef(String attemptId) {
        String tail = NOT_ALPHANUMERIC.matcher(attemptId).replaceAll("");
        return tail.substring(Math.max(0, tail.length() - 12));
    }
}
