package io.sextant.server.snapshot;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.Collection;
import io.sextant.segment.PointId;
import io.sextant.segment.ops.PointOperation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Measures how long writes are blocked by an action (a snapshot): a writer thread upserts one
 * point at a time with {@code wait=true} into the collection, back to back, and records when each
 * upsert started and how long it took. {@link #around} runs the action on the calling thread
 * while the writer runs; the result separates the upserts that overlapped the action from the
 * ones before it (the baseline). The probe overwrites existing points (ids cycle through {@code
 * 0..idRange-1}, payload {@code {"probe": true}}), so the collection's size is unchanged. For
 * benchmarks only; one probe per measurement, not thread-safe.
 */
public final class WritePauseProbe {
    /** What the writer saw: latencies in ms before and during the action, and how long it ran. */
    public record Result<T>(T value, double actionMs, double[] baselineMs, double[] duringMs) {
        public double maxDuringMs() {
            return Arrays.stream(duringMs).max().orElse(0);
        }

        public double maxBaselineMs() {
            return Arrays.stream(baselineMs).max().orElse(0);
        }

        public double p50BaselineMs() {
            if (baselineMs.length == 0) {
                return 0;
            }
            double[] s = baselineMs.clone();
            Arrays.sort(s);
            return s[s.length / 2];
        }
    }

    private final Collection collection;
    private final int dim;
    private final long idRange;

    public WritePauseProbe(Collection collection, int dim, long idRange) {
        this.collection = collection;
        this.dim = dim;
        this.idRange = idRange;
    }

    /**
     * Writes for {@code baselineMs} to learn the normal latency, then runs {@code action} while
     * writing on, then stops the writer once the action has returned and the blocked upsert (if
     * any) has completed.
     */
    public <T> Result<T> around(long baselineMs, Supplier<T> action) throws InterruptedException {
        List<long[]> samples = new ArrayList<>(); // {startNanos, durationNanos}
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = Thread.ofPlatform().name("write-pause-probe").start(() -> {
            SplittableRandom rnd = new SplittableRandom(7);
            long id = 0;
            while (!stop.get()) {
                float[] v = new float[dim];
                for (int k = 0; k < dim; k++) {
                    v[k] = (float) rnd.nextDouble(-1, 1);
                }
                var p = new PointOperation.PointStruct(
                        PointId.of(id++ % idRange),
                        Map.of("", v),
                        JsonNodeFactory.instance.objectNode().put("probe", true));
                long t0 = System.nanoTime();
                collection.update(new PointOperation.Upsert(List.of(p)), true);
                long t1 = System.nanoTime();
                synchronized (samples) {
                    samples.add(new long[] {t0, t1 - t0});
                }
            }
        });
        Thread.sleep(baselineMs);
        long a0 = System.nanoTime();
        T value = action.get();
        long a1 = System.nanoTime();
        Thread.sleep(50); // let the upsert that was blocked at the end complete and be recorded
        stop.set(true);
        writer.join();
        List<Double> before = new ArrayList<>();
        List<Double> during = new ArrayList<>();
        synchronized (samples) {
            for (long[] s : samples) {
                double ms = s[1] / 1e6;
                if (s[0] + s[1] < a0) {
                    before.add(ms);
                } else if (s[0] <= a1) {
                    during.add(ms);
                }
            }
        }
        return new Result<>(value, (a1 - a0) / 1e6, toArray(before), toArray(during));
    }

    private static double[] toArray(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
