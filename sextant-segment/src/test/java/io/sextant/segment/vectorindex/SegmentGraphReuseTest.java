package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.index.hnsw.HnswGraph;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.storage.SegmentWriter;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A payload index created after a segment's graph was built: the rebuild copies the existing graph
 * and adds only the new field's links (every old link kept, the new value's points connected among
 * themselves), instead of building the graph again.
 */
class SegmentGraphReuseTest {
    private static final long SEED = 91_731L;
    private static final int N = 1_500;
    private static final int DIM = 16;

    @TempDir
    Path tmp;

    @Test
    void aLaterPayloadIndexAddsLinksToTheExistingGraph() throws Exception {
        // full_scan_threshold 1 KB = 16 vectors of 64 bytes, so a value with 150 points gets links
        VectorSpec spec = new VectorSpec(DIM, Distance.COSINE, false, new HnswSpec(8, 32, 1, 1, false, null), null);
        Map<String, VectorSpec> specs = Map.of("v", spec);
        Segment app = Segment.createAppendable(tmp.resolve("app"), specs);
        SplittableRandom rnd = new SplittableRandom(SEED);
        JsonNodeFactory json = JsonNodeFactory.instance;
        for (int i = 0; i < N; i++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
            ObjectNode payload = json.objectNode();
            payload.put("k", i % 10 == 3 ? "rare" : "common" + (i % 2));
            app.append(PointId.of(i), 1, Map.of("v", v), payload);
        }
        app.flush(1);
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        for (int off = 0; off < app.offsetLimit(); off++) {
            refs.add(new SegmentWriter.PointRef(app, off));
        }
        SegmentWriter.write(tmp.resolve("imm"), specs, refs, 1);
        app.close();
        Segment seg = Segment.open(tmp.resolve("imm"), specs, Map.of());
        try {
            seg.attachGraph("v", SegmentIndexBuilder.buildGraph(seg, "v", Map.of()));
            HnswGraph before = seg.graph("v").graph();
            int[][] oldLinks = new int[N][];
            int[] buf = new int[256];
            for (int o = 0; o < N; o++) {
                oldLinks[o] = java.util.Arrays.copyOf(buf, before.neighbors(0, o, buf));
            }
            int oldEntry = before.entryPoint();

            Map<String, PayloadIndexSpec> schema = Map.of("k", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));
            seg.createIndex("k", schema.get("k"));
            assertThat(SegmentIndexBuilder.staleGraph(seg, "v", schema)).isTrue();
            SegmentIndexBuilder.BuildStats stats = new SegmentIndexBuilder.BuildStats();
            seg.attachGraph("v", SegmentIndexBuilder.buildGraph(seg, "v", schema, () -> false, stats));

            assertThat(stats.reusedGraph).isTrue();
            assertThat(stats.linkGroups).isEqualTo(1); // "rare" (150 points); the "common" halves are too dense
            assertThat(SegmentIndexBuilder.staleGraph(seg, "v", schema)).isFalse();
            HnswGraph after = seg.graph("v").graph();
            assertThat(after.entryPoint()).isEqualTo(oldEntry);
            BitSet rare = new BitSet();
            for (int o = 0; o < N; o++) {
                if (((PointId.Num) seg.idAt(o)).value() % 10 == 3) {
                    rare.set(o);
                }
            }
            for (int o = 0; o < N; o++) {
                int[] now = java.util.Arrays.copyOf(buf, after.neighbors(0, o, buf));
                assertThat(now).as("node %d keeps its links (seed %d)", o, SEED).contains(oldLinks[o]);
            }
            // the rare value's points are connected through rare points alone
            int start = rare.nextSetBit(0);
            BitSet seen = new BitSet();
            ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(start));
            seen.set(start);
            while (!queue.isEmpty()) {
                int node = queue.poll();
                int count = after.neighbors(0, node, buf);
                for (int i = 0; i < count; i++) {
                    if (rare.get(buf[i]) && !seen.get(buf[i])) {
                        seen.set(buf[i]);
                        queue.add(buf[i]);
                    }
                }
            }
            assertThat(seen.cardinality()).as("seed %d", SEED).isEqualTo(rare.cardinality());
        } finally {
            seg.close();
        }
    }
}
