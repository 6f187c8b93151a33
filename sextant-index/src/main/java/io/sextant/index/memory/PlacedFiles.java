package io.sextant.index.memory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads a region of a finished (read-only) file into memory with a {@link Residency}: locked
 * anonymous memory, a prefaulted mapping, or a lazy mapping. Also measures where bytes live:
 * {@link #residentBytes} counts the pages of a segment that are in RAM ({@code mincore(2)}).
 *
 * <p>Locking needs {@code CAP_IPC_LOCK} or a large enough {@code RLIMIT_MEMLOCK}; when the kernel
 * refuses, the bytes stay in (unlocked) anonymous memory and one warning is logged per process.
 * Locked memory is released with its arena (glibc returns allocations that large to the kernel
 * with {@code munmap}, which drops the lock). Stateless and thread-safe.
 */
public final class PlacedFiles {
    private static final System.Logger LOG = System.getLogger(PlacedFiles.class.getName());
    private static final AtomicBoolean LOCK_WARNED = new AtomicBoolean();

    private PlacedFiles() {}

    /**
     * Places {@code length} bytes of {@code file} (open as {@code ch}) from {@code offset} with
     * {@code residency}; the result lives as long as {@code arena}. A segment placed {@link
     * Residency#ON_DEMAND} should be passed to {@link #evict} after the caller has verified it, so
     * verification reads do not stay resident.
     */
    public static MemorySegment place(
            FileChannel ch, Path file, long offset, long length, Residency residency, Arena arena) throws IOException {
        if (length == 0) {
            return MemorySegment.NULL.reinterpret(0);
        }
        if (residency == Residency.LOCKED) {
            try (Arena temp = Arena.ofConfined()) {
                return settle(ch.map(FileChannel.MapMode.READ_ONLY, offset, length, temp), file, residency, arena);
            }
        }
        return settle(ch.map(FileChannel.MapMode.READ_ONLY, offset, length, arena), file, residency, arena);
    }

    /**
     * Gives an already mapped, read-only {@code mapped} region of {@code file} its {@code
     * residency}: {@link Residency#LOCKED} returns a locked copy allocated in {@code arena} and drops
     * the file's pages from the page cache (the bytes then live only in the copy); {@link
     * Residency#POPULATED} prefaults the mapping; {@link Residency#ON_DEMAND} drops whatever pages
     * of it are resident and turns readahead off.
     */
    public static MemorySegment settle(MemorySegment mapped, Path file, Residency residency, Arena arena) {
        if (mapped.byteSize() == 0) {
            return mapped;
        }
        return switch (residency) {
            case LOCKED -> {
                MemorySegment copy = arena.allocate(mapped.byteSize(), Libc.PAGE);
                copy.copyFrom(mapped);
                lock(copy);
                evict(mapped, file);
                yield copy;
            }
            case POPULATED -> {
                populate(mapped);
                yield mapped;
            }
            case ON_DEMAND -> {
                evict(mapped, file);
                yield mapped;
            }
        };
    }

    /**
     * Drops the pages of a mapped {@code segment} from this process and the file's clean pages from
     * the page cache, so data read once (for example to verify a checksum) is not left resident.
     * No-op for memory that is not a file mapping.
     */
    public static void evict(MemorySegment segment, Path file) {
        if (!segment.isMapped() || segment.byteSize() == 0) {
            return;
        }
        advise(segment, Libc.MADV_DONTNEED);
        Libc.dropFromPageCache(file.toAbsolutePath().toString());
        advise(segment, Libc.MADV_RANDOM);
    }

    /**
     * Gives up the memory of a component being retired: a mapping is {@link #evict}ed (pages still
     * mapped by a newer instance of the same file stay in the page cache), a locked copy is
     * unlocked (it is freed with its arena). Readers still using {@code segment} stay correct: an
     * evicted read-only mapping faults its pages in again from the file.
     */
    public static void release(MemorySegment segment, Path file) {
        if (segment.byteSize() == 0) {
            return;
        }
        if (segment.isMapped()) {
            evict(segment, file);
        } else {
            long[] r = aligned(segment);
            Libc.munlock(MemorySegment.ofAddress(r[0]), r[1]);
        }
    }

    /** Prefaults every page of a mapping: {@code MADV_POPULATE_READ}, else a read per page. */
    public static void populate(MemorySegment m) {
        if (advise(m, Libc.MADV_POPULATE_READ) == 0) {
            return;
        }
        advise(m, Libc.MADV_WILLNEED);
        long sum = 0;
        for (long p = 0; p < m.byteSize(); p += Libc.PAGE) {
            sum += m.get(ValueLayout.JAVA_BYTE, p);
        }
        if (sum == Long.MIN_VALUE) {
            LOG.log(System.Logger.Level.TRACE, "unreachable"); // keeps the reads from being optimized away
        }
    }

    /** Locks the pages of {@code segment} in RAM; false (warned once) when the kernel refuses. */
    public static boolean lock(MemorySegment segment) {
        if (segment.byteSize() == 0) {
            return true;
        }
        long[] r = aligned(segment);
        int rc = Libc.mlock(MemorySegment.ofAddress(r[0]), r[1]);
        if (rc != 0 && Libc.AVAILABLE && LOCK_WARNED.compareAndSet(false, true)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "mlock of " + segment.byteSize() + " bytes refused (RLIMIT_MEMLOCK too low, no CAP_IPC_LOCK?):"
                            + " pinned data is held in RAM but may be swapped. Further refusals are not logged.");
        }
        return rc == 0;
    }

    /** Bytes of {@code segment} whose pages are resident in RAM, counted in whole pages; -1 when unknown. */
    public static long residentBytes(MemorySegment segment) {
        if (segment.byteSize() == 0) {
            return 0;
        }
        long[] r = aligned(segment);
        long pages = r[1] / Libc.PAGE;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment vec = a.allocate(pages);
            if (Libc.mincore(MemorySegment.ofAddress(r[0]), r[1], vec) != 0) {
                return -1;
            }
            long resident = 0;
            for (long i = 0; i < pages; i++) {
                if ((vec.get(ValueLayout.JAVA_BYTE, i) & 1) != 0) {
                    resident++;
                }
            }
            return Math.min(segment.byteSize(), resident * Libc.PAGE);
        }
    }

    /** Whether the libc calls are bound (Linux): otherwise placement is plain mapping. */
    public static boolean supported() {
        return Libc.AVAILABLE;
    }

    private static int advise(MemorySegment segment, int advice) {
        long[] r = aligned(segment);
        return Libc.madvise(MemorySegment.ofAddress(r[0]), r[1], advice);
    }

    /** {start address rounded down to a page, length rounded up to whole pages}. */
    private static long[] aligned(MemorySegment segment) {
        long start = segment.address() & -Libc.PAGE;
        long end = (segment.address() + segment.byteSize() + Libc.PAGE - 1) & -Libc.PAGE;
        return new long[] {start, end - start};
    }
}
