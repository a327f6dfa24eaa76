package dev.malipo.sandbox.daraja;

import dev.malipo.sandbox.Behaviour;
import dev.malipo.sandbox.TestNumbers;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * STK Push and STK query, with a simulated customer per push. A push stays open until the
 * customer answers; a second push to a phone with one open is answered 1001 (subscriber busy).
 */
final class StkPushes {
    static final ZoneId NAIROBI = ZoneId.of("Africa/Nairobi");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final DateTimeFormatter CHECKOUT_STAMP = DateTimeFormatter.ofPattern("ddMMyyyyHHmmss");

    enum State { OPEN, DONE }

    static final class Push {
        final String checkoutRequestId;
        final String merchantRequestId;
        final String phone;
        final long amount;
        final URI callbackUrl;
        volatile State state = State.OPEN;
        volatile int resultCode;
        volatile String resultDesc;
        volatile String receipt;

        Push(String checkoutRequestId, String merchantRequestId, String phone, long amount, URI callbackUrl) {
            this.checkoutRequestId = checkoutRequestId;
            this.merchantRequestId = merchantRequestId;
            this.phone = phone;
            this.amount = amount;
            this.callbackUrl = callbackUrl;
        }
    }

    /** What the HTTP layer must do: answer, possibly after a delay. */
    record Accepted(Map<String, Object> answer, Duration answerDelay) {
    }

    private final DarajaEmulator emulator;
    private final DarajaEmulatorConfig config;
    private final Map<String, Push> pushes = new ConcurrentHashMap<>();
    private final Map<String, String> openByPhone = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong(10_000);

    StkPushes(DarajaEmulator emulator, DarajaEmulatorConfig config) {
        this.emulator = emulator;
        this.config = config;
    }

    Accepted push(DarajaRequest r) {
        String shortCode = r.required("BusinessShortCode");
        checkPassword(shortCode, r.required("Password"), r.required("Timestamp"));
        String type = r.required("TransactionType");
        if (!type.equals("CustomerPayBillOnline") && !type.equals("CustomerBuyGoodsOnline")) {
            throw DarajaError.invalid("TransactionType");
        }
        long amount = r.amount();
        String partyA = r.msisdn("PartyA");
        r.required("PartyB");
        String phone = r.msisdn("PhoneNumber");
        URI callback = r.callbackUrl("CallBackURL", config.requireHttpsCallbacks());
        String accountReference = r.required("AccountReference");
        if (accountReference.length() > 12) throw DarajaError.invalid("AccountReference");
        // TransactionDesc: documented as at most 13 characters, but real clients send more and
        // the sandbox accepts it, so we do too.
        if (!partyA.equals(phone)) throw DarajaError.invalid("PartyA");

        Behaviour behaviour = TestNumbers.behaviourOf(phone);
        if (behaviour == Behaviour.PROVIDER_ERROR) {
            throw new DarajaError("500.003.1001", "Internal Server Error");
        }
        if (behaviour == Behaviour.INVALID_SUBSCRIBER) {
            throw DarajaError.invalid("PhoneNumber");
        }
        long n = sequence.incrementAndGet();
        String checkoutId = "ws_CO_" + CHECKOUT_STAMP.format(config.clock().instant().atZone(NAIROBI)) + n;
        Push push = new Push(checkoutId, (n % 90_000 + 10_000) + "-" + (n * 7 + 1_000_000) + "-1", phone, amount, callback);
        pushes.put(checkoutId, push);

        if (openByPhone.putIfAbsent(phone, checkoutId) != null) {
            // Another push is waiting on this phone: the subscriber cannot be locked.
            emulator.later(Duration.ZERO, () -> finish(push, 1001,
                    "Unable to lock subscriber, a transaction is already in process for the current subscriber", 1));
        } else {
            simulateCustomer(push, behaviour);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("MerchantRequestID", push.merchantRequestId);
        answer.put("CheckoutRequestID", checkoutId);
        answer.put("ResponseCode", "0");
        answer.put("ResponseDescription", "Success. Request accepted for processing");
        answer.put("CustomerMessage", "Success. Request accepted for processing");
        Duration delay = behaviour == Behaviour.TIMEOUT_AFTER_ACCEPT ? config.timeoutAfterAcceptDelay() : Duration.ZERO;
        return new Accepted(answer, delay);
    }

    private void simulateCustomer(Push push, Behaviour behaviour) {
        Duration approve = config.scaled(config.approveDelay());
        switch (behaviour) {
            case DECLINE -> emulator.later(approve, () -> finish(push, 1032, "Request cancelled by user", 1));
            case INSUFFICIENT_FUNDS -> emulator.later(approve, () -> finish(push, 1, "The balance is insufficient for the transaction.", 1));
            case WRONG_PIN -> emulator.later(approve, () -> finish(push, 2001, "The initiator information is invalid.", 1));
            case NO_ANSWER -> emulator.later(config.scaled(config.noAnswerTimeout()),
                    () -> finish(push, 1037, "DS timeout user cannot be reached", 1));
            case DUPLICATE_CALLBACK -> emulator.later(approve, () -> finish(push, 0, "The service request is processed successfully.", 2));
            case NO_CALLBACK -> emulator.later(approve, () -> finish(push, 0, "The service request is processed successfully.", 0));
            case SLOW_APPROVE -> emulator.later(config.scaled(config.slowApproveDelay()),
                    () -> finish(push, 0, "The service request is processed successfully.", 1));
            default -> emulator.later(approve, () -> finish(push, 0, "The service request is processed successfully.", 1));
        }
    }

    /** The customer answered: settle the push and tell the merchant {@code deliveries} times. */
    private void finish(Push push, int code, String desc, int deliveries) {
        if (code == 0) push.receipt = emulator.receipt();
        push.resultCode = code;
        push.resultDesc = desc;
        push.state = State.DONE;
        openByPhone.remove(push.phone, push.checkoutRequestId);
        emulator.deliver(push.callbackUrl, callbackBody(push), deliveries);
    }

    Map<String, Object> callbackBody(Push p) {
        Map<String, Object> stk = new LinkedHashMap<>();
        stk.put("MerchantRequestID", p.merchantRequestId);
        stk.put("CheckoutRequestID", p.checkoutRequestId);
        stk.put("ResultCode", p.resultCode);
        stk.put("ResultDesc", p.resultDesc);
        if (p.resultCode == 0) {
            List<Map<String, Object>> items = new ArrayList<>();
            items.add(Map.of("Name", "Amount", "Value", p.amount));
            items.add(Map.of("Name", "MpesaReceiptNumber", "Value", p.receipt));
            items.add(Map.of("Name", "TransactionDate", "Value",
                    Long.parseLong(TIMESTAMP.format(config.clock().instant().atZone(NAIROBI)))));
            items.add(Map.of("Name", "PhoneNumber", "Value", Long.parseLong(p.phone)));
            stk.put("CallbackMetadata", Map.of("Item", items));
        }
        return Map.of("Body", Map.of("stkCallback", stk));
    }

    Map<String, Object> query(DarajaRequest r) {
        String shortCode = r.required("BusinessShortCode");
        checkPassword(shortCode, r.required("Password"), r.required("Timestamp"));
        Push p = pushes.get(r.required("CheckoutRequestID"));
        if (p == null) throw DarajaError.invalid("CheckoutRequestID");
        if (p.state == State.OPEN) throw new DarajaError("500.001.1001", "The transaction is being processed");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ResponseCode", "0");
        answer.put("ResponseDescription", "The service request has been accepted successsfully");
        answer.put("MerchantRequestID", p.merchantRequestId);
        answer.put("CheckoutRequestID", p.checkoutRequestId);
        answer.put("ResultCode", String.valueOf(p.resultCode));
        answer.put("ResultDesc", p.resultDesc);
        return answer;
    }

    /** Password = Base64(ShortCode + Passkey + Timestamp) for the Timestamp actually sent, in any zone. */
    private void checkPassword(String shortCode, String password, String timestamp) {
        String passkey = config.passkeys().get(shortCode);
        if (!timestamp.matches("\\d{14}")) throw DarajaError.invalid("Timestamp");
        String expected = passkey == null ? null
                : Base64.getEncoder().encodeToString((shortCode + passkey + timestamp).getBytes(StandardCharsets.UTF_8));
        if (expected == null || !expected.equals(password)) {
            throw new DarajaError("500.001.1001", "Wrong credentials");
        }
    }

    List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Push p : pushes.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "stk");
            m.put("id", p.checkoutRequestId);
            m.put("phone", p.phone);
            m.put("amount", p.amount);
            m.put("state", p.state.name().toLowerCase());
            m.put("result_code", p.state == State.DONE ? p.resultCode : null);
            m.put("receipt", p.receipt);
            out.add(m);
        }
        return out;
    }

    void reset() {
        pushes.clear();
        openByPhone.clear();
    }
}
