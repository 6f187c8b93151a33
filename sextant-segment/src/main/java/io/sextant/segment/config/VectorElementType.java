package io.sextant.segment.config;

import io.sextant.vector.quant.TurboQuantizer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * How the components of a stored vector are represented (Qdrant's vector {@code datatype}), with
 * the codec between that representation and float32. Stateless, thread-safe.
 *
 * <ul>
 *   <li>{@link #FLOAT32}: IEEE-754 binary32, little-endian, 4 bytes per component;
 *   <li>{@link #FLOAT16}: IEEE-754 binary16, little-endian, 2 bytes; a value is rounded to the
 *       nearest half-precision number on insert ({@link Float#floatToFloat16}), so what is read back
 *       and scored is the rounded value; a finite value beyond the half range (±65504) is rejected;
 *   <li>{@link #UINT8}: one unsigned byte; any value is accepted and stored as Qdrant casts it
 *       ({@code value as u8}: truncated toward zero, saturated to 0..255, NaN as 0). Cosine vectors of this type are stored as given (bytes cannot hold a normalized
 *       vector) and normalized when scored, as Qdrant does;
 *   <li>{@link #TURBO4}: the vector as a TurboQuant 4-bit code ({@link TurboQuantizer#forStorage}:
 *       rotation over the {@code d} real coordinates, fixed Lloyd-Max codebook, no trained
 *       correction, so nothing depends on other vectors), {@code 8 + ceil(d / 2)} bytes per
 *       vector rounded up to whole bytes for an even padded dimension. What is read back and scored
 *       is the decoded vector (the same numbers Qdrant's asymmetric scorer sums, since the rotation
 *       is orthogonal); any finite component is accepted.
 * </ul>
 *
 * <p>Search, graphs and quantization work on float32 values decoded from the stored form.
 */
public enum VectorElementType {
    FLOAT32(4, 0),
    FLOAT16(2, 1),
    UINT8(1, 2),
    TURBO4(0, 3);

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int bytes;
    private final int code;

    VectorElementType(int bytes, int code) {
        this.bytes = bytes;
        this.code = code;
    }

    /** Bytes per component; 0 for {@link #TURBO4}, which stores whole vectors (see {@link #vectorBytes}). */
    public int bytes() {
        return bytes;
    }

    /** Bytes of one stored vector of dimension {@code dim}. */
    public long vectorBytes(int dim) {
        return this == TURBO4 ? Turbo4Codecs.of(dim).codeBytes() : (long) dim * bytes;
    }

    /** The code stored in vector file headers (0 = float32, 1 = float16, 2 = uint8, 3 = turbo4). */
    public int code() {
        return code;
    }

    /** The type stored as {@code code} in a file header. */
    public static VectorElementType ofCode(int code) {
        for (VectorElementType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown vector element type code " + code + ", expected 0, 1, 2 or 3");
    }

    /** Qdrant's wire name: float32, float16, uint8, turbo4. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Checks that every component of {@code v} is representable.
     *
     * @throws IllegalArgumentException naming the first bad component and its value
     */
    public void check(float[] v) {
        switch (this) {
            case FLOAT32, TURBO4 -> {}
            case FLOAT16 -> {
                for (int i = 0; i < v.length; i++) {
                    if (Float.isFinite(v[i]) && Float.isInfinite(Float.float16ToFloat(Float.floatToFloat16(v[i])))) {
                        throw new IllegalArgumentException(
                                "component " + i + " = " + v[i] + " is outside the float16 range [-65504, 65504]");
                    }
                }
            }
            case UINT8 -> {} // any value: stored saturated and truncated, as Qdrant casts
        }
    }

    /** Qdrant's float-to-uint8 cast: truncated toward zero, saturated to [0, 255], NaN to 0. */
    static int toUint8(float x) {
        return x >= 255f ? 255 : x > 0f ? (int) x : 0;
    }

    /** Writes {@code v} at {@code off} of {@code dst} in this representation. */
    public void encode(float[] v, MemorySegment dst, long off) {
        switch (this) {
            case FLOAT32 -> MemorySegment.copy(v, 0, dst, F32, off, v.length);
            case FLOAT16 -> {
                for (int i = 0; i < v.length; i++) {
                    dst.set(F16, off + 2L * i, Float.floatToFloat16(v[i]));
                }
            }
            case UINT8 -> {
                for (int i = 0; i < v.length; i++) {
                    dst.set(ValueLayout.JAVA_BYTE, off + i, (byte) toUint8(v[i]));
                }
            }
            case TURBO4 -> Turbo4Codecs.of(v.length).encode(v, dst, off);
        }
    }

    /** Reads {@code dst.length} components at {@code off} of {@code src} into {@code dst}. */
    public void decode(MemorySegment src, long off, float[] dst) {
        switch (this) {
            case FLOAT32 -> MemorySegment.copy(src, F32, off, dst, 0, dst.length);
            case FLOAT16 -> {
                for (int i = 0; i < dst.length; i++) {
                    dst[i] = Float.float16ToFloat(src.get(F16, off + 2L * i));
                }
            }
            case UINT8 -> {
                for (int i = 0; i < dst.length; i++) {
                    dst[i] = src.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF;
                }
            }
            case TURBO4 -> Turbo4Codecs.of(dst.length).decode(src, off, dst);
        }
    }

    /** The {@link #TURBO4} codec per dimension, built once. */
    private static final class Turbo4Codecs {
        private static final java.util.concurrent.ConcurrentHashMap<Integer, TurboQuantizer> BY_DIM =
                new java.util.concurrent.ConcurrentHashMap<>();

        static TurboQuantizer of(int dim) {
            return BY_DIM.computeIfAbsent(dim, TurboQuantizer::forStorage);
        }
    }
}
