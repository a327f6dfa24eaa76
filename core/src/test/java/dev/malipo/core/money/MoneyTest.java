package dev.malipo.core.money;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MoneyTest {

    @Test
    void equalValuesAreEqualWhateverTheScale() {
        assertThat(Money.of("100", "KES")).isEqualTo(Money.of("100.00", "KES"));
        assertThat(Money.of("100", "KES").hashCode()).isEqualTo(Money.of("100.0", "KES").hashCode());
    }

    @ParameterizedTest
    @CsvSource({"10.50,KES,1050", "100,RWF,100", "0.01,KES,1", "5000,UGX,5000"})
    void minorUnits(String amount, String currency, long minor) {
        assertThat(Money.of(amount, currency).toMinorUnits()).isEqualTo(minor);
        assertThat(Money.ofMinor(minor, currency)).isEqualTo(Money.of(amount, currency));
    }

    @Test
    void refusesMoreDecimalsThanTheCurrencyHas() {
        assertThatThrownBy(() -> Money.of("10.005", "KES"))
                .isInstanceOfSatisfying(MoneyException.class, e -> assertThat(e.code()).isEqualTo("invalid_amount"));
        assertThatThrownBy(() -> Money.of("100.5", "RWF")).isInstanceOf(MoneyException.class);
    }

    @Test
    void wholeAmounts() {
        assertThat(Money.of("100.00", "KES").isWhole()).isTrue();
        assertThat(Money.of("100.50", "KES").isWhole()).isFalse();
        assertThat(Money.of("1E+2", "KES").toPlainString()).isEqualTo("100");
        assertThat(Money.of("10.50", "KES").toPlainString()).isEqualTo("10.5");
    }

    @ParameterizedTest
    @CsvSource({"100,USD,unsupported_currency", "100,XYZ,invalid_currency", "100,ke,invalid_currency",
            "abc,KES,invalid_amount", "'',KES,invalid_amount"})
    void clearErrors(String amount, String currency, String code) {
        assertThatThrownBy(() -> Money.of(amount, currency))
                .isInstanceOfSatisfying(MoneyException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void comparesOnlyWithinOneCurrency() {
        assertThat(Money.of("5", "KES")).isLessThan(Money.of("6", "KES"));
        assertThatThrownBy(() -> Money.of("5", "KES").compareTo(Money.of("5", "RWF")))
                .isInstanceOf(MoneyException.class);
    }

    @Test
    void positivity() {
        assertThat(Money.of("0", "KES").isPositive()).isFalse();
        assertThat(Money.of("-1", "KES").isPositive()).isFalse();
        assertThat(Money.of("0.01", "KES").isPositive()).isTrue();
    }
}
