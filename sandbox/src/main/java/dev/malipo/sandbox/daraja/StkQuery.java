package dev.malipo.sandbox.daraja;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * STK query ({@code /mpesa/stkpushquery/v1/query}). While the customer has not answered, Daraja
 * answers HTTP 500 {@code 500.001.1001}: clients must read that as "still pending", not failed.
 */
final class StkQuery {
    private final DarajaContext ctx;
    private final StkPushes pushes;

    StkQuery(DarajaContext ctx, StkPushes pushes) {
        this.ctx = ctx;
        this.pushes = pushes;
    }

    Answer query(DarajaRequest r) {
        DarajaPassword.check(r, ctx.config().passkeys());
        StkPush p = pushes.find(r.required("CheckoutRequestID"))
                .orElseThrow(() -> DarajaError.invalid("CheckoutRequestID"));
        if (!p.done()) throw new DarajaError("500.001.1001", "The transaction is being processed");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ResponseCode", "0");
        answer.put("ResponseDescription", "The service request has been accepted successsfully"); // sic, Daraja's spelling
        answer.put("MerchantRequestID", p.merchantRequestId);
        answer.put("CheckoutRequestID", p.checkoutRequestId);
        answer.put("ResultCode", String.valueOf(p.resultCode())); // a string here, a number in the callback
        answer.put("ResultDesc", p.resultDesc());
        return Answer.now(answer);
    }
}
