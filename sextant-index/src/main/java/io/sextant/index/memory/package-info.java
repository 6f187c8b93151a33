/**
 * Memory placement of read-only index files: {@link io.sextant.index.memory.PlacedFiles} reads a
 * file region with a {@link io.sextant.index.memory.Residency} and measures residency with {@code
 * mincore(2)}.
 *
 * <p>Decisions (Qdrant's {@code memory} parameter, mapped by sextant-segment):
 *
 * <ul>
 *   <li><b>pinned → {@code LOCKED}</b>: the bytes are copied into anonymous off-heap memory and
 *       {@code mlock}ed. A copy rather than {@code mlock} of the mapping, so the data no longer
 *       depends on the page cache or the file (a deleted or replaced file cannot fault). When the
 *       kernel refuses the lock (no {@code CAP_IPC_LOCK}, small {@code RLIMIT_MEMLOCK}) the copy
 *       stays, unlocked, and one warning is logged: pinned then means "resident", not "unswappable".
 *   <li><b>cached → {@code POPULATED}</b>: a read-only mapping prefaulted at open with {@code
 *       MADV_POPULATE_READ} (Linux 5.14+), falling back to a read per page. The bytes live in the
 *       page cache, shared with other mappings, and evictable under memory pressure.
 *   <li><b>cold → {@code ON_DEMAND}</b>: a read-only mapping advised {@code MADV_RANDOM} (no
 *       readahead, only touched pages are read). Files verified at open (checksums) read every
 *       page once; those pages are then dropped from the process ({@code MADV_DONTNEED}) and from
 *       the page cache ({@code POSIX_FADV_DONTNEED}). Pages a search touches later do enter the
 *       page cache, as in Qdrant's cold placement ("cached with usage"); nothing reads around them.
 *       {@code O_DIRECT} reads were rejected: they would need a second, non-mmap read path in every
 *       searcher for no gain over a lazy mapping that the kernel may drop at will.
 *   <li>Off Linux (no libc symbols, no native access) all three degrade to a plain mapping.
 * </ul>
 */
package io.sextant.index.memory;
