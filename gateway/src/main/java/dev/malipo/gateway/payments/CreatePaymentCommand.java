package dev.malipo.gateway.payments;

import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.money.Money;
import dev.malipo.core.phone.Msisdn;

import java.util.Map;

/** A validated request to collect (or pay out) money. */
record CreatePaymentCommand(TransactionKind kind, Money amount, Msisdn phone, String reference, String description,
                            Map<String, String> metadata, String webhookUrl, String providerAccount) {
}
