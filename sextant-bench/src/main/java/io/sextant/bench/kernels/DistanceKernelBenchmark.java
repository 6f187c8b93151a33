package io.sextant.bench.kernels;

import io.sextant.vector.PanamaKernels;
import io.sextant.vector.ScalarKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds per distance for one query/vector pair, for dot product and squared L2 at the
 * common embedding sizes, comparing:
 *
 * <ul>
 *   <li>{@code *PlainLoop}: the peer, a textbook loop written right here (what a naive Java
 *       implementation does; C2 does not vectorize a float reduction because that would change
 *       rounding),
 *   <li>{@code *Scalar}: {@link ScalarKernels}, the fall-back,
 *   <li>{@code *PanamaArray}: {@link PanamaKernels} on heap arrays,
 *   <li>{@code *PanamaSegment}: {@link PanamaKernels} against little-endian floats in an off-heap
 *       {@link MemorySegment}, the way memory-mapped vector storage is read.
 * </ul>
 *
 * <p>Data is L1-resident, so this measures the arithmetic, not memory bandwidth. Run with {@code
 * bin/bench kernels}; the forked JVM needs {@code --add-modules=jdk.incubator.vector}. Each JMH
 * thread has its own state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class DistanceKernelBenchmark {
    private static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Param({"128", "384", "768", "1536"})
    public int dim;

    private float[] a;
    private float[] b;
    private Arena arena;
    private MemorySegment bSegment;
    private final ScalarKernels scalar = new ScalarKernels();
    private final PanamaKernels panama = new PanamaKernels();

    @Setup(Level.Trial)
    public void setUp() {
        Random rnd = new Random(42 + dim);
        a = new float[dim];
        b = new float[dim];
        for (int i = 0; i < dim; i++) {
            a[i] = rnd.nextFloat() * 2 - 1;
            b[i] = rnd.nextFloat() * 2 - 1;
        }
        arena = Arena.ofShared();
        bSegment = arena.allocate(4L * dim, 64);
        MemorySegment.copy(b, 0, bSegment, LE_FLOAT, 0, dim);
        float check = panama.dot(a, bSegment, 0);
        if (Math.abs(check - dotPlain(a, b)) > 1e-3f * dim) {
            throw new IllegalStateException("segment kernel disagrees: " + check + " vs " + dotPlain(a, b));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float dotPlainLoop() {
        return dotPlain(a, b);
    }

    @Benchmark
    public float dotScalar() {
        return scalar.dot(a, b);
    }

    @Benchmark
    public float dotPanamaArray() {
        return panama.dot(a, b);
    }

    @Benchmark
    public float dotPanamaSegment() {
        return panama.dot(a, bSegment, 0);
    }

    @Benchmark
    public float l2PlainLoop() {
        float[] x = a;
        float[] y = b;
        float s = 0;
        for (int i = 0; i < x.length; i++) {
            float d = x[i] - y[i];
            s += d * d;
        }
        return s;
    }

    @Benchmark
    public float l2Scalar() {
        return scalar.squareDistance(a, b);
    }

    @Benchmark
    public float l2PanamaArray() {
        return panama.squareDistance(a, b);
    }

    @Benchmark
    public float l2PanamaSegment() {
        return panama.squareDistance(a, bSegment, 0);
    }

    private static float dotPlain(float[] x, float[] y) {
        float s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
