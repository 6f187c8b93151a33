package io.sextant.segment.config;

import io.sextant.index.memory.Residency;
import java.util.Locale;

/**
 * Where a stored component lives (Qdrant's {@code memory} parameter): read into memory and kept
 * there ({@link #PINNED}), memory-mapped and paged by the operating system ({@link #CACHED}), or
 * read from disk on demand without filling the page cache ({@link #COLD}).
 */
public enum MemoryPlacement {
    PINNED,
    CACHED,
    COLD;

    /** The name on the wire: {@code pinned}, {@code cached}, {@code cold}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * What the older {@code on_disk} flag meant for a component whose in-RAM form is a mapping
     * (vectors, HNSW graph): on disk = {@link #COLD}, in RAM = {@link #CACHED}.
     */
    public static MemoryPlacement fromOnDisk(boolean onDisk) {
        return onDisk ? COLD : CACHED;
    }

    /**
     * What the older {@code on_disk} flag meant for a component whose in-RAM form is a resident copy
     * (sparse inverted index, payload field indexes): on disk = {@link #COLD}, in RAM = {@link
     * #PINNED}.
     */
    public static MemoryPlacement fromOnDiskHeap(boolean onDisk) {
        return onDisk ? COLD : PINNED;
    }

    /** What the older {@code always_ram} flag meant: true = {@link #PINNED}, else follow the vectors (null). */
    public static MemoryPlacement fromAlwaysRam(Boolean alwaysRam) {
        return Boolean.TRUE.equals(alwaysRam) ? PINNED : null;
    }

    /** Whether this placement corresponds to {@code on_disk: true} in the older flags. */
    public boolean isOnDisk() {
        return this == COLD;
    }

    /** How a read-only file of a component with this placement is held ({@link io.sextant.index.memory.PlacedFiles}). */
    public Residency residency() {
        return switch (this) {
            case PINNED -> Residency.LOCKED;
            case CACHED -> Residency.POPULATED;
            case COLD -> Residency.ON_DEMAND;
        };
    }

    /** Parses a wire name; throws {@link IllegalArgumentException} naming the valid values. */
    public static MemoryPlacement fromWireName(String s) {
        for (MemoryPlacement m : values()) {
            if (m.wireName().equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "Unknown memory placement '" + s + "', expected one of pinned, cached, cold");
    }
}
