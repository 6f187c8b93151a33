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
        Random rnd = new Random(SEED ^ (17L * n + 5));
        float[] q = randomVector(rnd, n);
        float[][] rows = new float[6][];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(6L * 4 * n + 8, 1);
            seg.fill((byte) 0x7f);
            for (int r = 0; r < rows.length; r++) {
                rows[r] = randomVector(rnd, n);
                MemorySegment.copy(rows[r], 0, seg, ScalarKernels.LE_FLOAT, 3 + 4L * n * r, n);
            }
            int[] pick = {4, 0, 5, 2}; // out of order, one row skipped
            long[] at = new long[4];
            for (int i = 0; i < 4; i++) {
                at[i] = 3 + 4L * n * pick[i];
            }
            for (VectorKernels k : new VectorKernels[] {panama, scalar}) {
                float[] dots = new float[6];
                float[] squares = new float[6];
                k.dot4(q, seg, at[0], at[1], at[2], at[3], dots, 1);
                k.squareDistance4(q, seg, at[0], at[1], at[2], at[3], squares, 2);
                assertThat(dots[0]).as("slots before the output untouched").isZero();
                for (int i = 0; i < 4; i++) {
                    float[] row = rows[pick[i]];
                    String ctx = k.name() + " row " + pick[i] + " n=" + n + " seed=" + SEED;
                    double tol = TOLERANCE * magnitude(q, row, (x, y) -> x * y) + 1e-6;
                    assertThat((double) dots[1 + i])
                            .as("dot4 " + ctx)
                            .isCloseTo(refDot(q, row), org.assertj.core.data.Offset.offset(tol));
                    assertThat((double) squares[2 + i])
                            .as("squareDistance4 " + ctx)
                            .isCloseTo(
                                    refSquare(q, row),
                                    org.assertj.core.data.Offset.offset(TOLERANCE * refSquare(q, row) + 1e-6));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void eightRowKernelsMatchTheReferencePerRow(int n) {
        Random rnd = new Random(SEED ^ (31L * n + 7));
        float[] q = randomVector(rnd, n);
        float[][] rows = new float[10][];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(10L * 4 * n + 8, 1);
            seg.fill((byte) 0x7f);
            for (int r = 0; r < rows.length; r++) {
                rows[r] = randomVector(rnd, n);
                MemorySegment.copy(rows[r], 0, seg, ScalarKernels.LE_FLOAT, 5 + 4L * n * r, n);
            }
            int[] pick = {9, 0, 5, 2, 2, 7, 1, 8}; // out of order, one repeated, some skipped
            long[] at = new long[8];
            for (int i = 0; i < 8; i++) {
                at[i] = 5 + 4L * n * pick[i];
            }
            for (VectorKernels k : new VectorKernels[] {panama, scalar}) {
                float[] dots = new float[10];
                float[] squares = new float[10];
                k.dot8(q, seg, at, dots, 1);
                k.squareDistance8(q, seg, at, squares, 2);
                assertThat(dots[0]).as("slots before the output untouched").isZero();
                assertThat(dots[9]).as("slots after the output untouched").isZero();
                for (int i = 0; i < 8; i++) {
                    float[] row = rows[pick[i]];
                    String ctx = k.name() + " slot " + i + " n=" + n + " seed=" + SEED;
                    double tol = TOLERANCE * magnitude(q, row, (x, y) -> x * y) + 1e-6;
                    assertThat((double) dots[1 + i])
                            .as("dot8 " + ctx)
                            .isCloseTo(refDot(q, row), org.assertj.core.data.Offset.offset(tol));
                    assertThat((double) squares[2 + i])
                            .as("squareDistance8 " + ctx)
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
