package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.index.hnsw.HnswGraph;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.storage.SegmentWriter;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vectors kept in RAM and larger than {@link SegmentIndexBuilder#HUGE_PAGE_COPY_MIN_MB} are read by
 * the build from a huge-page copy; the graph must be the one the segment's own mapping gives (one
 * build thread, same bytes, so the same graph link for link). Vectors kept on disk are read in place.
 */
class SegmentIndexBuilderHugePagesTest {
    private static final long SEED = 3_141_007L;
    private static final int N = 1_100;
    private static final int DIM = 4_096; // 1,100 x 16 KB = 17.2 MB, over the 16 MB threshold

    @TempDir
    Path tmp;

    @Test
    void aHugePageCopyBuildsTheGraphTheMappingBuilds() throws Exception {
        float[][] data = new float[N][DIM];
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (float[] v : data) {
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
        }
        SegmentIndexBuilder.BuildStats inRam = new SegmentIndexBuilder.BuildStats();
        SegmentIndexBuilder.BuildStats onDisk = new SegmentIndexBuilder.BuildStats();
        int[][] copied = build(data, false, inRam, "ram");
        int[][] mapped = build(data, true, onDisk, "disk");
        assertThat(inRam.hugePageCopyBytes).isEqualTo((long) N * DIM * Float.BYTES);
        assertThat(onDisk.hugePageCopyBytes).isZero();
        for (int o = 0; o < N; o++) {
            assertThat(copied[o]).as("links of %d, seed %d", o, SEED).containsExactly(mapped[o]);
        }
    }

    /** Builds the graph of {@code data} in a new immutable segment; returns every node's level-0 links. */
    private int[][] build(float[][] data, boolean onDiskVectors, SegmentIndexBuilder.BuildStats stats, String dir)
            throws Exception {
        VectorSpec spec =
                new VectorSpec(DIM, Distance.COSINE, onDiskVectors, new HnswSpec(8, 32, 1, 1, false, null), null);
        Map<String, VectorSpec> specs = Map.of("v", spec);
        Segment app = Segment.createAppendable(tmp.resolve(dir + "-app"), specs);
        for (int i = 0; i < data.length; i++) {
            app.append(PointId.of(i), 1, Map.of("v", data[i]), JsonNodeFactory.instance.objectNode());
        }
        app.flush(1);
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        for (int off = 0; off < app.offsetLimit(); off++) {
            refs.add(new SegmentWriter.PointRef(app, off));
        }
        SegmentWriter.write(tmp.resolve(dir), specs, refs, 1);
        app.close();
        Segment seg = Segment.open(tmp.resolve(dir), specs, Map.of());
        try {
            seg.attachGraph("v", SegmentIndexBuilder.buildGraph(seg, "v", Map.of(), () -> false, stats));
            HnswGraph g = seg.graph("v").graph();
            int[][] links = new int[N][];
            int[] buf = new int[64];
            for (int o = 0; o < N; o++) {
                links[o] = Arrays.copyOf(buf, g.neighbors(0, o, buf));
            }
            return links;
        } finally {
            seg.close();
        }
    }
}
