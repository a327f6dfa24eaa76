package dev.malipo.sandbox;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultInjectorTest {

    @Test
    void noFaultsByDefaultAndCertainFaultsAtRateOne() {
        FaultInjector none = new FaultInjector(FaultConfig.NONE, 1);
        assertThat(none.onRequest()).isEqualTo(FaultInjector.RequestFault.NONE);
        assertThat(none.deliveries(1)).isEqualTo(1);
        assertThat(new FaultInjector(new FaultConfig(0, 1, 0, 0, 0), 1).onRequest()).isEqualTo(FaultInjector.RequestFault.SERVER_ERROR);
        assertThat(new FaultInjector(new FaultConfig(0, 0, 1, 0, 0), 1).onRequest()).isEqualTo(FaultInjector.RequestFault.RATE_LIMITED);
        assertThat(new FaultInjector(new FaultConfig(0, 0, 0, 1, 0), 1).deliveries(1)).isEqualTo(2);
        assertThat(new FaultInjector(new FaultConfig(0, 0, 0, 0, 1), 1).deliveries(2)).isZero();
        assertThat(new FaultInjector(new FaultConfig(0, 0, 0, 1, 0), 1).deliveries(0)).as("nothing to duplicate").isZero();
    }

    @Test
    void theSameSeedGivesTheSameFaults() {
        FaultConfig half = new FaultConfig(0, 0.3, 0.3, 0, 0);
        assertThat(rolls(new FaultInjector(half, 7))).isEqualTo(rolls(new FaultInjector(half, 7)))
                .contains(FaultInjector.RequestFault.NONE, FaultInjector.RequestFault.SERVER_ERROR,
                        FaultInjector.RequestFault.RATE_LIMITED);
    }

    @Test
    void ratesAreBetweenZeroAndOne() {
        assertThatThrownBy(() -> new FaultConfig(0, 1.5, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FaultConfig(-1, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<FaultInjector.RequestFault> rolls(FaultInjector f) {
        List<FaultInjector.RequestFault> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) out.add(f.onRequest());
        return out;
    }
}
