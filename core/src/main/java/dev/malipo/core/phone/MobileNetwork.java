package dev.malipo.core.phone;

import java.util.Locale;

/** The mobile network operator a number belongs to, as far as the numbering plan tells. */
public enum MobileNetwork {
    SAFARICOM, AIRTEL, TELKOM, MTN, OTHER;

    /**
     * Maps libphonenumber's carrier name. Its Rwanda data still says "Tigo" for 072/073, which has
     * been Airtel since the 2018 merger; Kenya's "Airtel" and Rwanda's "Airtel" are one operator group.
     */
    static MobileNetwork fromCarrierName(String carrier) {
        String c = carrier == null ? "" : carrier.toLowerCase(Locale.ROOT);
        if (c.contains("safaricom")) return SAFARICOM;
        if (c.contains("airtel") || c.contains("tigo")) return AIRTEL;
        if (c.contains("telkom") || c.contains("orange")) return TELKOM;
        if (c.contains("mtn")) return MTN;
        return OTHER;
    }
}
