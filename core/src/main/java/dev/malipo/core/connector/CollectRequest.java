package dev.malipo.core.connector;

import dev.malipo.core.money.Money;
import dev.malipo.core.phone.Msisdn;

import java.net.URI;
import java.util.Objects;

/**
 * Ask the customer behind {@code payer} to pay {@code amount}.
 *
 * @param attemptId   Malipo's id for this attempt (e.g. "pay_..."); connectors send it where the
 *                    provider keeps a merchant reference, so a status query can find it
 * @param reference   the merchant's reference shown to the customer (AccountReference on M-Pesa)
 * @param callbackUrl where the provider must send the result
 */
public record CollectRequest(String attemptId, Money amount, Msisdn payer, String reference, String description,
                             URI callbackUrl) {
    public CollectRequest {
        Objects.requireNonNull(attemptId, "attemptId");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(payer, "payer");
        Objects.requireNonNull(callbackUrl, "callbackUrl");
    }
}
