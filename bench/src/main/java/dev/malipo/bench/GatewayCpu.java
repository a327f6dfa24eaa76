package dev.malipo.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The gateway's CPU time so far, from /proc, and the share of it its JIT compiler threads took.
 * Why the second: on two cores a C2 compile takes one of them for milliseconds at a time, and the
 * JIT keeps compiling for minutes on a slow box (at 200/s, 0.2–0.8 cores in the first minute, 0.1–0.4
 * in the second), so a step measured while it does is a start-up figure, not a steady state. Zero
 * for both when the process cannot be read (no pid, not Linux).
 */
record GatewayCpu(long ticks, long jitTicks) {
    /** Linux's USER_HZ: /proc counts CPU time in hundredths of a second. */
    static final double TICKS_PER_SECOND = 100.0;

    static GatewayCpu read(long pid) {
        if (pid <= 0) return new GatewayCpu(0, 0);
        long jit = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                String stat = statLine(task.resolve("stat"));
                if (stat != null && isCompilerName(nameOf(stat))) jit += ticksOf(stat);
            }
        } catch (IOException | RuntimeException e) {
            jit = 0;
        }
        // Read after the threads, so that the whole is never less than its part.
        long total = ticksOf(statLine(Path.of("/proc/" + pid + "/stat")));
        return new GatewayCpu(total, jit);
    }

    /** Cores used from {@code before} to this reading, over {@code seconds}: whole process and JIT. */
    double cores(GatewayCpu before, double seconds) {
        return (ticks - before.ticks) / TICKS_PER_SECOND / seconds;
    }

    double jitCores(GatewayCpu before, double seconds) {
        // A compiler thread that ended between the readings takes its ticks with it: never below 0.
        return Math.max(0, jitTicks - before.jitTicks) / TICKS_PER_SECOND / seconds;
    }

    /** HotSpot names them "C1 CompilerThread0", "C2 CompilerThread0"; /proc keeps 15 characters. */
    static boolean isCompilerName(String comm) {
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }

    /** One read of a /proc stat file: its name and its times come from the same line. Null when gone. */
    private static String statLine(Path stat) {
        try {
            return Files.readString(stat, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null; // the thread ended meanwhile
        }
    }

    /** The name between the first '(' and the last ')'; empty when the line is not a stat line. */
    private static String nameOf(String stat) {
        int open = stat.indexOf('('), close = stat.lastIndexOf(')');
        return open < 0 || close < open ? "" : stat.substring(open + 1, close);
    }

    /** utime + stime; 0 when the line is missing (the thread ended) or cannot be read. */
    private static long ticksOf(String stat) {
        try {
            return stat == null ? 0 : ticksOfLine(stat);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The name may hold spaces and parentheses: the fields start after its last ')'. */
    static long ticksOfLine(String statLine) {
        String[] f = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
