package dev.malipo.core.payment;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PaymentStatusTest {

    /** Every pair of states, with whether the move is legal. */
    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "PENDING,PENDING,false", "PENDING,UNKNOWN,true", "PENDING,SUCCEEDED,true", "PENDING,FAILED,true", "PENDING,EXPIRED,true",
            "UNKNOWN,PENDING,false", "UNKNOWN,UNKNOWN,false", "UNKNOWN,SUCCEEDED,true", "UNKNOWN,FAILED,true", "UNKNOWN,EXPIRED,false",
            "SUCCEEDED,PENDING,false", "SUCCEEDED,UNKNOWN,false", "SUCCEEDED,SUCCEEDED,false", "SUCCEEDED,FAILED,false", "SUCCEEDED,EXPIRED,false",
            "FAILED,PENDING,false", "FAILED,UNKNOWN,false", "FAILED,SUCCEEDED,false", "FAILED,FAILED,false", "FAILED,EXPIRED,false",
            "EXPIRED,PENDING,false", "EXPIRED,UNKNOWN,false", "EXPIRED,SUCCEEDED,false", "EXPIRED,FAILED,false", "EXPIRED,EXPIRED,false",
    })
    void transitions(PaymentStatus from, PaymentStatus to, boolean legal) {
        assertThat(from.canMoveTo(to)).isEqualTo(legal);
        if (legal) {
            from.checkMoveTo(to);
        } else {
            assertThatThrownBy(() -> from.checkMoveTo(to)).isInstanceOf(IllegalStateTransitionException.class);
        }
    }

    @ParameterizedTest
    @CsvSource({"PENDING,false", "UNKNOWN,false", "SUCCEEDED,true", "FAILED,true", "EXPIRED,true"})
    void terminalStatesAreFinal(PaymentStatus s, boolean terminal) {
        assertThat(s.isTerminal()).isEqualTo(terminal);
        if (terminal) assertThat(s.allowedNext()).isEmpty();
        assertThat(PaymentStatus.fromApiName(s.apiName())).isEqualTo(s);
    }
}
