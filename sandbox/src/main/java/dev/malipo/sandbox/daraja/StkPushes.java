package dev.malipo.sandbox.daraja;

import dev.malipo.sandbox.Behaviour;
import dev.malipo.sandbox.TestNumbers;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * STK Push ({@code /mpesa/stkpush/v1/processrequest}) and the simulated customer behind each
 * push. A push stays open until the customer answers; a second push to a phone with one open is
 * accepted but answered 1001 (subscriber busy), as on Daraja.
 */
final class StkPushes {
    private static final String ACCEPTED = "Success. Request accepted for processing";

    private final DarajaContext ctx;
    private final Map<String, StkPush> pushes = new ConcurrentHashMap<>();
    private final Map<String, String> openByPhone = new ConcurrentHashMap<>();

    StkPushes(DarajaContext ctx) {
        this.ctx = ctx;
    }

    Answer push(DarajaRequest r) {
        String shortCode = DarajaPassword.check(r, ctx.config().passkeys());
        String type = r.required("TransactionType");
        if (!type.equals("CustomerPayBillOnline") && !type.equals("CustomerBuyGoodsOnline")) {
            throw DarajaError.invalid("TransactionType");
        }
        long amount = r.amount();
        r.msisdn("PartyA");
        r.required("PartyB");
        String phone = r.msisdn("PhoneNumber");
        URI callback = r.callbackUrl("CallBackURL", ctx.config().requireHttpsCallbacks());
        String accountReference = r.required("AccountReference");
        if (accountReference.length() > 12) throw DarajaError.invalid("AccountReference");
        // TransactionDesc is documented as at most 13 characters, but real clients send more and
        // Daraja's sandbox accepts it: refusing it here would fail integrations that work there.

        Behaviour behaviour = TestNumbers.behaviourOf(phone);
        if (behaviour == Behaviour.PROVIDER_ERROR) throw new DarajaError("500.003.1001", "Internal Server Error");
        if (behaviour == Behaviour.INVALID_SUBSCRIBER) throw DarajaError.invalid("PhoneNumber");

        StkPush push = new StkPush(ctx.ids().checkoutRequestId(), ctx.ids().merchantRequestId(), shortCode, phone, amount,
                accountReference, callback);
        pushes.put(push.checkoutRequestId, push);
        if (openByPhone.putIfAbsent(phone, push.checkoutRequestId) != null) {
            // The phone is showing another prompt: Daraja cannot lock the subscriber.
            ctx.scheduler().after(Duration.ZERO, () -> finish(push, 1001,
                    "Unable to lock subscriber, a transaction is already in process for the current subscriber", 1, false));
        } else {
            simulateCustomer(push, behaviour);
        }

        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("MerchantRequestID", push.merchantRequestId);
        answer.put("CheckoutRequestID", push.checkoutRequestId);
        answer.put("ResponseCode", "0");
        answer.put("ResponseDescription", ACCEPTED);
        answer.put("CustomerMessage", ACCEPTED);
        // 008: the push went through, but the answer outlasts the client's read timeout.
        Duration hold = behaviour == Behaviour.TIMEOUT_AFTER_ACCEPT ? ctx.config().timeoutAfterAcceptDelay() : Duration.ZERO;
        return new Answer(answer, hold);
    }

    private void simulateCustomer(StkPush push, Behaviour behaviour) {
        DarajaEmulatorConfig c = ctx.config();
        Duration approve = ctx.scheduler().scale(c.approveDelay());
        Duration after = switch (behaviour) {
            case NO_ANSWER -> ctx.scheduler().scale(c.noAnswerTimeout());
            case SLOW_APPROVE -> ctx.scheduler().scale(c.slowApproveDelay());
            default -> approve;
        };
        ctx.scheduler().after(after, () -> {
            switch (behaviour) {
                case DECLINE -> finish(push, 1032, "Request cancelled by user", 1, false);
                case INSUFFICIENT_FUNDS -> finish(push, 1, "The balance is insufficient for the transaction.", 1, false);
                case WRONG_PIN -> finish(push, 2001, "The initiator information is invalid.", 1, false);
                case NO_ANSWER -> finish(push, 1037, "DS timeout user cannot be reached", 1, false);
                case DUPLICATE_CALLBACK -> finish(push, 0, DarajaCallbacks.SUCCESS, 2, true);
                case NO_CALLBACK -> finish(push, 0, DarajaCallbacks.SUCCESS, 0, true);
                default -> finish(push, 0, DarajaCallbacks.SUCCESS, 1, true);
            }
        });
    }

    /** The customer answered: settle the push, free the phone, tell the merchant {@code deliveries} times. */
    private void finish(StkPush push, int code, String desc, int deliveries, boolean paid) {
        push.complete(code, desc, paid ? ctx.ids().receipt() : null, ctx.config().clock().instant());
        openByPhone.remove(push.phone, push.checkoutRequestId);
        ctx.callback(push.callbackUrl, ctx.payloads().stkCallback(push), deliveries);
    }

    Optional<StkPush> find(String checkoutRequestId) {
        return Optional.ofNullable(pushes.get(checkoutRequestId));
    }

    Optional<StkPush> findByReceipt(String receipt) {
        return pushes.values().stream().filter(p -> receipt.equals(p.receipt())).findFirst();
    }

    Collection<StkPush> all() {
        return pushes.values();
    }

    List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StkPush p : pushes.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "stk");
            m.put("id", p.checkoutRequestId);
            m.put("merchant_request_id", p.merchantRequestId);
            m.put("short_code", p.shortCode);
            m.put("phone", p.phone);
            m.put("amount", p.amount);
            m.put("account_reference", p.accountReference);
            m.put("state", p.done() ? "done" : "open");
            m.put("result_code", p.done() ? p.resultCode() : null);
            m.put("result_desc", p.done() ? p.resultDesc() : null);
            m.put("receipt", p.receipt());
            out.add(m);
        }
        return out;
    }

    void reset() {
        pushes.clear();
        openByPhone.clear();
    }
}
