package dev.malipo.gateway.callbacks;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceAddressFilterTest {

    @Test
    void emptyListAllowsEveryone() {
        assertThat(new SourceAddressFilter(List.of()).allows("203.0.113.9")).isTrue();
    }

    @Test
    void singleAddressesAndCidrBlocks() {
        SourceAddressFilter f = new SourceAddressFilter(List.of("196.201.214.200", "196.201.212.0/24", "::1"));
        assertThat(f.allows("196.201.214.200")).isTrue();
        assertThat(f.allows("196.201.214.201")).isFalse();
        assertThat(f.allows("196.201.212.74")).isTrue();
        assertThat(f.allows("196.201.213.74")).isFalse();
        assertThat(f.allows("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(f.allows("example.com")).isFalse();
    }

    @Test
    void oddPrefixLengths() {
        SourceAddressFilter f = new SourceAddressFilter(List.of("10.0.0.0/9"));
        assertThat(f.allows("10.127.255.255")).isTrue();
        assertThat(f.allows("10.128.0.0")).isFalse();
    }

    @Test
    void badConfigurationFailsLoudly() {
        assertThatThrownBy(() -> new SourceAddressFilter(List.of("196.201.214.0/33"))).isInstanceOf(IllegalStateException.class);
    }
}
