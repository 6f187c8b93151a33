package io.sextant.index.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The few libc calls that place pages ({@code madvise}, {@code mlock}, {@code munlock}, {@code
 * mincore}, {@code posix_fadvise} with {@code open}/{@code close}), bound once through the FFM
 * {@link Linker}. On a platform without them (not Linux) {@link #AVAILABLE} is false and every
 * call returns -1 without doing anything: placement then degrades to plain mapping. Stateless and
 * thread-safe.
 */
final class Libc {
    static final int MADV_RANDOM = 1;
    static final int MADV_WILLNEED = 3;
    static final int MADV_DONTNEED = 4;
    static final int MADV_HUGEPAGE = 14;
    static final int MADV_POPULATE_READ = 22;
    static final int POSIX_FADV_DONTNEED = 4;
    static final int O_RDONLY = 0;
    /** The page size this code aligns to: 4 KiB, what mincore and madvise use on x86-64 and most arm64 kernels. */
    static final long PAGE = pageSize();

    static final boolean AVAILABLE;
    private static final MethodHandle MADVISE;
    private static final MethodHandle MLOCK;
    private static final MethodHandle MUNLOCK;
    private static final MethodHandle MINCORE;
    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle FADVISE;

    static {
        MethodHandle madvise = null,
                mlock = null,
                munlock = null,
                mincore = null,
                open = null,
                close = null,
                fadvise = null;
        boolean ok = false;
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                var addrLenInt = FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
                var addrLen = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
                madvise = find(linker, libc, "madvise", addrLenInt);
                mlock = find(linker, libc, "mlock", addrLen);
                munlock = find(linker, libc, "munlock", addrLen);
                mincore = find(
                        linker,
                        libc,
                        "mincore",
                        FunctionDescriptor.of(
                                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
                open = find(
                        linker,
                        libc,
                        "open",
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
                close = find(linker, libc, "close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                fadvise = find(
                        linker,
                        libc,
                        "posix_fadvise",
                        FunctionDescriptor.of(
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT));
                ok = true;
            } catch (RuntimeException | LinkageError e) {
                ok = false; // no native access or no such symbol: placement degrades to plain mapping
            }
        }
        AVAILABLE = ok;
        MADVISE = madvise;
        MLOCK = mlock;
        MUNLOCK = munlock;
        MINCORE = mincore;
        OPEN = open;
        CLOSE = close;
        FADVISE = fadvise;
    }

    private Libc() {}

    private static MethodHandle find(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor fd) {
        Optional<MemorySegment> sym = lookup.find(name);
        return linker.downcallHandle(sym.orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)), fd);
    }

    private static long pageSize() {
        return 4096;
    }

    static int madvise(MemorySegment pageAligned, long length, int advice) {
        return AVAILABLE ? invokeInt(MADVISE, pageAligned, length, advice) : -1;
    }

    static int mlock(MemorySegment pageAligned, long length) {
        return AVAILABLE ? invokeInt(MLOCK, pageAligned, length) : -1;
    }

    static int munlock(MemorySegment pageAligned, long length) {
        return AVAILABLE ? invokeInt(MUNLOCK, pageAligned, length) : -1;
    }

    /** Fills {@code vec} (one byte per page) with residency bits; 0 on success. */
    static int mincore(MemorySegment pageAligned, long length, MemorySegment vec) {
        return AVAILABLE ? invokeInt(MINCORE, pageAligned, length, vec) : -1;
    }

    /** {@code posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)} on the file at {@code path}; 0 on success. */
    static int dropFromPageCache(String path) {
        if (!AVAILABLE) {
            return -1;
        }
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(a.allocateFrom(path), O_RDONLY);
            if (fd < 0) {
                return -1;
            }
            try {
                return (int) FADVISE.invokeExact(fd, 0L, 0L, POSIX_FADV_DONTNEED);
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int invokeInt(MethodHandle h, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("libc call failed: " + t, t);
    }
}
