package dev.malipo.core.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An amount of money in one currency. Never a double: the amount is a {@link BigDecimal} whose
 * scale never exceeds the currency's minor-unit digits (KES 2, RWF 0), so "10.005 KES" is refused
 * rather than rounded.
 */
public record Money(BigDecimal amount, Currency currency) implements Comparable<Money> {

    /** Currencies Malipo's providers move today. Extending the list is a conscious decision. */
    public static final Set<String> SUPPORTED_CURRENCIES = Set.of("KES", "RWF", "UGX", "TZS");
    // Compiled once: String.matches compiles its pattern on every call, and every payment row read passes here.
    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");

    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        if (!SUPPORTED_CURRENCIES.contains(currency.getCurrencyCode())) {
            throw new MoneyException("unsupported_currency",
                    "Currency " + currency.getCurrencyCode() + " is not supported; use one of " + SUPPORTED_CURRENCIES);
        }
        BigDecimal normalized = amount.stripTrailingZeros();
        if (normalized.scale() > currency.getDefaultFractionDigits()) {
            throw new MoneyException("invalid_amount", "Amount " + amount.toPlainString() + " has more decimals than "
                    + currency.getCurrencyCode() + " allows (" + currency.getDefaultFractionDigits() + ")");
        }
        // Keep one representation per value so equals/hashCode behave: 100 == 100.00.
        amount = normalized.setScale(currency.getDefaultFractionDigits(), RoundingMode.UNNECESSARY);
    }

    public static Money of(String amount, String currencyCode) {
        return new Money(parseAmount(amount), currency(currencyCode));
    }

    public static Money of(BigDecimal amount, String currencyCode) {
        return new Money(amount, currency(currencyCode));
    }

    public static Money ofMinor(long minorUnits, String currencyCode) {
        Currency c = currency(currencyCode);
        return new Money(BigDecimal.valueOf(minorUnits, c.getDefaultFractionDigits()), c);
    }

    public static Currency currency(String code) {
        if (code == null || code.isBlank()) {
            throw new MoneyException("invalid_currency", "Currency is required");
        }
        String upper = code.trim().toUpperCase(java.util.Locale.ROOT);
        if (!CURRENCY_CODE.matcher(upper).matches()) {
            throw new MoneyException("invalid_currency", "Currency must be an ISO 4217 code such as KES or RWF");
        }
        try {
            return Currency.getInstance(upper);
        } catch (IllegalArgumentException e) {
            throw new MoneyException("invalid_currency", "Unknown currency " + upper);
        }
    }

    private static BigDecimal parseAmount(String amount) {
        if (amount == null || amount.isBlank()) {
            throw new MoneyException("invalid_amount", "Amount is required");
        }
        try {
            return new BigDecimal(amount.trim());
        } catch (NumberFormatException e) {
            throw new MoneyException("invalid_amount", "Amount '" + amount + "' is not a decimal number");
        }
    }

    public String currencyCode() {
        return currency.getCurrencyCode();
    }

    public long toMinorUnits() {
        return amount.movePointRight(currency.getDefaultFractionDigits()).longValueExact();
    }

    public boolean isPositive() {
        return amount.signum() > 0;
    }

    /** True when the amount has no fractional part: M-Pesa, for one, takes whole shillings only. */
    public boolean isWhole() {
        return amount.stripTrailingZeros().scale() <= 0;
    }

    /** The amount as a plain string without exponent and with trailing zeros removed: "100", "10.5". */
    public String toPlainString() {
        BigDecimal stripped = amount.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }

    @Override
    public int compareTo(Money other) {
        if (!currency.equals(other.currency)) {
            throw new MoneyException("currency_mismatch", "Cannot compare " + currencyCode() + " with " + other.currencyCode());
        }
        return amount.compareTo(other.amount);
    }

    @Override
    public String toString() {
        return amount.toPlainString() + " " + currency.getCurrencyCode();
    }
}
