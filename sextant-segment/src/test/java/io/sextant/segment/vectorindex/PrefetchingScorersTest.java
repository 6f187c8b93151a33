package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.index.VectorScorer;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.MultiVectorComparator;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.Distance;
import io.sextant.vector.quant.QuantizerSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph-walk scorers over quantized codes touch every neighbour's codes before scoring them
 * ({@link QuantizedVectors#touch}): their bulk scores must equal the one-by-one scores exactly.
 */
class PrefetchingScorersTest {
    private static final int DIM = 24;

    @TempDir
    Path dir;

    private static float[] vectors(SplittableRandom rnd, int count) {
        float[] v = new float[count * DIM];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() - 0.5);
        }
        return v;
    }

    private static void assertBulkEqualsSingle(VectorScorer scorer, int n, SplittableRandom rnd) {
        int[] ords = new int[64];
        float[] out = new float[64];
        for (int round = 0; round < 50; round++) {
            int count = rnd.nextInt(ords.length + 1);
            for (int i = 0; i < count; i++) {
                ords[i] = rnd.nextInt(n);
            }
            scorer.bulkScore(ords, count, out);
            for (int i = 0; i < count; i++) {
                float single = scorer.score(ords[i]);
                // equal up to rounding: a kernel run by the Vector API's Java fallback (before C2
                // compiles it) may sum lanes in another order than the intrinsic, and a multivector
                // score adds one such sum per query vector: a few ulp apart (3 seen), never more than
                // 1e-5 relative
                assertThat(out[i])
                        .as("ordinal %d", ords[i])
                        .isCloseTo(
                                single, org.assertj.core.api.Assertions.within(1e-5f * Math.max(1f, Math.abs(single))));
            }
        }
    }

    @Test
    void singleVectorCodes() {
        SplittableRandom rnd = new SplittableRandom(11);
        VectorSpec spec =
                new VectorSpec(DIM, Distance.DOT, false, HnswSpec.DEFAULT, new QuantizerSpec.Scalar(0.99f, true), null);
        Segment seg = Segment.createAppendable(dir, Map.of("", spec));
        int n = 300;
        for (int i = 0; i < n; i++) {
            seg.append(PointId.of(i), 1, Map.of("", vectors(rnd, 1)), null);
        }
        QuantizedVectors codes = SegmentIndexBuilder.buildCodes(seg, "");
        VectorScorer scorer = codes.prefetchingScorer(vectors(rnd, 1));
        assertBulkEqualsSingle(scorer, n, rnd);
        assertThat(codes.touch(n - 1, 5))
                .as("a range past the end is cut, not read")
                .isNotNull();
        seg.close();
    }

    @Test
    void multivectorCodes() {
        SplittableRandom rnd = new SplittableRandom(12);
        VectorSpec spec = new VectorSpec(
                DIM,
                Distance.COSINE,
                false,
                HnswSpec.DEFAULT,
                new QuantizerSpec.Scalar(0.99f, true),
                null,
                MultiVectorComparator.MAX_SIM,
                null);
        Segment seg = Segment.createAppendable(dir, Map.of("", spec));
        int n = 200;
        for (int i = 0; i < n; i++) {
            seg.append(PointId.of(i), 1, Map.of("", vectors(rnd, 1 + rnd.nextInt(5))), null);
        }
        QuantizedVectors codes = SegmentIndexBuilder.buildCodes(seg, "");
        VectorScorer scorer = MultiVectorScorers.quantized(seg, "", codes, vectors(rnd, 3));
        assertBulkEqualsSingle(scorer, n, rnd);
        seg.close();
    }
}
