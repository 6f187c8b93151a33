package io.sextant.index.sparse;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Encodes and decodes one block of a posting list in the file format of {@link SparseIndexWriter}:
 *
 * <pre>
 * size                 field
 * 1                    bit width w (0 .. 32) of the ordinal gaps minus one
 * ceil((n-1) w / 8)    gap - 1 of postings 1 .. n-1 (posting 0 is the block's first ordinal, kept in
 *                      the block table), bit-packed, least significant bit first
 * weights, by value type:
 *   FLOAT32            n x 4 bytes, IEEE-754 binary32
 *   FLOAT16            n x 2 bytes, IEEE-754 binary16
 *   UINT8              float32 min, float32 step, n x 1 byte code: weight = min + step * code
 * </pre>
 *
 * All multi-byte values little-endian. The decoder reads the packed gaps 8 bytes at a time and may
 * read up to 7 bytes past them; the weights and the file's footer lie behind, so those reads stay in
 * the file. Encoding uses one instance per writer thread; decoding is static and thread-safe.
 */
final class PostingBlockCodec {
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final int MAX_BLOCK_BYTES = 1 + 4 * PostingBlocks.BLOCK_SIZE + 8 + 4 * PostingBlocks.BLOCK_SIZE;
    /** Weights are clamped to this magnitude before UINT8 quantization. */
    static final float UINT8_LIMIT = 1e38f;

    static final float FLOAT16_MAX = 65504f;

    /** The encoded block (valid up to {@link #size}). */
    final byte[] bytes = new byte[MAX_BLOCK_BYTES];

    int size;
    /** The largest and largest absolute weight as decoded. */
    float maxWeight;

    float maxAbsWeight;

    /** The byte length of a block of {@code n} postings with gap bit width {@code bitWidth}. */
    static long encodedSize(int n, int bitWidth, SparseValueType type) {
        long packed = ((long) (n - 1) * bitWidth + 7) >>> 3;
        long weights =
                switch (type) {
                    case FLOAT32 -> 4L * n;
                    case FLOAT16 -> 2L * n;
                    case UINT8 -> 8L + n;
                };
        return 1 + packed + weights;
    }

    /** Encodes postings {@code from .. from+n-1} (ascending ordinals) into {@link #bytes}. */
    void encode(int[] ords, float[] weights, int from, int n, SparseValueType type) {
        int width = 0;
        for (int i = from + 1; i < from + n; i++) {
            width = Math.max(width, 32 - Integer.numberOfLeadingZeros(ords[i] - ords[i - 1] - 1));
        }
        bytes[0] = (byte) width;
        int pos = 1;
        long acc = 0;
        int bits = 0;
        for (int i = from + 1; i < from + n; i++) {
            acc |= (long) (ords[i] - ords[i - 1] - 1 & 0xffff_ffffL) << bits;
            bits += width;
            while (bits >= 8) {
                bytes[pos++] = (byte) acc;
                acc >>>= 8;
                bits -= 8;
            }
        }
        if (bits > 0) {
            bytes[pos++] = (byte) acc;
        }
        maxWeight = Float.NEGATIVE_INFINITY;
        maxAbsWeight = 0;
        switch (type) {
            case FLOAT32 -> {
                for (int i = 0; i < n; i++) {
                    pos = putInt(pos, Float.floatToRawIntBits(weights[from + i]));
                    track(weights[from + i]);
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    float w = Math.max(-FLOAT16_MAX, Math.min(FLOAT16_MAX, weights[from + i]));
                    short h = Float.floatToFloat16(w);
                    bytes[pos++] = (byte) h;
                    bytes[pos++] = (byte) (h >>> 8);
                    track(Float.float16ToFloat(h));
                }
            }
            case UINT8 -> pos = encodeUint8(weights, from, n, pos);
        }
        size = pos;
    }

    private int encodeUint8(float[] weights, int from, int n, int pos) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + n; i++) {
            float w = clampUint8(weights[i]);
            min = Math.min(min, w);
            max = Math.max(max, w);
        }
        float step = (max - min) / 255f;
        pos = putInt(pos, Float.floatToRawIntBits(min));
        pos = putInt(pos, Float.floatToRawIntBits(step));
        for (int i = from; i < from + n; i++) {
            int code = step == 0 ? 0 : Math.round((clampUint8(weights[i]) - min) / step);
            code = Math.max(0, Math.min(255, code));
            bytes[pos++] = (byte) code;
            track(min + step * code);
        }
        return pos;
    }

    private static float clampUint8(float w) {
        return Math.max(-UINT8_LIMIT, Math.min(UINT8_LIMIT, w));
    }

    private void track(float decoded) {
        maxWeight = Math.max(maxWeight, decoded);
        maxAbsWeight = Math.max(maxAbsWeight, Math.abs(decoded));
    }

    private int putInt(int pos, int v) {
        bytes[pos] = (byte) v;
        bytes[pos + 1] = (byte) (v >>> 8);
        bytes[pos + 2] = (byte) (v >>> 16);
        bytes[pos + 3] = (byte) (v >>> 24);
        return pos + 4;
    }

    /**
     * Decodes the block of {@code n} postings at {@code pos} whose first ordinal is {@code first}
     * into {@code ords} and {@code weights}; returns the position after the block. The bit width is
     * trusted (checked by the file's validation at open).
     */
    static long decode(
            MemorySegment seg, long pos, int n, int first, SparseValueType type, int[] ords, float[] weights) {
        int width = seg.get(ValueLayout.JAVA_BYTE, pos) & 0xff;
        long packed = pos + 1;
        ords[0] = first;
        if (width == 0) {
            for (int i = 1; i < n; i++) {
                ords[i] = first + i;
            }
        } else {
            long mask = (1L << width) - 1;
            int ord = first;
            long bit = 0;
            for (int i = 1; i < n; i++) {
                long word = seg.get(LONG, packed + (bit >>> 3));
                ord += (int) ((word >>> (bit & 7)) & mask) + 1;
                ords[i] = ord;
                bit += width;
            }
        }
        long w = packed + (((long) (n - 1) * width + 7) >>> 3);
        switch (type) {
            case FLOAT32 -> {
                MemorySegment.copy(seg, FLOAT, w, weights, 0, n);
                return w + 4L * n;
            }
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    weights[i] = Float.float16ToFloat(seg.get(SHORT, w + 2L * i));
                }
                return w + 2L * n;
            }
            default -> {
                float min = seg.get(FLOAT, w);
                float step = seg.get(FLOAT, w + 4);
                long codes = w + 8;
                for (int i = 0; i < n; i++) {
                    weights[i] = min + step * (seg.get(ValueLayout.JAVA_BYTE, codes + i) & 0xff);
                }
                return codes + n;
            }
        }
    }
}
