package io.sextant.index.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Off-heap copies backed by transparent huge pages (2 MiB on x86-64) where the kernel allows them.
 *
 * <p>Why: a graph build reads vectors at random all over a segment of hundreds of MB. With 4 KiB
 * pages nearly every row read misses the TLB (a few thousand entries cover a few MB), and in a
 * virtual machine each miss walks two sets of page tables; with 2 MiB pages the TLB covers the
 * whole segment. Memory-mapped segment files cannot be given huge pages (the page cache maps 4 KiB
 * pages), anonymous memory can: the copy is advised {@code MADV_HUGEPAGE} (which works when the
 * kernel's {@code transparent_hugepage/enabled} is {@code always} or {@code madvise}, the common
 * defaults), then its zeroed small pages are dropped ({@code MADV_DONTNEED}) so the copy faults in
 * huge pages. When the advice is refused (THP off, not Linux, no native access) the copy is made
 * all the same, in small pages.
 *
 * <p>Stateless and thread-safe.
 */
public final class HugePageMemory {
    /** The huge page size on x86-64 and most arm64 kernels. */
    public static final long HUGE_PAGE = 2L << 20;

    private HugePageMemory() {}

    /**
     * A copy of {@code src} in memory of {@code arena}, aligned to {@link #HUGE_PAGE} and advised for
     * huge pages; lives as long as the arena. Takes {@code src.byteSize()} rounded up to 2 MiB.
     */
    public static MemorySegment copy(MemorySegment src, Arena arena) {
        long size = src.byteSize();
        if (size == 0) {
            return arena.allocate(0);
        }
        long length = (size + HUGE_PAGE - 1) & -HUGE_PAGE;
        MemorySegment dst = arena.allocate(length, HUGE_PAGE);
        if (Libc.madvise(dst, length, Libc.MADV_HUGEPAGE) == 0) {
            // allocate() zeroed the memory in small pages: drop them, so the copy below faults in
            // huge ones (private anonymous memory reads back as zeros after MADV_DONTNEED)
            Libc.madvise(dst, length, Libc.MADV_DONTNEED);
        }
        MemorySegment out = dst.asSlice(0, size);
        out.copyFrom(src);
        return out;
    }

    /** Bytes of anonymous memory in huge pages in this process ({@code /proc/self/smaps_rollup}); -1 when unknown. */
    public static long anonHugeBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("AnonHugePages:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
