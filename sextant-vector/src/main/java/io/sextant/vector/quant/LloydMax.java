package io.sextant.vector.quant;

/**
 * Lloyd-Max codebooks of the standard normal distribution: the {@code 2^bits} levels minimizing the
 * mean squared error of quantizing an N(0, 1) value, found at class initialization by Lloyd's
 * iteration (boundaries at the midpoints of neighbouring levels, each level the conditional mean of
 * its interval, {@code (phi(a) - phi(b)) / (Phi(b) - Phi(a))}). The codebooks are symmetric, so only
 * the positive magnitudes are kept. Stateless, thread-safe.
 */
final class LloydMax {
    private static final float[][] MAGNITUDES = {null, compute(1), compute(2), null, compute(4)};

    private LloydMax() {}

    /** The positive levels of the {@code bits}-bit codebook (1, 2 or 4), ascending; do not modify. */
    static float[] magnitudes(int bits) {
        if (bits != 1 && bits != 2 && bits != 4) {
            throw new IllegalArgumentException("Lloyd-Max codebooks exist for 1, 2 and 4 bits, got " + bits);
        }
        return MAGNITUDES[bits];
    }

    private static float[] compute(int bits) {
        int levels = 1 << bits;
        double[] c = new double[levels];
        for (int i = 0; i < levels; i++) {
            c[i] = -3 + 6.0 * (i + 0.5) / levels;
        }
        for (int iteration = 0; iteration < 10_000; iteration++) {
            double[] next = new double[levels];
            for (int i = 0; i < levels; i++) {
                double a = i == 0 ? Double.NEGATIVE_INFINITY : (c[i - 1] + c[i]) / 2;
                double b = i == levels - 1 ? Double.POSITIVE_INFINITY : (c[i] + c[i + 1]) / 2;
                next[i] = (density(a) - density(b)) / (normalCdf(b) - normalCdf(a));
            }
            c = next;
        }
        float[] positive = new float[levels / 2];
        for (int i = 0; i < levels / 2; i++) {
            positive[i] = (float) c[levels / 2 + i];
        }
        return positive;
    }

    private static double density(double x) {
        return Double.isInfinite(x) ? 0 : Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }

    /** Phi(x), the standard normal CDF, to about 1e-7 (Abramowitz and Stegun 7.1.26 for erf). */
    static double normalCdf(double x) {
        if (Double.isInfinite(x)) {
            return x > 0 ? 1 : 0;
        }
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * z);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1 - poly * Math.exp(-z * z);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
