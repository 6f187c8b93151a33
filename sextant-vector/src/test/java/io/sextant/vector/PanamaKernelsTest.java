package io.sextant.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares {@link PanamaKernels} with {@link ScalarKernels} and with a double-precision reference
 * on lengths around every vector and unroll boundary. Set {@code -Dtests.seed=N} to replay a failure.
 */
class PanamaKernelsTest {
    static final int[] LENGTHS = {
        1, 2, 3, 4, 6, 7, 8, 13, 15, 16, 17, 31, 32, 33, 64, 100, 127, 128, 383, 384, 768, 1023, 1024, 1536, 1537, 4098
    };
    /** Relative to the sum of the absolute terms, so near-zero dot products are judged fairly. */
    static final double TOLERANCE = 1e-5;

    static final long SEED = Long.getLong("tests.seed", System.nanoTime());
    final PanamaKernels panama = new PanamaKernels();
    final ScalarKernels scalar = new ScalarKernels();

    static int[] lengths() {
        return LENGTHS;
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void arrayKernelsMatchScalarAndReference(int n) {
        Random rnd = new Random(SEED + n);
        for (int round = 0; round < 5; round++) {
            float[] a = randomVector(rnd, n);
            float[] b = randomVector(rnd, n);
            check("dot", n, panama.dot(a, b), scalar.dot(a, b), refDot(a, b), magnitude(a, b, (x, y) -> x * y));
            check(
                    "squareDistance",
                    n,
                    panama.squareDistance(a, b),
                    scalar.squareDistance(a, b),
                    refSquare(a, b),
                    refSquare(a, b));
            check(
                    "manhattan",
                    n,
                    panama.manhattan(a, b),
                    scalar.manhattan(a, b),
                    refManhattan(a, b),
                    refManhattan(a, b));
        }
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void segmentKernelsAtUnalignedOffsetsMatchArrayKernels(int n) {
        Random rnd = new Random(SEED ^ (31L * n));
        float[] q = randomVector(rnd, n);
        float[] v = randomVector(rnd, n);
        try (Arena arena = Arena.ofConfined()) {
            for (long offset : new long[] {0, 1, 2, 3, 4, 5, 7, 13, 64}) {
                MemorySegment seg = arena.allocate(offset + 4L * n + 3, 1);
                seg.fill((byte) 0x7f); // garbage around the vector must not be read
                MemorySegment.copy(v, 0, seg, ScalarKernels.LE_FLOAT, offset, n);
                String at = " at byte offset " + offset;
                check(
                        "dot" + at,
                        n,
                        panama.dot(q, seg, offset),
                        scalar.dot(q, seg, offset),
                        refDot(q, v),
                        magnitude(q, v, (x, y) -> x * y));
                check(
                        "squareDistance" + at,
                        n,
                        panama.squareDistance(q, seg, offset),
                        scalar.squareDistance(q, seg, offset),
                        refSquare(q, v),
                        refSquare(q, v));
                check(
                        "manhattan" + at,
                        n,
                        panama.manhattan(q, seg, offset),
                        scalar.manhattan(q, seg, offset),
                        refManhattan(q, v),
                        refManhattan(q, v));
            }
        }
    }

    /** The four-row kernels give each row's own result, wherever the rows lie in the segment. */
    @ParameterizedTest
    @MethodSource("lengths")
    void fourRowKernelsMatchTheReferencePerRow(int n) {
        checkMultiRow(n, 6, new int[] {4, 0, 5, 2}, (k, q, seg, at, pick, dots, squares) -> {
            k.dot4(q, seg, at[0], at[1], at[2], at[3], dots, 1);
            k.squareDistance4(q, seg, at[0], at[1], at[2], at[3], squares, 1);
        });
    }

    /** The eight-row kernels likewise, with a row picked twice. */
    @ParameterizedTest
    @MethodSource("lengths")
    void eightRowKernelsMatchTheReferencePerRow(int n) {
        checkMultiRow(n, 10, new int[] {9, 0, 5, 2, 2, 7, 1, 8}, (k, q, seg, at, pick, dots, squares) -> {
            // rows by ordinal from the first row's (odd) offset: the kernels compute the offsets
            MemorySegment rows = seg.asSlice(3);
            k.dot8(q, rows, pick, 0, 4L * n, dots, 1);
            k.squareDistance8(q, rows, pick, 0, 4L * n, squares, 1);
        });
    }

    /** Calls a multi-row kernel pair: results go to {@code dots[1..]} and {@code squares[1..]}. */
    private interface MultiRowCall {
        void run(VectorKernels k, float[] q, MemorySegment seg, long[] at, int[] pick, float[] dots, float[] squares);
    }

    /**
     * Lays {@code rowCount} random rows out at an odd byte offset, scores the rows {@code pick}
     * (out of order, possibly repeated) with both kernel implementations, and checks every slot
     * against the double-precision reference and the slots around the output untouched.
     */
    private void checkMultiRow(int n, int rowCount, int[] pick, MultiRowCall call) {
        Random rnd = new Random(SEED ^ (17L * n + pick.length));
        float[] q = randomVector(rnd, n);
        float[][] rows = new float[rowCount][];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate((long) rowCount * 4 * n + 8, 1);
            seg.fill((byte) 0x7f);
            for (int r = 0; r < rows.length; r++) {
                rows[r] = randomVector(rnd, n);
                MemorySegment.copy(rows[r], 0, seg, ScalarKernels.LE_FLOAT, 3 + 4L * n * r, n);
            }
            long[] at = new long[pick.length];
            for (int i = 0; i < pick.length; i++) {
                at[i] = 3 + 4L * n * pick[i];
            }
            for (VectorKernels k : new VectorKernels[] {panama, scalar}) {
                float[] dots = new float[pick.length + 2];
                float[] squares = new float[pick.length + 2];
                call.run(k, q, seg, at, pick, dots, squares);
                assertThat(dots[0]).as("slot before the output untouched").isZero();
                assertThat(dots[pick.length + 1])
                        .as("slot after the output untouched")
                        .isZero();
                assertThat(squares[pick.length + 1])
                        .as("slot after the output untouched")
                        .isZero();
                for (int i = 0; i < pick.length; i++) {
                    float[] row = rows[pick[i]];
                    String ctx = k.name() + " slot " + i + " row " + pick[i] + " n=" + n + " seed=" + SEED;
                    double tol = TOLERANCE * magnitude(q, row, (x, y) -> x * y) + 1e-6;
                    assertThat((double) dots[1 + i])
                            .as("dot " + ctx)
                            .isCloseTo(refDot(q, row), org.assertj.core.data.Offset.offset(tol));
                    assertThat((double) squares[1 + i])
                            .as("squareDistance " + ctx)
                            .isCloseTo(
                                    refSquare(q, row),
                                    org.assertj.core.data.Offset.offset(TOLERANCE * refSquare(q, row) + 1e-6));
                }
            }
        }
    }

    /** A one-hot vector scores exactly one term, so a skipped or doubled lane cannot hide. */
    @ParameterizedTest
    @MethodSource("lengths")
    void everyPositionIsCountedExactlyOnce(int n) {
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            b[i] = 1 + (i % 11);
        }
        float[] zero = new float[n];
        MemorySegment seg = MemorySegment.ofArray(new byte[4 * n + 1]);
        MemorySegment.copy(b, 0, seg, ScalarKernels.LE_FLOAT, 1, n);
        float[] hot = new float[n];
        for (int i = 0; i < n; i++) {
            hot[i] = 2;
            float expected = 2 * b[i];
            String where = "n=" + n + " position " + i;
            assertThat(panama.dot(hot, b)).as("dot " + where).isEqualTo(expected);
            assertThat(panama.dot(hot, seg, 1)).as("segment dot " + where).isEqualTo(expected);
            assertThat(panama.squareDistance(hot, zero))
                    .as("squareDistance " + where)
                    .isEqualTo(4f);
            assertThat(panama.manhattan(zero, hot)).as("manhattan " + where).isEqualTo(2f);
            hot[i] = 0;
        }
    }

    @Test
    void emptyVectorsScoreZero() {
        float[] e = new float[0];
        assertThat(panama.dot(e, e)).isZero();
        assertThat(panama.squareDistance(e, e)).isZero();
        assertThat(panama.manhattan(e, e)).isZero();
        assertThat(panama.dot(e, MemorySegment.NULL, 0)).isZero();
    }

    @Test
    void mismatchedLengthsAreRejectedWithBothLengths() {
        float[] a = new float[17];
        float[] b = new float[16];
        for (VectorKernels k : new VectorKernels[] {panama, scalar}) {
            assertThatThrownBy(() -> k.dot(a, b))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("17")
                    .hasMessageContaining("16");
            assertThatThrownBy(() -> k.squareDistance(b, a)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> k.manhattan(a, b)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void segmentTooShortIsRejected() {
        float[] q = new float[40];
        MemorySegment seg = MemorySegment.ofArray(new byte[4 * 40 - 1]);
        assertThatThrownBy(() -> panama.dot(q, seg, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> panama.squareDistance(q, seg, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> panama.manhattan(q, seg, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void nameTellsTheVectorWidth() {
        assertThat(panama.name()).startsWith("panama-" + 32 * PanamaKernels.lanes());
    }

    private static void check(String what, int n, float panama, float scalar, double ref, double magnitude) {
        double tol = TOLERANCE * magnitude + 1e-6;
        String ctx = what + " n=" + n + " seed=" + SEED + " (replay with -Dtests.seed=" + SEED + ")";
        assertThat((double) panama)
                .as("panama vs reference, " + ctx)
                .isCloseTo(ref, org.assertj.core.data.Offset.offset(tol));
        assertThat((double) scalar)
                .as("scalar vs reference, " + ctx)
                .isCloseTo(ref, org.assertj.core.data.Offset.offset(tol));
        assertThat((double) panama)
                .as("panama vs scalar, " + ctx)
                .isCloseTo(scalar, org.assertj.core.data.Offset.offset(2 * tol));
    }

    static float[] randomVector(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        return v;
    }

    static double refDot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double refSquare(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    static double refManhattan(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs((double) a[i] - b[i]);
        }
        return s;
    }

    static double magnitude(float[] a, float[] b, ToDoubleBiFunction<Double, Double> term) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(term.applyAsDouble((double) a[i], (double) b[i]));
        }
        return s;
    }
}
