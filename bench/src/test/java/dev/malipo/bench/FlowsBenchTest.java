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

    /** The overhead mode subtracts what the gateway says it spent on the provider; a wrong parse would skew it. */
    @Test
    void providerTimeIsReadFromServerTiming() {
        assertThat(FlowsBench.providerNanos("provider;dur=12.345")).isEqualTo(12_345_000L);
        assertThat(FlowsBench.providerNanos("provider;dur=0.000")).isZero();
        assertThat(FlowsBench.providerNanos("db;dur=3, provider;desc=\"mpesa\";dur=\"1.5\"")).isEqualTo(1_500_000L);
        assertThat(FlowsBench.providerNanos(" Provider ; dur = 7 ")).isEqualTo(7_000_000L);
    }

    @Test
    void missingOrBrokenServerTimingIsNotAZeroProviderTime() {
        assertThat(FlowsBench.providerNanos(null)).isEqualTo(-1);
        assertThat(FlowsBench.providerNanos("")).isEqualTo(-1);
        assertThat(FlowsBench.providerNanos("db;dur=3")).isEqualTo(-1);
        assertThat(FlowsBench.providerNanos("provider")).isEqualTo(-1);
        assertThat(FlowsBench.providerNanos("provider;dur=fast")).isEqualTo(-1);
        assertThat(FlowsBench.providerNanos("provider;dur=-1")).isEqualTo(-1);
    }
}
