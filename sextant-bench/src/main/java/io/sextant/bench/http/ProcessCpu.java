package io.sextant.bench.http;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system) of a process, to report what the server and the load generator each
 * spend per request when they share the cores. Another process: {@code /proc/<pid>/stat}
 * (Linux, clock ticks of 10 ms; a run of thousands of requests makes that resolution fine); this
 * process: the JVM's own counter. Stateless.
 */
final class ProcessCpu {
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ = 100 on Linux

    private ProcessCpu() {}

    /** CPU nanoseconds used so far by process {@code pid}; -1 when unknown (not Linux, gone). */
    static long of(long pid) {
        try {
            return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of a {@code /proc/<pid>/stat} line, in nanoseconds. */
    static long parseStat(String stat) {
        // the command name (field 2) is in parentheses and may hold spaces: count fields after it
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
    }

    /** CPU nanoseconds used so far by this JVM. */
    static long self() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
