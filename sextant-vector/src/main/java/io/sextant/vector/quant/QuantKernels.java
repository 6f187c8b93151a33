package io.sextant.vector.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quantized scorers' kernels, dispatched to the {@link QuantKernelSupport} chosen once at
 * class initialization: {@link PanamaQuantKernels} when the {@code jdk.incubator.vector} module is
 * loaded, the preferred float species has at least 8 lanes and a probe gives the scalar results;
 * else {@link ScalarQuantKernels} with one warning. The system property {@code
 * sextant.quant.kernels} ({@code auto}, {@code panama}, {@code scalar}) forces a choice. Stateless,
 * thread-safe.
 */
final class QuantKernels {
    static final String PROPERTY = "sextant.quant.kernels";
    private static final Logger LOG = LoggerFactory.getLogger(QuantKernels.class);
    private static final ValueLayout.OfLong LONG_LE = ScalarQuantKernels.LONG_LE;
    static final QuantKernelSupport IMPL = choose(System.getProperty(PROPERTY, "auto"));

    private QuantKernels() {}

    static QuantKernelSupport choose(String mode) {
        String m = mode.trim().toLowerCase(Locale.ROOT);
        if (m.equals("scalar")) {
            return new ScalarQuantKernels();
        }
        if (!m.equals("auto") && !m.equals("panama")) {
            throw new IllegalArgumentException(
                    "Unknown " + PROPERTY + ": " + mode + ", expected one of auto, panama, scalar");
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.warn("Quantized kernels: scalar (the jdk.incubator.vector module is not loaded)");
            return new ScalarQuantKernels();
        }
        try {
            if (PanamaQuantKernels.lanes() < 8) {
                LOG.warn(
                        "Quantized kernels: scalar (preferred float species has {} lanes, need 8)",
                        PanamaQuantKernels.lanes());
                return new ScalarQuantKernels();
            }
            QuantKernelSupport p = new PanamaQuantKernels();
            String mismatch = probe(p);
            if (mismatch != null) {
                LOG.warn("Quantized kernels: scalar (Vector API probe mismatch: {})", mismatch);
                return new ScalarQuantKernels();
            }
            return p;
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("Quantized kernels: scalar (the Vector API kernels failed to start: {})", e.toString());
            return new ScalarQuantKernels();
        }
    }

    /** Compares {@code k} with the scalar kernels on small integer data (exact in float); null when equal. */
    static String probe(QuantKernelSupport k) {
        ScalarQuantKernels s = new ScalarQuantKernels();
        int n = 67;
        float[] q = new float[n];
        float[] scale = new float[n];
        MemorySegment codes = MemorySegment.ofArray(new byte[n + 8]);
        long[] words = new long[9];
        for (int i = 0; i < n; i++) {
            q[i] = (i % 7) - 3;
            scale[i] = (i % 3) + 1;
            codes.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 37));
        }
        for (int i = 0; i < words.length; i++) {
            words[i] = 0x9E3779B97F4A7C15L * (i + 1);
        }
        if (k.dotF32U8(q, codes, 1) != s.dotF32U8(q, codes, 1)) {
            return "dotF32U8";
        }
        if (k.l1F32U8(q, scale, codes, 1) != s.l1F32U8(q, scale, codes, 1)) {
            return "l1F32U8";
        }
        if (k.xorPopcount(words, 1, codes, 0, 8) != s.xorPopcount(words, 1, codes, 0, 8)
                || k.andPopcount(words, 0, codes, 3, 8) != s.andPopcount(words, 0, codes, 3, 8)
                || k.popcount(codes, 0, 8) != s.popcount(codes, 0, 8)) {
            return "popcount";
        }
        float[] mags = java.util.Arrays.copyOf(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 16);
        float[] q64 = java.util.Arrays.copyOf(q, 64);
        if (k.dotCodes(q64, mags, 4, codes, 1) != s.dotCodes(q64, mags, 4, codes, 1)) {
            return "dotCodes";
        }
        return null;
    }

    static float dotF32U8(float[] q, MemorySegment codes, long off) {
        return IMPL.dotF32U8(q, codes, off);
    }

    static void dotF32U8x4(float[] q, MemorySegment codes, long o0, long o1, long o2, long o3, float[] out, int at) {
        IMPL.dotF32U8x4(q, codes, o0, o1, o2, o3, out, at);
    }

    static float l1F32U8(float[] q, float[] scale, MemorySegment codes, long off) {
        return IMPL.l1F32U8(q, scale, codes, off);
    }

    static int xorPopcount(long[] q, int qFrom, MemorySegment codes, long off, int words) {
        return IMPL.xorPopcount(q, qFrom, codes, off, words);
    }

    static int andPopcount(long[] q, int qFrom, MemorySegment codes, long off, int words) {
        return IMPL.andPopcount(q, qFrom, codes, off, words);
    }

    static int popcount(MemorySegment codes, long off, int words) {
        return IMPL.popcount(codes, off, words);
    }

    static float dotCodes(float[] q, float[] magnitudes, int bits, MemorySegment codes, long off) {
        return IMPL.dotCodes(q, magnitudes, bits, codes, off);
    }

    static long readLong(MemorySegment codes, long off) {
        return codes.get(LONG_LE, off);
    }

    static void writeLong(MemorySegment codes, long off, long v) {
        codes.set(LONG_LE, off, v);
    }
}
