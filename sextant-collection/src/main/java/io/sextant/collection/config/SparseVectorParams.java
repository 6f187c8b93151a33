package io.sextant.collection.config;

import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorElementType;

/**
 * Parameters of one named sparse vector (Qdrant's {@code SparseVectorParams}): the inverted index
 * options and the scoring modifier. Fields are null when unset and shown only when set, as Qdrant
 * does. Immutable; validated on construction.
 *
 * @param fullScanThreshold {@code index.full_scan_threshold} in vectors; null = Qdrant's default
 * @param onDisk {@code index.on_disk}; null = unset (false)
 * @param datatype {@code index.datatype}; null = float32
 * @param modifier {@code modifier}; null = unset (none)
 * @param memory {@code index.memory}; null = unset (from {@code onDisk})
 */
public record SparseVectorParams(
        Integer fullScanThreshold, Boolean onDisk, VectorDatatype datatype, Modifier modifier, MemoryPlacement memory) {
    public static final SparseVectorParams DEFAULT = new SparseVectorParams(null, null, null, null);

    /** Params without an {@code index.memory} placement. */
    public SparseVectorParams(Integer fullScanThreshold, Boolean onDisk, VectorDatatype datatype, Modifier modifier) {
        this(fullScanThreshold, onDisk, datatype, modifier, null);
    }

    public SparseVectorParams {
        if (fullScanThreshold != null && fullScanThreshold < 0) {
            throw new IllegalArgumentException("full_scan_threshold must be >= 0, got " + fullScanThreshold);
        }
        if (datatype == VectorDatatype.TURBO4) {
            throw new IllegalArgumentException(
                    "datatype turbo4 is for dense vectors only, expected one of float32, float16, uint8");
        }
    }

    /** Whether any {@code index} field is set (collection info shows {@code index} only then). */
    public boolean hasIndexParams() {
        return fullScanThreshold != null || onDisk != null || datatype != null || memory != null;
    }

    /** The spec a shard needs. */
    public SparseVectorSpec toSpec() {
        return new SparseVectorSpec(
                fullScanThreshold,
                Boolean.TRUE.equals(onDisk),
                datatype == null ? null : VectorElementType.valueOf(datatype.name()),
                modifier == Modifier.IDF,
                memory);
    }

    /** This with the set fields of {@code diff} applied (Qdrant's PATCH of a sparse vector). */
    public SparseVectorParams merge(SparseVectorParams diff) {
        return new SparseVectorParams(
                diff.fullScanThreshold != null ? diff.fullScanThreshold : fullScanThreshold,
                diff.onDisk != null ? diff.onDisk : onDisk,
                diff.datatype != null ? diff.datatype : datatype,
                diff.modifier != null ? diff.modifier : modifier,
                diff.memory != null ? diff.memory : memory);
    }

    /** Qdrant's sparse vector modifiers. */
    public enum Modifier {
        NONE("none"),
        IDF("idf");

        private final String wireName;

        Modifier(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Modifier fromWireName(String name) {
            for (Modifier m : values()) {
                if (m.wireName.equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("Unknown sparse vector modifier: " + name + ", expected none or idf");
        }
    }
}
