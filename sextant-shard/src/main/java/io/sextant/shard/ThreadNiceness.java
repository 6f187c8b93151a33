package io.sextant.shard;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the calling thread's CPU priority, its Linux nice value ({@code setpriority} on the
 * thread's own task id, bound through the FFM {@link Linker}), so that background work yields the
 * cores to request threads whenever both want them and still has every idle cycle. This is the
 * CPU-sharing policy between queries and background work (issue P12 item 2): with the scheduler's
 * weights a nice-10 thread gets about a tenth of a core that a nice-0 thread also wants, nice 19
 * about 1.5 %, and a request thread that wakes up preempts it at once. Threads a lowered thread
 * starts inherit its nice value (Linux copies it at {@code clone}), so an optimizer's index-build
 * pool runs at the optimizer's priority without being named here.
 *
 * <p>Java's own thread priorities do nothing on Linux unless the JVM runs with {@code
 * -XX:ThreadPriorityPolicy=1} as root; raising a nice value needs no privilege. Virtual threads are
 * never changed (their carrier serves other work). Elsewhere than Linux, or when the calls cannot be
 * bound, {@link #lowerCurrent} does nothing and says so. Stateless and thread-safe.
 */
public final class ThreadNiceness {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadNiceness.class);
    private static final int PRIO_PROCESS = 0;
    private static final MethodHandle GETTID;
    private static final MethodHandle SETPRIORITY;

    /** The nice value of the shard optimizers (merges, index builds, flushes): {@code -Dsextant.optimizer.nice}. */
    public static final int OPTIMIZER = configured("sextant.optimizer.nice", 10);

    /** The nice value of the live-recall sampler's exact re-runs: {@code -Dsextant.sampler.nice}. */
    public static final int SAMPLER = configured("sextant.sampler.nice", 19);

    static {
        MethodHandle gettid = null;
        MethodHandle setpriority = null;
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                gettid = linker.downcallHandle(
                        libc.find("gettid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
                setpriority = linker.downcallHandle(
                        libc.find("setpriority").orElseThrow(),
                        FunctionDescriptor.of(
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT));
            } catch (RuntimeException | LinkageError e) {
                LOG.info("Background threads keep the default CPU priority: {}", e.toString());
                gettid = null;
                setpriority = null;
            }
        }
        GETTID = gettid;
        SETPRIORITY = setpriority;
    }

    private ThreadNiceness() {}

    /**
     * Sets the calling (platform) thread's nice value to {@code nice}, 1 to 19; 0 or less leaves
     * it alone.
     *
     * @return whether the value was set
     */
    public static boolean lowerCurrent(int nice) {
        if (nice <= 0 || SETPRIORITY == null || Thread.currentThread().isVirtual()) {
            return false;
        }
        try {
            int tid = (int) GETTID.invokeExact();
            int r = (int) SETPRIORITY.invokeExact(PRIO_PROCESS, tid, Math.min(19, nice));
            return r == 0;
        } catch (Throwable e) {
            LOG.debug("setpriority failed", e);
            return false;
        }
    }

    /**
     * Runs {@code work} on the calling thread after lowering its priority to {@code nice}: what a
     * background thread's factory wraps around its runnable.
     */
    public static Runnable lowered(int nice, Runnable work) {
        return () -> {
            lowerCurrent(nice);
            work.run();
        };
    }

    private static int configured(String property, int fallback) {
        int v = Integer.getInteger(property, fallback);
        if (v < 0 || v > 19) {
            LOG.warn("{} must be 0 (unchanged) to 19, got {}: using {}", property, v, fallback);
            return fallback;
        }
        return v;
    }
}
