package dev.malipo.core.connector;

public enum Capability {
    COLLECT, PAYOUT, STATUS, REFUND, BALANCE, BANKS
}
