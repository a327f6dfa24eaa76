package dev.malipo.connector.mpesa;

import dev.malipo.core.connector.ConnectorConfig;

import java.time.ZoneId;

/**
 * The Daraja account settings, by their keys in {@link ConnectorConfig#settings()}:
 * consumer-key, consumer-secret, short-code (BusinessShortCode; the store number for tills),
 * passkey, transaction-type (CustomerPayBillOnline | CustomerBuyGoodsOnline), till-number (PartyB
 * for Buy Goods), initiator-name, security-credential (B2C, already encrypted), b2c-short-code,
 * b2c-command-id, timestamp-zone, strict-description-length.
 */
public record MpesaSettings(String consumerKey, String consumerSecret, String shortCode, String passkey,
                            String transactionType, String tillNumber, String initiatorName, String securityCredential,
                            String b2cShortCode, String b2cCommandId, ZoneId timestampZone,
                            boolean strictDescriptionLength) {

    public static final String PAYBILL = "CustomerPayBillOnline";
    public static final String BUY_GOODS = "CustomerBuyGoodsOnline";

    public static MpesaSettings from(ConnectorConfig config) {
        String type = config.get("transaction-type", PAYBILL);
        if (!type.equals(PAYBILL) && !type.equals(BUY_GOODS)) {
            throw new IllegalArgumentException("transaction-type must be " + PAYBILL + " or " + BUY_GOODS);
        }
        String till = config.get("till-number", null);
        if (type.equals(BUY_GOODS) && till == null) {
            throw new IllegalArgumentException("till-number is required for " + BUY_GOODS);
        }
        String shortCode = config.require("short-code");
        if (!shortCode.matches("\\d{5,7}")) {
            throw new IllegalArgumentException("short-code must be 5 to 7 digits");
        }
        return new MpesaSettings(config.require("consumer-key"), config.require("consumer-secret"), shortCode,
                config.require("passkey"), type, till, config.get("initiator-name", null),
                config.get("security-credential", null), config.get("b2c-short-code", shortCode),
                config.get("b2c-command-id", "BusinessPayment"), ZoneId.of(config.get("timestamp-zone", "Africa/Nairobi")),
                Boolean.parseBoolean(config.get("strict-description-length", "false")));
    }

    /** PartyB of an STK push: the paybill itself, or the till under the store number. */
    public String partyB() {
        return transactionType.equals(BUY_GOODS) ? tillNumber : shortCode;
    }

    @Override
    public String toString() {
        return "MpesaSettings[shortCode=" + shortCode + ", transactionType=" + transactionType + ", secrets hidden]";
    }
}
