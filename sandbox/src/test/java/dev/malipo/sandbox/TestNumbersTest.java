package dev.malipo.sandbox;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestNumbersTest {

    @ParameterizedTest
    @CsvSource({"254708374149,APPROVE", "254708374001,DECLINE", "254708374002,INSUFFICIENT_FUNDS",
            "254708374003,WRONG_PIN", "254708374004,NO_ANSWER", "254708374005,DUPLICATE_CALLBACK",
            "254708374006,NO_CALLBACK", "254708374007,PROVIDER_ERROR", "254708374008,TIMEOUT_AFTER_ACCEPT",
            "254708374009,SLOW_APPROVE", "254708374010,INVALID_SUBSCRIBER", "'+254 708 374 001',DECLINE",
            "0788123010,INVALID_SUBSCRIBER", "254708374011,APPROVE", "254708374100,APPROVE", "12,APPROVE"})
    void theLastThreeDigitsDecide(String phone, Behaviour expected) {
        assertThat(TestNumbers.behaviourOf(phone)).isEqualTo(expected);
    }

    @Test
    void theBannerListsEveryRow() {
        String table = TestNumbers.describe();
        for (String ending : TestNumbers.TABLE.keySet()) assertThat(table).contains("…" + ending);
        assertThat(table).contains("other");
        assertThat(TestNumbers.behaviourOf(null)).isEqualTo(Behaviour.APPROVE);
    }
}
