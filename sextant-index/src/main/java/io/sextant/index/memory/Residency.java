package io.sextant.index.memory;

/**
 * How the bytes of a file-backed component are held in memory, as {@link PlacedFiles} makes it
 * happen. The segment layer maps Qdrant's {@code memory: pinned | cached | cold} onto these.
 */
public enum Residency {
    /**
     * Copied into anonymous off-heap memory at open and locked there with {@code mlock(2)} where the
     * process may lock that much: never paged out, never faulted in again. The file mapping used to
     * read it is dropped.
     */
    LOCKED,
    /**
     * Memory-mapped and prefaulted at open ({@code MADV_POPULATE_READ}, else one read per page): the
     * pages are in the page cache and mapped into the process, but the kernel may evict them under
     * memory pressure.
     */
    POPULATED,
    /**
     * Memory-mapped and left on disk: {@code MADV_RANDOM} turns readahead off so a lookup reads only
     * the pages it touches, and pages read at open (for verification) are dropped from the process
     * and from the page cache again ({@code MADV_DONTNEED} + {@code POSIX_FADV_DONTNEED}).
     */
    ON_DEMAND
}
