package dev.malipo.core.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberToCarrierMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A mobile subscriber number in E.164 form ("+254712345678") with its country and network.
 *
 * <p>Parsing is libphonenumber's, not ours: it knows every numbering plan change. Local forms
 * ("0788123456", "788123456") are ambiguous between Kenya and Rwanda — both use ten-digit 07
 * numbers — so they are read in the country the caller names (usually the one of the payment's
 * currency) and refused as ambiguous when no country is given and both would fit.
 */
public record Msisdn(String e164, Country country, MobileNetwork network) {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final PhoneNumberToCarrierMapper CARRIERS = PhoneNumberToCarrierMapper.getInstance();
    // Compiled once (String.replaceAll and matches compile on every call): each payment parses a number.
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-().]");
    private static final Pattern DIGITS = Pattern.compile("\\+?[0-9]{6,15}");

    public Msisdn {
        Objects.requireNonNull(e164, "e164");
        Objects.requireNonNull(country, "country");
        Objects.requireNonNull(network, "network");
    }

    /** Parses an international or unambiguous number. */
    public static Msisdn parse(String raw) {
        return parse(raw, null);
    }

    /** Parses {@code raw}, reading local forms as numbers of {@code defaultCountry} when it is not null. */
    public static Msisdn parse(String raw, Country defaultCountry) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidMsisdnException("Phone number is required");
        }
        String cleaned = SEPARATORS.matcher(raw.trim()).replaceAll("");
        if (!DIGITS.matcher(cleaned).matches()) {
            throw new InvalidMsisdnException("Phone number '" + raw + "' may hold only digits, spaces and a leading +");
        }
        String international = toInternationalOrNull(cleaned);
        if (international != null) {
            return fromParsed(readInternational(international, raw), raw);
        }
        if (defaultCountry != null) {
            return fromParsed(readLocal(localForm(cleaned), defaultCountry, raw), raw);
        }
        List<Msisdn> candidates = new ArrayList<>();
        for (Country c : Country.values()) {
            try {
                candidates.add(fromParsed(readLocal(localForm(cleaned), c, raw), raw));
            } catch (InvalidMsisdnException ignored) {
                // not a mobile number of this country; try the next one
            }
        }
        if (candidates.size() == 1) {
            return candidates.getFirst();
        }
        if (candidates.isEmpty()) {
            throw new InvalidMsisdnException("Phone number '" + raw + "' is not a Kenyan or Rwandan mobile number");
        }
        throw new InvalidMsisdnException("Phone number '" + raw
                + "' is a valid local number in both Kenya and Rwanda; give it with its country code (+254 or +250)");
    }

    /** "254712345678", "+254712345678" and "00254712345678" are international; "0712345678" is local. */
    private static String toInternationalOrNull(String cleaned) {
        if (cleaned.startsWith("+")) return cleaned;
        if (cleaned.startsWith("00")) return "+" + cleaned.substring(2);
        for (Country c : Country.values()) {
            // A bare country code followed by a full national number: 254712345678 (12 digits).
            if (cleaned.startsWith(c.callingCode()) && cleaned.length() == c.callingCode().length() + 9) {
                return "+" + cleaned;
            }
        }
        return null;
    }

    /** Both countries' mobile numbers have nine national digits: "788123456" gets its trunk 0. */
    private static String localForm(String cleaned) {
        return cleaned.length() == 9 && !cleaned.startsWith("0") ? "0" + cleaned : cleaned;
    }

    /** "+254712345678": a Kenyan or Rwandan number in canonical form is read directly, anything else by libphonenumber. */
    static PhoneNumber readInternational(String international, String raw) {
        for (Country c : Country.values()) {
            String cc = c.callingCode();
            if (international.startsWith(cc, 1) && isNationalNumber(international, 1 + cc.length())) {
                return direct(c, international, 1 + cc.length());
            }
        }
        try {
            return UTIL.parse(international, null);
        } catch (NumberParseException e) {
            throw new InvalidMsisdnException("Phone number '" + raw + "' cannot be read: " + e.getMessage());
        }
    }

    /** "0712345678" in {@code country}: read directly when it is a trunk 0 and nine digits, else by libphonenumber. */
    static PhoneNumber readLocal(String local, Country country, String raw) {
        if (local.startsWith("0") && isNationalNumber(local, 1)) {
            return direct(country, local, 1);
        }
        try {
            return UTIL.parse(local, country.name());
        } catch (NumberParseException e) {
            throw new InvalidMsisdnException("Phone number '" + raw + "' cannot be read: " + e.getMessage());
        }
    }

    /*
     * libphonenumber's parse spends most of its time on what cannot occur here (letters, extensions,
     * punctuation, international dialling prefixes): with it a number took 8-10 µs (bench/msisdn-parse)
     * and 8.7 % of the gateway's CPU samples under load, without it 1.5-1.9 µs and 2.3 %. Kenyan and Rwandan national numbers are nine digits with no leading 0
     * (0 is the trunk prefix both countries use) and no carrier codes, so for input already reduced
     * to digits its result is always the calling code and those nine digits; MsisdnTest checks this
     * against parse for every three-digit prefix of both countries. Validity, type and network are
     * still decided by libphonenumber's metadata in fromParsed.
     */
    private static boolean isNationalNumber(String s, int from) {
        if (s.length() - from != 9 || s.charAt(from) == '0') return false;
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') return false;
        }
        return true;
    }

    private static PhoneNumber direct(Country country, String s, int from) {
        return new PhoneNumber().setCountryCode(Integer.parseInt(country.callingCode()))
                .setNationalNumber(Long.parseLong(s, from, s.length(), 10));
    }

    private static Msisdn fromParsed(PhoneNumber number, String raw) {
        String region = UTIL.getRegionCodeForNumber(number);
        Country country;
        try {
            country = region == null ? null : Country.valueOf(region);
        } catch (IllegalArgumentException e) {
            country = null;
        }
        if (country == null) {
            throw new InvalidMsisdnException("Phone number '" + raw + "' is not a Kenyan or Rwandan number");
        }
        // One type look-up does for validity too: for a number whose region came from its own
        // calling code, isValidNumber is exactly getNumberType != UNKNOWN (and the carrier mapper's
        // getNameForNumber would look the type up a third time before getNameForValidNumber).
        PhoneNumberType type = UTIL.getNumberType(number);
        if (type == PhoneNumberType.UNKNOWN) {
            throw new InvalidMsisdnException("Phone number '" + raw + "' is not a valid " + country.name() + " number");
        }
        if (type != PhoneNumberType.MOBILE && type != PhoneNumberType.FIXED_LINE_OR_MOBILE) {
            throw new InvalidMsisdnException("Phone number '" + raw + "' is not a mobile number (it is "
                    + type.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")");
        }
        MobileNetwork network = MobileNetwork.fromCarrierName(CARRIERS.getNameForValidNumber(number, Locale.ENGLISH));
        return new Msisdn(UTIL.format(number, PhoneNumberFormat.E164), country, network);
    }

    /** Digits only, country code first: "254712345678" — what Daraja, iPay and DGS-Pay expect. */
    public String digits() {
        return e164.substring(1);
    }

    /** The national form with trunk zero: "0788123456" — what Paypack expects. */
    public String nationalWithZero() {
        return "0" + e164.substring(1 + country.callingCode().length());
    }

    /** For logs: keeps the country code and the last three digits, hides the subscriber. */
    public String masked() {
        return mask(e164);
    }

    /** Masks any phone-like string for logging without parsing it. */
    public static String mask(String phone) {
        if (phone == null) return "null";
        int keepStart = Math.min(4, phone.length());
        int keepEnd = Math.min(3, Math.max(0, phone.length() - keepStart));
        return phone.substring(0, keepStart) + "*".repeat(phone.length() - keepStart - keepEnd)
                + phone.substring(phone.length() - keepEnd);
    }

    @Override
    public String toString() {
        return masked();
    }
}
