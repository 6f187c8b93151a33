package io.sextant.index.sparse;

/**
 * How an immutable sparse index file stores posting weights (Qdrant's sparse {@code datatype}).
 * The codes are persisted in the file header and never change.
 */
public enum SparseValueType {
    /** IEEE-754 binary32, exact. 4 bytes per posting. */
    FLOAT32(0),
    /**
     * IEEE-754 binary16, rounded to nearest; weights beyond the binary16 range saturate to ±65504. 2
     * bytes per posting.
     */
    FLOAT16(1),
    /**
     * One byte per posting, linearly quantized per block of postings: {@code weight = min + step *
     * code} with {@code step = (max - min) / 255} of the block's weights, so the error is at most
     * {@code step / 2} plus float rounding. Weights are clamped to ±1e38 first, so the arithmetic
     * never overflows. 1 byte per posting plus 8 per block.
     */
    UINT8(2);

    private final int code;

    SparseValueType(int code) {
        this.code = code;
    }

    /** The value stored in the file header. */
    public int code() {
        return code;
    }

    /** The type stored as {@code code}, or null when no type has that code. */
    public static SparseValueType ofCode(int code) {
        for (SparseValueType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
