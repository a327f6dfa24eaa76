package dev.malipo.bench;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FlowsBenchTest {

    /** The load must look like many approving customers: no test-number endings, no phone reused within a step. */
    @Test
    void customersApproveAndDoNotCollide() {
        Set<String> seen = new HashSet<>();
        for (long i = 0; i < 50_000; i++) {
            String phone = FlowsBench.phone(i);
            assertThat(phone).matches("254708\\d{6}");
            int ending = Integer.parseInt(phone.substring(phone.length() - 3));
            assertThat(ending).as(phone).isGreaterThan(10);
            seen.add(phone);
        }
        assertThat(seen).hasSize(50_000);
    }

    /** Commits and WAL flushes per flow: a missing reading (no --db, PostgreSQL before 14) or no flow is n/a, never 0. */
    @Test
    void aCounterPerFlowIsNotAvailableRatherThanWrong() {
        assertThat(FlowsBench.perFlow(1_000, 4_000, 1_000)).isEqualTo(3.0);
        assertThat(FlowsBench.perFlow(1_000, 1_500, 2_000)).isEqualTo(0.25);
        assertThat(FlowsBench.perFlow(-1, 4_000, 1_000)).isEqualTo(-1);
        assertThat(FlowsBench.perFlow(1_000, -1, 1_000)).isEqualTo(-1);
        assertThat(FlowsBench.perFlow(1_000, 4_000, 0)).isEqualTo(-1);
    }

    /** The overhead mode subtracts what the gateway says it spent on the provider; a wrong parse would skew it. */
    @Test
    void providerTimeIsReadFromServerTiming() {
        assertThat(FlowsBench.metricNanos("provider;dur=12.345", "provider")).isEqualTo(12_345_000L);
        assertThat(FlowsBench.metricNanos("provider;dur=0.000", "provider")).isZero();
        assertThat(FlowsBench.metricNanos("db;dur=3, provider;desc=\"mpesa\";dur=\"1.5\"", "provider")).isEqualTo(1_500_000L);
        assertThat(FlowsBench.metricNanos(" Provider ; dur = 7 ", "provider")).isEqualTo(7_000_000L);
    }

    /** The gateway's own header: each metric by its name, neither mistaken for the other. */
    @Test
    void providerAndAppTimesAreToldApart() {
        String header = "provider;dur=1.250, app;dur=3.500";
        assertThat(FlowsBench.metricNanos(header, "provider")).isEqualTo(1_250_000L);
        assertThat(FlowsBench.metricNanos(header, "app")).isEqualTo(3_500_000L);
        assertThat(FlowsBench.metricNanos("provider;dur=1.250", "app")).isEqualTo(-1);
    }

    @Test
    void missingOrBrokenServerTimingIsNotAZeroProviderTime() {
        assertThat(FlowsBench.metricNanos(null, "provider")).isEqualTo(-1);
        assertThat(FlowsBench.metricNanos("", "provider")).isEqualTo(-1);
        assertThat(FlowsBench.metricNanos("db;dur=3", "provider")).isEqualTo(-1);
        assertThat(FlowsBench.metricNanos("provider", "provider")).isEqualTo(-1);
        assertThat(FlowsBench.metricNanos("provider;dur=fast", "provider")).isEqualTo(-1);
        assertThat(FlowsBench.metricNanos("provider;dur=-1", "provider")).isEqualTo(-1);
    }
}
