package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.storage.SegmentWriter;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A merge of an indexed segment (with deletions) and an unindexed one: the merged graph starts from
 * the indexed segment's graph and searches as well as a graph built from scratch.
 */
class GraphDonorTest {
    private static final long SEED = 4_451L;
    private static final int DIM = 32;
    private static final int BIG = 3_000;
    private static final int SMALL = 600;
    private static final int REPLACED = 50;
    private static final Map<String, PayloadIndexSpec> SCHEMA =
            Map.of("k", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));

    @TempDir
    Path tmp;

    // full_scan_threshold 1 KB = 8 vectors of 128 bytes, so the "rare" value (a tenth) gets payload links
    private static VectorSpec spec(int m) {
        return new VectorSpec(DIM, Distance.COSINE, false, new HnswSpec(m, 48, 1, 1, false, null), null);
    }

    @Test
    void mergeStartsFromTheLargestSourcesGraphAndSearchesAsWellAsFromScratch() throws Exception {
        Map<String, VectorSpec> specs = Map.of("v", spec(8));
        float[][] data = clusters(BIG + SMALL + 300, new SplittableRandom(SEED));
        Segment big = immutable("big", specs, 0, BIG, 1, data, 0);
        Segment small = immutable("small", specs, BIG, SMALL, 2, data, BIG);
        Segment newer = immutable("newer", specs, 0, REPLACED, 3, data, BIG + SMALL); // newer versions of 0..49
        Segment merged = null;
        Segment scratch = null;
        try {
            big.attachGraph("v", SegmentIndexBuilder.buildGraph(big, "v", SCHEMA));
            Set<PointId> deleted = new HashSet<>();
            for (int i = 7; i < BIG; i += 10) { // a tenth of the indexed segment deleted
                big.delete(big.offsetOf(PointId.of(i)));
                if (i >= REPLACED) {
                    deleted.add(PointId.of(i));
                }
            }
            List<Segment> sources = List.of(small, big, newer);
            merged = merge("merged", specs, sources);
            scratch = merge("scratch", specs, sources);

            GraphDonor donor = GraphDonor.find(merged, "v", sources);
            assertThat(donor).isNotNull();
            assertThat(donor.source()).isSameAs(big);
            assertThat(donor.removed()).isEqualTo(BIG / 10 + REPLACED - REPLACED / 10);
            assertThat(donor.kept()).isEqualTo(BIG - donor.removed());
            SegmentIndexBuilder.BuildStats stats = new SegmentIndexBuilder.BuildStats();
            merged.attachGraph("v", SegmentIndexBuilder.buildGraph(merged, "v", SCHEMA, () -> false, stats, donor));
            assertThat(stats.donatedNodes).isEqualTo(donor.kept());
            assertThat(stats.insertedNodes).isEqualTo(merged.liveCount() - donor.kept());
            assertThat(stats.linkGroups).isPositive();
            SegmentIndexBuilder.BuildStats fresh = new SegmentIndexBuilder.BuildStats();
            scratch.attachGraph("v", SegmentIndexBuilder.buildGraph(scratch, "v", SCHEMA, () -> false, fresh, null));
            assertThat(fresh.donatedNodes).isZero();
            assertThat(fresh.insertedNodes).isEqualTo(scratch.liveCount());

            SearchParams ef = new SearchParams(10, false, false);
            List<float[]> queries = List.of(java.util.Arrays.copyOfRange(data, BIG + SMALL, data.length));
            double reused = recall(merged, queries, Filter.ALL, ef);
            double scratchRecall = recall(scratch, queries, Filter.ALL, ef);
            Filter rare = Filter.must(new Condition.MatchCondition("k", new Match.Value("rare")));
            double reusedRare = recall(merged, queries, rare, ef);
            double scratchRare = recall(scratch, queries, rare, ef);
            System.out.printf(
                    "recall@10 ef=10: reused %.4f, scratch %.4f; filtered reused %.4f, scratch %.4f (seed %d)%n",
                    reused, scratchRecall, reusedRare, scratchRare, SEED);
            assertThat(reused).as("seed %d", SEED).isGreaterThanOrEqualTo(scratchRecall - 0.01);
            assertThat(reusedRare).as("seed %d", SEED).isGreaterThanOrEqualTo(scratchRare - 0.01);

            SearchParams selfEf = new SearchParams(64, false, false);
            Segment m = merged;
            for (int o = 0; o < m.offsetLimit(); o++) {
                List<SegmentSearcher.Hit> hits = SegmentSearcher.search(
                        m, new SegmentSearcher.Request("v", m.vector(o, "v"), Filter.ALL, 10, null, selfEf));
                assertThat(deleted)
                        .doesNotContainAnyElementsOf(
                                hits.stream().map(h -> m.idAt(h.offset())).toList());
                int self = o;
                assertThat(hits)
                        .as("point %s finds itself (seed %d)", m.idAt(o), SEED)
                        .anyMatch(h -> h.offset() == self);
                List<SegmentSearcher.Hit> filtered = SegmentSearcher.search(
                        m, new SegmentSearcher.Request("v", m.vector(o, "v"), rare, 10, null, selfEf));
                assertThat(filtered).allMatch(h -> "rare"
                        .equals(m.payloadAt(h.offset()).path("k").asText()));
            }
        } finally {
            for (Segment s : new Segment[] {big, small, newer, merged, scratch}) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    @Test
    void noDonorForOtherGraphParametersOrTooManyMissingNodes() throws Exception {
        float[][] data = clusters(400, new SplittableRandom(SEED + 1));
        Segment m16 = immutable("m16", Map.of("v", spec(16)), 0, 200, 1, data, 0);
        m16.attachGraph("v", SegmentIndexBuilder.buildGraph(m16, "v", Map.of()));
        try {
            // 60 of 200 (30%) gone: the limit; 61 (30.5%): past it. m = 16 never matches the target's 8.
            for (int gone : new int[] {60, 61}) {
                Segment m8 = immutable("m8-" + gone, Map.of("v", spec(8)), 200, 200, 1, data, 200);
                Segment merged = null;
                try {
                    m8.attachGraph("v", SegmentIndexBuilder.buildGraph(m8, "v", Map.of()));
                    for (int i = 200; i < 200 + gone; i++) {
                        m8.delete(m8.offsetOf(PointId.of(i)));
                    }
                    merged = merge("merged-" + gone, Map.of("v", spec(8)), List.of(m16, m8));
                    GraphDonor donor = GraphDonor.find(merged, "v", List.of(m16, m8));
                    if (gone == 60) {
                        assertThat(donor).isNotNull();
                        assertThat(donor.source()).isSameAs(m8);
                    } else {
                        assertThat(donor).isNull();
                    }
                } finally {
                    m8.close();
                    if (merged != null) {
                        merged.close();
                    }
                }
            }
        } finally {
            m16.close();
        }
    }

    @Test
    void multivectorMergeReusesTheGraphAndFindsEveryPoint() throws Exception {
        VectorSpec multi = new VectorSpec(
                8,
                Distance.COSINE,
                false,
                new HnswSpec(8, 32, 1, 1, false, null),
                null,
                null,
                io.sextant.segment.config.MultiVectorComparator.MAX_SIM,
                null);
        Map<String, VectorSpec> specs = Map.of("v", multi);
        SplittableRandom rnd = new SplittableRandom(SEED + 2);
        Segment big = multiSegment("mbig", specs, 0, 300, rnd);
        Segment small = multiSegment("msmall", specs, 300, 60, rnd);
        Segment merged = null;
        try {
            big.attachGraph("v", SegmentIndexBuilder.buildGraph(big, "v", Map.of()));
            for (int i = 0; i < 300; i += 10) {
                big.delete(big.offsetOf(PointId.of(i)));
            }
            merged = merge("mmerged", specs, List.of(big, small));
            GraphDonor donor = GraphDonor.find(merged, "v", List.of(big, small));
            assertThat(donor).isNotNull();
            assertThat(donor.kept()).isEqualTo(270);
            SegmentIndexBuilder.BuildStats stats = new SegmentIndexBuilder.BuildStats();
            merged.attachGraph("v", SegmentIndexBuilder.buildGraph(merged, "v", Map.of(), () -> false, stats, donor));
            assertThat(stats.donatedNodes).isEqualTo(270);
            assertThat(stats.insertedNodes).isEqualTo(60);
            Segment m = merged;
            SearchParams ef = new SearchParams(64, false, false);
            for (int o = 0; o < m.offsetLimit(); o++) {
                int self = o;
                List<SegmentSearcher.Hit> hits = SegmentSearcher.search(
                        m, new SegmentSearcher.Request("v", m.vector(o, "v"), Filter.ALL, 10, null, ef));
                assertThat(hits).as("point %s (seed %d)", m.idAt(o), SEED).anyMatch(h -> h.offset() == self);
                assertThat(hits)
                        .allMatch(h -> ((PointId.Num) m.idAt(h.offset())).value() % 10 != 0
                                || ((PointId.Num) m.idAt(h.offset())).value() >= 300);
            }
        } finally {
            big.close();
            small.close();
            if (merged != null) {
                merged.close();
            }
        }
    }

    /** An immutable multivector segment: 1 to 3 unit vectors of 8 components per point. */
    private Segment multiSegment(
            String name, Map<String, VectorSpec> specs, int first, int count, SplittableRandom rnd) {
        Segment app = Segment.createAppendable(tmp.resolve(name + "-app"), specs);
        for (int i = 0; i < count; i++) {
            int inner = 1 + rnd.nextInt(3);
            float[] v = new float[inner * 8];
            for (int j = 0; j < inner; j++) {
                double norm = 0;
                for (int d = 0; d < 8; d++) {
                    v[j * 8 + d] = (float) rnd.nextGaussian();
                    norm += v[j * 8 + d] * v[j * 8 + d];
                }
                for (int d = 0; d < 8; d++) {
                    v[j * 8 + d] /= (float) Math.sqrt(norm);
                }
            }
            app.append(PointId.of(first + i), 1, Map.of("v", v), JsonNodeFactory.instance.objectNode());
        }
        app.flush(1);
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        for (int off = 0; off < app.offsetLimit(); off++) {
            refs.add(new SegmentWriter.PointRef(app, off));
        }
        SegmentWriter.write(tmp.resolve(name), specs, refs, 1);
        app.close();
        return Segment.open(tmp.resolve(name), specs, SCHEMA);
    }

    private Segment merge(String name, Map<String, VectorSpec> specs, List<Segment> sources) {
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        for (Segment s : sources) {
            for (var it = s.liveOffsetsById(null); it.hasNext(); ) {
                refs.add(new SegmentWriter.PointRef(s, it.nextInt()));
            }
        }
        SegmentWriter.write(tmp.resolve(name), specs, refs, 3);
        Segment seg = Segment.open(tmp.resolve(name), specs, SCHEMA);
        return seg;
    }

    /** An immutable segment of ids {@code first..first+count-1} with {@code data[from..]}. */
    private Segment immutable(
            String name, Map<String, VectorSpec> specs, int first, int count, long version, float[][] data, int from) {
        Segment app = Segment.createAppendable(tmp.resolve(name + "-app"), specs);
        JsonNodeFactory json = JsonNodeFactory.instance;
        for (int i = 0; i < count; i++) {
            ObjectNode payload = json.objectNode();
            int id = first + i;
            payload.put("k", id % 10 == 3 ? "rare" : "common" + (id % 2));
            app.append(PointId.of(id), version, Map.of("v", data[from + i]), payload);
        }
        app.flush(version);
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        for (int off = 0; off < app.offsetLimit(); off++) {
            refs.add(new SegmentWriter.PointRef(app, off));
        }
        SegmentWriter.write(tmp.resolve(name), specs, refs, version);
        app.close();
        return Segment.open(tmp.resolve(name), specs, SCHEMA);
    }

    /** Recall@10 of the graph search against an exact search with the same filter. */
    private static double recall(Segment seg, List<float[]> queries, Filter filter, SearchParams params) {
        SearchParams exact = new SearchParams(null, true, false);
        long found = 0;
        long total = 0;
        for (float[] q : queries) {
            Set<Integer> truth = new HashSet<>();
            for (SegmentSearcher.Hit h :
                    SegmentSearcher.search(seg, new SegmentSearcher.Request("v", q, filter, 10, null, exact))) {
                truth.add(h.offset());
            }
            for (SegmentSearcher.Hit h :
                    SegmentSearcher.search(seg, new SegmentSearcher.Request("v", q, filter, 10, null, params))) {
                found += truth.contains(h.offset()) ? 1 : 0;
            }
            total += truth.size();
        }
        return (double) found / total;
    }

    /** Unit vectors around 300 random centres. */
    private static float[][] clusters(int n, SplittableRandom rnd) {
        float[][] centres = new float[300][DIM];
        for (float[] c : centres) {
            for (int d = 0; d < DIM; d++) {
                c[d] = (float) rnd.nextGaussian();
            }
        }
        float[][] out = new float[n][DIM];
        for (float[] v : out) {
            float[] c = centres[rnd.nextInt(centres.length)];
            double norm = 0;
            for (int d = 0; d < DIM; d++) {
                v[d] = c[d] + (float) (rnd.nextGaussian() * 0.4);
                norm += v[d] * v[d];
            }
            for (int d = 0; d < DIM; d++) {
                v[d] /= (float) Math.sqrt(norm);
            }
        }
        return out;
    }
}
