package io.sextant.shard;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives request threads a short scheduler time slice: the latency side of the CPU-sharing policy
 * whose background side is {@link ThreadNiceness}. Linux's EEVDF scheduler (6.6 and later) orders
 * runnable threads by a virtual deadline one slice ahead of where each stands, and since 6.12 a
 * thread may ask for its own slice ({@code sched_setattr} with {@code sched_runtime}, 0.1 to 100
 * ms; the default here was 1.4 ms). A request thread that wakes up with a short slice gets an early
 * deadline, so it runs before, and may preempt, threads with the default slice; on a machine whose
 * cores are shared with other work (the load generator in {@code bin/bench serve}, a client, an
 * index build) a request then waits for a core less often and for less long.
 *
 * <p>Measured (sextant-server/docs/server-path.md): REST searches at 4 connections on 2 cores shared
 * with the load generator, server threads at 0.1 ms against the default: 16 % more requests/s, 15 %
 * less server CPU per request (fewer context switches: 1.31 against 1.87 per request) and p99 3.0
 * against 4.1 ms.
 *
 * <p>{@link #shortenCurrent} is called at the start of every request a thread serves (REST and
 * gRPC) and acts once per thread; it keeps the thread's policy and nice value, and threads it starts
 * get the default slice ({@code SCHED_FLAG_RESET_ON_FORK}), background ones included. Virtual threads are
 * never changed. The slice is {@code -Dsextant.request.slice.us} (default 100; 0 leaves threads
 * alone). On kernels without per-thread slices the call is accepted and has no effect; elsewhere
 * than Linux on x86-64 or aarch64 it does nothing. Thread-safe.
 */
public final class ThreadSlice {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadSlice.class);

    /** The requested slice in nanoseconds, 0 for none. */
    static final long SLICE_NANOS = configured();

    /** {@code struct sched_attr} as of Linux 4.13 ({@code SCHED_ATTR_SIZE_VER1}). */
    static final int ATTR_SIZE = 56;

    private static final int RUNTIME_OFFSET = 24;
    private static final long SCHED_FLAG_RESET_ON_FORK = 1;
    private static final MethodHandle SYSCALL;
    private static final long SYS_SETATTR;
    private static final long SYS_GETATTR;
    private static final ThreadLocal<Boolean> DONE = new ThreadLocal<>();

    static {
        MethodHandle syscall = null;
        long set = -1;
        long get = -1;
        String arch = System.getProperty("os.arch", "");
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux") && SLICE_NANOS > 0) {
            switch (arch) {
                case "amd64", "x86_64" -> {
                    set = 314;
                    get = 315;
                }
                case "aarch64" -> {
                    set = 274;
                    get = 275;
                }
                default -> {}
            }
            if (set > 0) {
                try {
                    Linker linker = Linker.nativeLinker();
                    // long syscall(long number, ...): the number, then three variadic arguments
                    syscall = linker.downcallHandle(
                            linker.defaultLookup().find("syscall").orElseThrow(),
                            FunctionDescriptor.of(
                                    ValueLayout.JAVA_LONG,
                                    ValueLayout.JAVA_LONG,
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.ADDRESS,
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.JAVA_INT),
                            Linker.Option.firstVariadicArg(1));
                } catch (RuntimeException | LinkageError e) {
                    LOG.info("Request threads keep the default scheduler slice: {}", e.toString());
                    syscall = null;
                }
            }
        }
        SYSCALL = syscall;
        SYS_SETATTR = set;
        SYS_GETATTR = get;
    }

    private ThreadSlice() {}

    /**
     * Gives the calling platform thread the request slice, once per thread.
     *
     * @return whether the slice is set on this thread (now or by an earlier call)
     */
    public static boolean shortenCurrent() {
        Boolean done = DONE.get();
        if (done != null) {
            return done;
        }
        boolean set = apply();
        if (!Thread.currentThread().isVirtual()) {
            DONE.set(set);
        }
        return set;
    }

    private static boolean apply() {
        if (SYSCALL == null || Thread.currentThread().isVirtual()) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            // read the thread's own attributes (policy, nice), change only the slice, write them back
            long r = (long) SYSCALL.invokeExact(SYS_GETATTR, 0, attr, ATTR_SIZE, 0);
            if (r != 0) {
                return false;
            }
            attr.set(ValueLayout.JAVA_INT, 0, ATTR_SIZE);
            // threads this one starts (a pool's new worker, the live-recall sampler, an optimizer)
            // start with the default slice
            attr.set(ValueLayout.JAVA_LONG, 8, SCHED_FLAG_RESET_ON_FORK);
            attr.set(ValueLayout.JAVA_LONG, RUNTIME_OFFSET, SLICE_NANOS);
            r = (long) SYSCALL.invokeExact(SYS_SETATTR, 0, attr, 0, 0);
            return r == 0;
        } catch (Throwable e) {
            LOG.debug("sched_setattr failed", e);
            return false;
        }
    }

    private static long configured() {
        long us = Long.getLong("sextant.request.slice.us", 100);
        if (us != 0 && (us < 100 || us > 100_000)) {
            LOG.warn("sextant.request.slice.us must be 0 (unchanged) or 100 to 100000, got {}: using 100", us);
            us = 100;
        }
        return us * 1000;
    }
}
