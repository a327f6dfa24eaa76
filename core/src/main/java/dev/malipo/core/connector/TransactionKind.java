package dev.malipo.core.connector;

public enum TransactionKind {
    /** Money from a customer to the merchant (STK push, cash-in). */
    COLLECTION,
    /** Money from the merchant to a customer (B2C, cash-out). */
    PAYOUT
}
