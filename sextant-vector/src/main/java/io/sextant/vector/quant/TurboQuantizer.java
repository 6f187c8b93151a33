package io.sextant.vector.quant;

import io.sextant.vector.Distance;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

/**
 * TurboQuant (Qdrant's {@code turbo} quantization, also the codec of the {@code turbo4} vector
 * datatype): a random rotation followed by a fixed Lloyd-Max codebook per coordinate, 1, 1.5, 2 or
 * 4 bits per dimension, with a per-vector length correction and a per-coordinate correction trained
 * on the data.
 *
 * <h2>Encoding</h2>
 *
 * A vector {@code v} of dimension {@code d} is zero-padded to {@code n} ({@link Bits#paddedDim}: a
 * whole number of code bytes; 1.5 bits stores 1 bit on {@code 1.5 d} coordinates), rotated by a
 * seeded {@link HadamardRotation} (over all {@code n} coordinates, or over the first {@code d} only
 * for the {@code turbo4} datatype, whose vectors are read back from the codes), and rescaled to
 * {@code y = x sqrt(n) / L} with {@code L = |v|}, so each coordinate of {@code y} is roughly N(0, 1).
 * Training fits per coordinate a shift and a scale that map the central interval of that
 * coordinate's training values, between the probabilities {@code Phi(+-c_max)} of the codebook's
 * outermost centroid {@code c_max}, onto {@code [-c_max, c_max]} (Qdrant's TQ+; without enough
 * training vectors the correction is the identity). Every {@code z_i = (y_i + shift_i) scale_i} is
 * stored as the index of its nearest centroid; {@code r_i = c_i / scale_i - shift_i} reconstructs
 * {@code y_i}, and the stored scaling factor {@code sf = L / |r|} renormalizes the reconstruction to
 * the true length (a zero vector gets {@code sf = 0}).
 *
 * <h2>Scoring</h2>
 *
 * The query stays in float: rotated once ({@code q_r}), then {@code q.v ~ sf (sum (q_r,i / scale_i)
 * c_i - sum q_r,i shift_i)}, one {@link QuantKernels#dotCodes} pass over the codes plus a
 * per-query constant. Dot and Cosine (whose vectors arrive normalized) score that; Euclid scores
 * {@code -(|q|^2 + L^2 - 2 q.v)} with the stored length; Manhattan, which a rotation does not
 * preserve, decodes the vector (reconstruct, scale, inverse rotation) and sums {@code |q_i - v_i|}.
 *
 * <h2>Bytes</h2>
 *
 * Code ({@code 8 + n * bits / 8} bytes): float32 {@code sf}, float32 {@code L}, then the packed
 * codes, little-endian. With {@code m = n * bits / 8}, code {@code k m + j} occupies bits {@code [k
 * bits, (k+1) bits)} of code byte {@code j}, so the SIMD kernel widens a run of bytes once and reads
 * {@code 8 / bits} runs of consecutive coordinates from it. A code's top bit is the centroid's sign,
 * the lower bits index its magnitude in {@link #magnitudes}.
 *
 * <p>Params: u8 version = 1, u8 bits ({@link Bits} ordinal), u8 rotation span (0 all {@code n}
 * coordinates, 1 the first {@code d}), u8 1 if a per-coordinate correction follows else 0, u32
 * {@code d}, u32 {@code n}, u64 rotation seed, then when corrected float32[n] shift and float32[n]
 * scale; all little-endian. Immutable, thread-safe.
 */
public final class TurboQuantizer implements Quantizer {
    static final int PARAMS_VERSION = 1;
    static final int HEADER = 8;
    static final long DEFAULT_SEED = 0x5EC7A47_7B0C0DEL;
    /** Below this many training vectors the per-coordinate correction is the identity. */
    static final int MIN_CORRECTION_SAMPLE = 64;
    /** Training vectors used for the per-coordinate quantiles. */
    static final int CORRECTION_SAMPLE = 8192;

    private static final ValueLayout.OfFloat FLOAT_LE = ScalarQuantizer.FLOAT_LE;
    private static final double MIN_QUANTILE_WIDTH = 1e-3;

    /** Bits per dimension, with Qdrant's wire names. */
    public enum Bits {
        BITS1("bits1", 1),
        BITS1_5("bits1_5", 1),
        BITS2("bits2", 2),
        BITS4("bits4", 4);

        private final String wireName;
        private final int storedBits;

        Bits(String wireName, int storedBits) {
            this.wireName = wireName;
            this.storedBits = storedBits;
        }

        public String wireName() {
            return wireName;
        }

        /** Bits stored per padded coordinate. */
        public int storedBits() {
            return storedBits;
        }

        /** Coordinates stored for dimension {@code d}: whole code bytes; 1.5 bits stores 1.5 d. */
        public int paddedDim(int d) {
            int perByte = 8 / storedBits;
            int coords = this == BITS1_5 ? d * 3 / 2 : d;
            return Math.max(perByte, (coords + perByte - 1) / perByte * perByte);
        }

        public static Bits fromWireName(String name) {
            for (Bits b : values()) {
                if (b.wireName.equals(name)) {
                    return b;
                }
            }
            throw new IllegalArgumentException("turbo bits must be one of bits1, bits1_5, bits2, bits4, got " + name);
        }

        @Override
        public String toString() {
            return wireName;
        }
    }

    private final Distance distance;
    private final int dim;
    private final Bits bits;
    private final int n;
    private final boolean unpaddedRotation;
    private final HadamardRotation rotation;
    /** Null when the correction is the identity. */
    private final float[] shift;

    private final float[] scale;
    /** Centroid magnitudes, ascending, zero-padded to 16 entries for the SIMD table. */
    private final float[] magnitudes;

    TurboQuantizer(
            Distance distance, int dim, Bits bits, boolean unpaddedRotation, long seed, float[] shift, float[] scale) {
        if (dim < 1) {
            throw new IllegalArgumentException("turbo quantizer dimension must be >= 1, got " + dim);
        }
        if (unpaddedRotation && bits == Bits.BITS1_5) {
            throw new IllegalArgumentException("bits1_5 needs the rotation over its padding");
        }
        this.distance = distance;
        this.dim = dim;
        this.bits = bits;
        this.n = bits.paddedDim(dim);
        this.unpaddedRotation = unpaddedRotation;
        this.rotation = new HadamardRotation(unpaddedRotation ? dim : n, seed);
        if ((shift == null) != (scale == null) || (shift != null && (shift.length != n || scale.length != n))) {
            throw new IllegalArgumentException("turbo correction has " + (shift == null ? "no" : shift.length)
                    + " shifts and " + (scale == null ? "no" : scale.length) + " scales, expected " + n);
        }
        if (shift != null) {
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(shift[i]) || !(scale[i] > 0) || !Float.isFinite(scale[i])) {
                    throw new IllegalArgumentException(
                            "bad turbo correction of coordinate " + i + ": shift=" + shift[i] + ", scale=" + scale[i]);
                }
            }
        }
        this.shift = shift == null ? null : shift.clone();
        this.scale = scale == null ? null : scale.clone();
        this.magnitudes = Arrays.copyOf(LloydMax.magnitudes(bits.storedBits()), 16);
    }

    /**
     * Trains the per-coordinate correction on {@code sample}.
     *
     * @param unpaddedRotation rotate only the first {@code dim} coordinates (the {@code turbo4}
     *     datatype, whose vectors are decoded from the codes); false for quantization
     */
    public static TurboQuantizer train(
            Distance distance, int dim, float[][] sample, Bits bits, boolean unpaddedRotation) {
        TurboQuantizer identity = new TurboQuantizer(distance, dim, bits, unpaddedRotation, DEFAULT_SEED, null, null);
        int rows = Math.min(sample.length, CORRECTION_SAMPLE);
        if (rows < MIN_CORRECTION_SAMPLE) {
            return identity;
        }
        int n = identity.n;
        float[][] columns = new float[n][rows];
        double[] x = new double[n];
        double[] scratch = new double[n];
        for (int r = 0; r < rows; r++) {
            identity.rescaledRotation(sample[r], x, scratch);
            for (int i = 0; i < n; i++) {
                columns[i][r] = (float) x[i];
            }
        }
        float cMax = identity.magnitudes[LloydMax.magnitudes(bits.storedBits()).length - 1];
        double pHigh = LloydMax.normalCdf(cMax);
        float[] shift = new float[n];
        float[] scale = new float[n];
        for (int i = 0; i < n; i++) {
            float[] c = columns[i];
            Arrays.sort(c);
            double lo = c[(int) Math.floor((1 - pHigh) * (rows - 1))];
            double hi = c[(int) Math.ceil(pHigh * (rows - 1))];
            shift[i] = (float) (-(lo + hi) / 2);
            scale[i] = hi - lo > MIN_QUANTILE_WIDTH ? (float) (2 * cMax / (hi - lo)) : 1f;
        }
        return new TurboQuantizer(distance, dim, bits, unpaddedRotation, DEFAULT_SEED, shift, scale);
    }

    /**
     * The codec of the {@code turbo4} vector datatype: 4 bits, rotation over the {@code dim} real
     * coordinates only (the padding stays zero, so decoding loses nothing to it), no trained
     * correction (a stored vector must not depend on the others). Encoding and decoding do not
     * depend on the distance.
     */
    public static TurboQuantizer forStorage(int dim) {
        return new TurboQuantizer(Distance.DOT, dim, Bits.BITS4, true, DEFAULT_SEED, null, null);
    }

    static TurboQuantizer read(Distance distance, int dim, byte[] params) {
        ByteBuffer b = ByteBuffer.wrap(params).order(ByteOrder.LITTLE_ENDIAN);
        if (params.length < 20 || (b.get(0) & 0xFF) != PARAMS_VERSION) {
            throw new IllegalArgumentException(
                    "Turbo quantizer params of " + params.length + " bytes are not version " + PARAMS_VERSION);
        }
        int bitsOrdinal = b.get(1) & 0xFF;
        int span = b.get(2) & 0xFF;
        int corrected = b.get(3) & 0xFF;
        if (bitsOrdinal >= Bits.values().length || span > 1 || corrected > 1 || b.getInt(4) != dim) {
            throw new IllegalArgumentException("Bad turbo quantizer params: bits=" + bitsOrdinal + ", span=" + span
                    + ", corrected=" + corrected + ", dim=" + b.getInt(4) + " (expected " + dim + ")");
        }
        Bits bits = Bits.values()[bitsOrdinal];
        int n = b.getInt(8);
        long seed = b.getLong(12);
        if (n != bits.paddedDim(dim) || params.length != 20 + (corrected == 1 ? 8L * n : 0)) {
            throw new IllegalArgumentException("Turbo quantizer params of " + params.length + " bytes for padded "
                    + "dimension " + n + " do not match dimension " + dim + " at " + bits);
        }
        float[] shift = null;
        float[] scale = null;
        if (corrected == 1) {
            b.position(20);
            shift = new float[n];
            scale = new float[n];
            b.asFloatBuffer().get(shift).get(scale);
        }
        return new TurboQuantizer(distance, dim, bits, span == 1, seed, shift, scale);
    }

    @Override
    public byte[] params() {
        ByteBuffer b = ByteBuffer.allocate(20 + (shift == null ? 0 : 8 * n)).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) PARAMS_VERSION)
                .put((byte) bits.ordinal())
                .put((byte) (unpaddedRotation ? 1 : 0))
                .put((byte) (shift == null ? 0 : 1))
                .putInt(dim)
                .putInt(n)
                .putLong(rotation.seed());
        if (shift != null) {
            for (float s : shift) {
                b.putFloat(s);
            }
            for (float s : scale) {
                b.putFloat(s);
            }
        }
        return b.array();
    }

    @Override
    public Kind kind() {
        return Kind.TURBO;
    }

    @Override
    public Distance distance() {
        return distance;
    }

    @Override
    public int dimension() {
        return dim;
    }

    public Bits bits() {
        return bits;
    }

    /** Stored (padded) coordinates per vector. */
    int paddedDimension() {
        return n;
    }

    @Override
    public int codeBytes() {
        return HEADER + n * bits.storedBits() / 8;
    }

    /** Pads, rotates and rescales {@code v} into {@code x} (length {@code n}); returns {@code |v|}. */
    private double rescaledRotation(float[] v, double[] x, double[] scratch) {
        Arrays.fill(x, 0);
        for (int i = 0; i < dim; i++) {
            x[i] = v[i];
        }
        rotation.apply(x, scratch);
        double norm2 = 0;
        for (int i = 0; i < n; i++) {
            norm2 += x[i] * x[i];
        }
        double length = Math.sqrt(norm2);
        if (length > 0 && Double.isFinite(length)) {
            double f = Math.sqrt(rotation.dimension()) / length;
            for (int i = 0; i < n; i++) {
                x[i] *= f;
            }
        }
        return length;
    }

    @Override
    public void encode(float[] v, MemorySegment dst, long offset) {
        if (v.length != dim) {
            throw new IllegalArgumentException("vector has dimension " + v.length + ", expected " + dim);
        }
        double[] y = new double[n];
        double length = rescaledRotation(v, y, new double[n]);
        int b = bits.storedBits();
        int m = n * b / 8;
        int magCount = 1 << (b - 1);
        long codesAt = offset + HEADER;
        for (int j = 0; j < m; j++) {
            dst.set(ValueLayout.JAVA_BYTE, codesAt + j, (byte) 0);
        }
        double reconNorm2 = 0;
        int span = rotation.dimension();
        for (int i = 0; i < n; i++) {
            double z = shift == null ? y[i] : (y[i] + shift[i]) * scale[i];
            double a = Math.abs(z);
            int mag = 0;
            while (mag + 1 < magCount && a > (magnitudes[mag] + magnitudes[mag + 1]) / 2) {
                mag++;
            }
            int code = mag | (z < 0 ? magCount : 0);
            double c = z < 0 ? -magnitudes[mag] : magnitudes[mag];
            double r = shift == null ? c : c / scale[i] - shift[i];
            reconNorm2 += i < span ? r * r : 0; // an unrotated padding decodes to zero
            int k = i / m;
            long at = codesAt + (i - (long) k * m);
            byte old = dst.get(ValueLayout.JAVA_BYTE, at);
            dst.set(ValueLayout.JAVA_BYTE, at, (byte) (old | (code << (k * b))));
        }
        double reconNorm = Math.sqrt(reconNorm2);
        float sf = length > 0 && Double.isFinite(length) && reconNorm > 1e-12 ? (float) (length / reconNorm) : 0f;
        dst.set(FLOAT_LE, offset, sf);
        dst.set(FLOAT_LE, offset + 4, (float) length);
    }

    /**
     * Decodes the code at {@code offset} back into {@code out} (dimension {@code d}): reconstruction,
     * length, inverse rotation. Exact up to the quantization error; the padding is dropped.
     */
    public void decode(MemorySegment codes, long offset, float[] out) {
        double[] x = new double[n];
        decodeRotated(codes, offset, x);
        rotation.applyInverse(x, new double[n]);
        for (int i = 0; i < dim; i++) {
            out[i] = (float) x[i] + 0f; // no negative zeros
        }
    }

    /** The reconstructed vector in the rotated space, at its true length. */
    private void decodeRotated(MemorySegment codes, long offset, double[] x) {
        double sf = codes.get(FLOAT_LE, offset);
        int b = bits.storedBits();
        int m = n * b / 8;
        int mask = (1 << b) - 1;
        int magMask = (1 << (b - 1)) - 1;
        for (int i = 0; i < n; i++) {
            int k = i / m;
            int byteValue = codes.get(ValueLayout.JAVA_BYTE, offset + HEADER + (i - (long) k * m)) & 0xFF;
            int code = (byteValue >>> (k * b)) & mask;
            double c = (code >>> (b - 1)) == 0 ? magnitudes[code & magMask] : -magnitudes[code & magMask];
            double r = shift == null ? c : c / scale[i] - shift[i];
            x[i] = i < rotation.dimension() ? r * sf : 0;
        }
    }

    @Override
    public OrdinalScorer scorer(float[] query, MemorySegment codes) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query has dimension " + query.length + ", expected " + dim);
        }
        long stride = codeBytes();
        if (distance == Distance.MANHATTAN) {
            float[] decoded = new float[dim];
            return ord -> {
                decode(codes, ord * stride, decoded);
                float s = 0;
                for (int i = 0; i < dim; i++) {
                    s += Math.abs(query[i] - decoded[i]);
                }
                return -s;
            };
        }
        double[] x = new double[n];
        double qNorm2 = 0;
        for (int i = 0; i < dim; i++) {
            x[i] = query[i];
            qNorm2 += (double) query[i] * query[i];
        }
        rotation.apply(x, new double[n]);
        float[] qs = new float[n];
        double constant = 0;
        for (int i = 0; i < n; i++) {
            qs[i] = (float) (shift == null ? x[i] : x[i] / scale[i]);
            constant -= shift == null ? 0 : x[i] * shift[i];
        }
        float c = (float) constant;
        float[] mags = magnitudes;
        int b = bits.storedBits();
        if (distance == Distance.EUCLID) {
            double qn = qNorm2;
            return ord -> {
                long base = ord * stride;
                double dot = (double) (QuantKernels.dotCodes(qs, mags, b, codes, base + HEADER) + c)
                        * codes.get(FLOAT_LE, base);
                double length = codes.get(FLOAT_LE, base + 4);
                return (float) -(qn + length * length - 2 * dot);
            };
        }
        return ord -> {
            long base = ord * stride;
            return (QuantKernels.dotCodes(qs, mags, b, codes, base + HEADER) + c) * codes.get(FLOAT_LE, base);
        };
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TurboQuantizer[%s, %s, d=%d, n=%d]", distance, bits, dim, n);
    }
}
