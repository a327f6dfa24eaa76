package dev.malipo.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GatewayCpuTest {

    /** utime and stime are fields 14 and 15 of the line, counted after the name, which may hold ") (". */
    @Test
    void ticksAreReadAfterTheNameWhateverItHolds() {
        String plain = "4242 (java) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 567 0 0 20 0 40 0 100 0 0";
        String odd = "4243 (C2 Compiler) (x)) S 1 4242 4242 0 -1 4194560 5000 0 0 0 70 30 0 0 20 0 1 0 100 0 0";
        assertThat(GatewayCpu.ticksOfLine(plain)).isEqualTo(1234 + 567);
        assertThat(GatewayCpu.ticksOfLine(odd)).isEqualTo(100);
    }

    /** Only HotSpot's compiler threads count as JIT, as /proc truncates their names. */
    @Test
    void compilerThreadsAreKnownByTheirTruncatedNames() {
        assertThat(GatewayCpu.isCompilerName("C2 CompilerThre")).isTrue();
        assertThat(GatewayCpu.isCompilerName("C1 CompilerThre")).isTrue();
        assertThat(GatewayCpu.isCompilerName("GC Thread#0")).isFalse();
        assertThat(GatewayCpu.isCompilerName("tomcat-handler-")).isFalse();
    }

    @Test
    void coresAreTicksOverWallTime() {
        GatewayCpu before = new GatewayCpu(1_000, 200);
        GatewayCpu after = new GatewayCpu(7_000, 500);
        assertThat(after.cores(before, 60)).isCloseTo(1.0, within(1e-9));
        assertThat(after.jitCores(before, 60)).isCloseTo(0.05, within(1e-9));
        // A compiler thread gone between readings must not make the JIT's share negative.
        assertThat(new GatewayCpu(7_000, 100).jitCores(before, 60)).isZero();
    }

    /** Read from a live JVM (this one): its compiler threads are found and their time is part of the whole. */
    @Test
    void readsThisJvm() {
        long pid = ProcessHandle.current().pid();
        GatewayCpu now = GatewayCpu.read(pid);
        assertThat(now.ticks()).isPositive();
        assertThat(now.jitTicks()).isBetween(0L, now.ticks());
        assertThat(GatewayCpu.read(0)).isEqualTo(new GatewayCpu(0, 0));
    }
}
