package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.sextant.index.VectorScorer;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.MultiVectorComparator;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.Distance;
import io.sextant.vector.MaxSim;
import io.sextant.vector.quant.OrdinalScorer;
import io.sextant.vector.quant.QuantizerSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The max_sim scorers of a segment's multivectors: the exact scorer against {@link MaxSim} on the
 * stored vectors, the int8 scorer against per-query code scorers (each query's best over the
 * point's vectors, summed), for points of one to five vectors and queries of one to six. A guard
 * for any faster scoring of either (a trial that scored one-vector points by the summed query was
 * measured, gained nothing through the server, and was reverted).
 */
class MultiVectorScorersTest {
    private static final int DIM = 37;

    @TempDir
    Path dir;

    private static float[] vectors(SplittableRandom rnd, int count) {
        float[] v = new float[count * DIM];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() - 0.5);
        }
        return v;
    }

    private static Segment segment(Path dir, Distance d, SplittableRandom rnd, int n) {
        VectorSpec spec = new VectorSpec(
                DIM,
                d,
                false,
                HnswSpec.DEFAULT,
                new QuantizerSpec.Scalar(0.99f, true),
                null,
                MultiVectorComparator.MAX_SIM,
                null);
        Segment seg = Segment.createAppendable(dir.resolve(d.name()), Map.of("", spec));
        for (int i = 0; i < n; i++) {
            seg.append(PointId.of(i), 1, Map.of("", vectors(rnd, 1 + rnd.nextInt(5))), null);
        }
        return seg;
    }

    @Test
    void exactScorerIsMaxSimOfTheStoredVectors() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (Distance d : new Distance[] {Distance.DOT, Distance.COSINE, Distance.EUCLID}) {
            Segment seg = segment(dir, d, rnd, 120);
            for (int qn = 1; qn <= 6; qn++) {
                float[] query = vectors(rnd, qn);
                if (d == Distance.COSINE) {
                    normalizeEach(query);
                }
                VectorScorer scorer = MultiVectorScorers.exact(seg, "", query);
                for (int off = 0; off < 120; off++) {
                    float[] stored = seg.scoringVector(off, "");
                    float want = MaxSim.score(d, query, stored, DIM);
                    assertThat(scorer.score(off))
                            .as("%s, %d query vectors, offset %d", d, qn, off)
                            .isCloseTo(want, offset(1e-4f * Math.max(1f, Math.abs(want))));
                }
            }
            seg.close();
        }
    }

    @Test
    void int8ScorerIsMaxSimOverPerQueryCodeScores() {
        SplittableRandom rnd = new SplittableRandom(22);
        for (Distance d : new Distance[] {Distance.DOT, Distance.COSINE, Distance.EUCLID}) {
            Segment seg = segment(dir, d, rnd, 120);
            QuantizedVectors codes = SegmentIndexBuilder.buildCodes(seg, "");
            for (int qn = 1; qn <= 6; qn++) {
                float[] query = vectors(rnd, qn);
                if (d == Distance.COSINE) {
                    normalizeEach(query);
                }
                OrdinalScorer[] each = new OrdinalScorer[qn];
                for (int k = 0; k < qn; k++) {
                    each[k] = codes.scorer(java.util.Arrays.copyOfRange(query, k * DIM, (k + 1) * DIM));
                }
                VectorScorer scorer = MultiVectorScorers.quantized(seg, "", codes, query);
                for (int off = 0; off < 120; off++) {
                    long first = seg.multiVectors("").start(off);
                    int count = seg.multiVectors("").count(off);
                    double want = 0;
                    for (OrdinalScorer s : each) {
                        float best = Float.NEGATIVE_INFINITY;
                        for (int j = 0; j < count; j++) {
                            best = Math.max(best, s.score((int) (first + j)));
                        }
                        want += best;
                    }
                    assertThat((double) scorer.score(off))
                            .as("%s, %d query vectors, offset %d (%d vectors)", d, qn, off, count)
                            .isCloseTo(want, offset(1e-4 * Math.max(1, Math.abs(want))));
                }
            }
            seg.close();
        }
    }

    private static void normalizeEach(float[] v) {
        for (int from = 0; from < v.length; from += DIM) {
            double n = 0;
            for (int i = from; i < from + DIM; i++) {
                n += v[i] * v[i];
            }
            float inv = (float) (1 / Math.sqrt(n));
            for (int i = from; i < from + DIM; i++) {
                v[i] *= inv;
            }
        }
    }
}
