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
}
