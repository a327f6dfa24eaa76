package dev.malipo.core.connector;

import dev.malipo.core.money.Money;
import dev.malipo.core.phone.Msisdn;

import java.net.URI;
import java.util.Objects;

/**
 * Send {@code amount} to {@code payee}.
 *
 * @param attemptId  Malipo's id for this attempt ("po_..."); it is the provider-side idempotency
 *                   handle where the provider has one (OriginatorConversationID on M-Pesa B2C)
 * @param resultUrl  where the provider sends the final result
 * @param timeoutUrl where the provider reports a queue timeout (not a failure)
 */
public record PayoutRequest(String attemptId, Money amount, Msisdn payee, String remarks, String occasion,
                            URI resultUrl, URI timeoutUrl) {
    public PayoutRequest {
        Objects.requireNonNull(attemptId, "attemptId");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(payee, "payee");
        Objects.requireNonNull(resultUrl, "resultUrl");
    }
}
