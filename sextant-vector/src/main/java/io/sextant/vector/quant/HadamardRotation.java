package io.sextant.vector.quant;

/**
 * A seeded random orthogonal transform of {@code R^n} for any {@code n >= 1}, cheap to apply ({@code
 * O(n log n)}): {@link #ROUNDS} rounds of (random sign flips, normalized Walsh-Hadamard transforms
 * on the power-of-two blocks of {@code n} taken largest first, a random permutation). Each step is
 * orthogonal, so the whole is, and it preserves dot products and lengths; the inverse runs the steps
 * backwards. After it, the coordinates of any fixed vector look like independent draws from one
 * bell-shaped distribution, which is what lets {@link TurboQuantizer} use one fixed Lloyd-Max
 * codebook for every coordinate. The permutations carry energy between the blocks of a dimension
 * that is not a power of two.
 *
 * <p>The signs and permutations come from SplitMix64 seeded with {@code seed}, implemented here so
 * the transform of a stored seed never changes with the JDK. Immutable, thread-safe.
 */
final class HadamardRotation {
    static final int ROUNDS = 3;

    private final int n;
    private final long seed;
    /** Per round: +1/-1 per coordinate. */
    private final double[][] signs;
    /** Per round: {@code out[i] = in[perm[i]]}. */
    private final int[][] perms;

    private final int[][] inversePerms;

    HadamardRotation(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("rotation dimension must be >= 1, got " + n);
        }
        this.n = n;
        this.seed = seed;
        this.signs = new double[ROUNDS][n];
        this.perms = new int[ROUNDS][n];
        this.inversePerms = new int[ROUNDS][n];
        long[] state = {seed};
        for (int r = 0; r < ROUNDS; r++) {
            for (int i = 0; i < n; i++) {
                signs[r][i] = (splitMix(state) & 1) == 0 ? 1.0 : -1.0;
                perms[r][i] = i;
            }
            for (int i = n - 1; i > 0; i--) { // Fisher-Yates
                int j = (int) Long.remainderUnsigned(splitMix(state), i + 1);
                int t = perms[r][i];
                perms[r][i] = perms[r][j];
                perms[r][j] = t;
            }
            for (int i = 0; i < n; i++) {
                inversePerms[r][perms[r][i]] = i;
            }
        }
    }

    private static long splitMix(long[] state) {
        long z = (state[0] += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    int dimension() {
        return n;
    }

    long seed() {
        return seed;
    }

    /** Rotates {@code x[0 .. n-1]} in place; {@code scratch} has at least {@code n} entries. */
    void apply(double[] x, double[] scratch) {
        for (int r = 0; r < ROUNDS; r++) {
            double[] s = signs[r];
            for (int i = 0; i < n; i++) {
                x[i] *= s[i];
            }
            blockHadamard(x, n);
            permute(x, scratch, perms[r]);
        }
    }

    /** The inverse of {@link #apply}, in place. */
    void applyInverse(double[] x, double[] scratch) {
        for (int r = ROUNDS - 1; r >= 0; r--) {
            permute(x, scratch, inversePerms[r]);
            blockHadamard(x, n);
            double[] s = signs[r];
            for (int i = 0; i < n; i++) {
                x[i] *= s[i];
            }
        }
    }

    private void permute(double[] x, double[] scratch, int[] perm) {
        for (int i = 0; i < n; i++) {
            scratch[i] = x[perm[i]];
        }
        System.arraycopy(scratch, 0, x, 0, n);
    }

    /** Normalized Walsh-Hadamard transform on each power-of-two block of {@code [0, n)}, largest first; self-inverse. */
    static void blockHadamard(double[] x, int n) {
        int start = 0;
        int rest = n;
        while (rest > 0) {
            int size = Integer.highestOneBit(rest);
            hadamard(x, start, size);
            start += size;
            rest -= size;
        }
    }

    private static void hadamard(double[] x, int from, int size) {
        for (int h = 1; h < size; h <<= 1) {
            for (int i = from; i < from + size; i += h << 1) {
                for (int j = i; j < i + h; j++) {
                    double a = x[j];
                    double b = x[j + h];
                    x[j] = a + b;
                    x[j + h] = a - b;
                }
            }
        }
        if (size > 1) {
            double norm = 1.0 / Math.sqrt(size);
            for (int i = from; i < from + size; i++) {
                x[i] *= norm;
            }
        }
    }
}
