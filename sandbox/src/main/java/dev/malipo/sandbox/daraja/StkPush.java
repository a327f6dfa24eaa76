package dev.malipo.sandbox.daraja;

import java.net.URI;
import java.time.Instant;

/** One STK push as the emulator holds it: open until the simulated customer answers. */
final class StkPush {
    final String checkoutRequestId;
    final String merchantRequestId;
    final String shortCode;
    final String phone;
    final long amount;
    final String accountReference;
    final URI callbackUrl;
    private volatile boolean done;
    private volatile int resultCode;
    private volatile String resultDesc;
    private volatile String receipt;
    private volatile Instant completedAt;

    StkPush(String checkoutRequestId, String merchantRequestId, String shortCode, String phone, long amount,
            String accountReference, URI callbackUrl) {
        this.checkoutRequestId = checkoutRequestId;
        this.merchantRequestId = merchantRequestId;
        this.shortCode = shortCode;
        this.phone = phone;
        this.amount = amount;
        this.accountReference = accountReference;
        this.callbackUrl = callbackUrl;
    }

    /** Settles the push; the receipt only when it succeeded. Written before {@code done}, read after. */
    void complete(int code, String desc, String receipt, Instant at) {
        this.resultCode = code;
        this.resultDesc = desc;
        this.receipt = receipt;
        this.completedAt = at;
        this.done = true;
    }

    boolean done() { return done; }
    int resultCode() { return resultCode; }
    String resultDesc() { return resultDesc; }
    String receipt() { return receipt; }
    Instant completedAt() { return completedAt; }
}
