package io.sextant.bench.ann;

import io.sextant.index.MemorySegmentScorerSupplier;
import io.sextant.index.VectorScorer;
import io.sextant.index.hnsw.FilterTraversal;
import io.sextant.index.hnsw.HnswConfig;
import io.sextant.index.hnsw.HnswGraphBuilder;
import io.sextant.index.hnsw.HnswGraphWriter;
import io.sextant.index.hnsw.HnswSearcher;
import io.sextant.index.hnsw.MmapHnswGraph;
import io.sextant.index.hnsw.OnHeapHnswGraph;
import io.sextant.index.hnsw.SearchResult;
import io.sextant.vector.Distance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sextant's HNSW ({@code sextant-index}) as the engine serves it: vectors in an off-heap segment,
 * the graph built with all build threads, written to its versioned file and searched memory-mapped.
 * Filtered search follows the engine's planner: a filter matching fewer than {@code
 * full_scan_threshold} (Qdrant's 10,000 KB of vectors) is served by exact search over the matching
 * ordinals, a larger one by graph search with the accept-set ({@link FilterTraversal#TWO_HOP}) on a
 * second graph file that also carries payload links ({@code payload_m = m}) for every keyword value
 * above the threshold, as Qdrant's filterable HNSW does. Unfiltered runs use the graph without
 * payload links, so they compare like for like with the peers; the payload link time is reported
 * separately.
 */
final class SextantEngine implements AnnEngine {
    static final int FULL_SCAN_THRESHOLD_KB = 10_000;

    private Arena arena;
    private MemorySegmentScorerSupplier vectors;
    private MmapHnswGraph graph;
    private MmapHnswGraph filterGraph;
    private int fullScanThreshold;
    private double payloadSeconds;
    private int dimension;
    private int size;

    @Override
    public String name() {
        return "sextant";
    }

    @Override
    public String build(BuildSpec spec) throws Exception {
        Dataset data = spec.data();
        dimension = data.dimension();
        size = data.base().length;
        arena = Arena.ofShared();
        MemorySegment rows = arena.allocate((long) size * dimension * Float.BYTES, 64);
        ValueLayout.OfFloat le = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size; i++) {
            float[] v = AnnEngine.prepared(data.base()[i], data.cosine());
            MemorySegment.copy(v, 0, rows, le, (long) i * dimension * Float.BYTES, dimension);
        }
        Distance distance = data.cosine() ? Distance.COSINE : Distance.EUCLID;
        vectors = new MemorySegmentScorerSupplier(rows, dimension, size, distance);
        HnswConfig config = HnswConfig.defaults()
                .withM(spec.m())
                .withEfConstruct(spec.efConstruct())
                .withMaxIndexingThreads(spec.threads());
        HnswGraphBuilder builder = new HnswGraphBuilder(vectors, config);
        OnHeapHnswGraph built = builder.build();
        var file = spec.workDir().resolve("sextant.hnsw");
        HnswGraphWriter.write(built, file);
        graph = MmapHnswGraph.open(file);
        // Everything after this point is not part of the reported build time.
        long t0 = System.nanoTime();
        fullScanThreshold = (int) ((long) FULL_SCAN_THRESHOLD_KB * 1024 / ((long) dimension * Float.BYTES));
        int linkedValues = 0;
        if (!data.filters().isEmpty()) {
            for (Map.Entry<String, String[]> field : data.keywords().entrySet()) {
                for (int[] block : valueBlocks(field.getValue())) {
                    if (block.length >= fullScanThreshold) {
                        builder.addSubgraphLinks(block, spec.m());
                        linkedValues++;
                    }
                }
            }
            var linked = spec.workDir().resolve("sextant-payload.hnsw");
            HnswGraphWriter.write(builder.graph(), linked);
            filterGraph = MmapHnswGraph.open(linked);
        }
        payloadSeconds = (System.nanoTime() - t0) / 1e9;
        return "mmap graph + off-heap vectors; m=" + config.m() + " ef_construct=" + config.efConstruct()
                + " build threads=" + config.resolvedThreads() + "; payload links on " + linkedValues
                + " keyword values, full_scan_threshold=" + fullScanThreshold + " vectors";
    }

    private static List<int[]> valueBlocks(String[] column) {
        Map<String, List<Integer>> byValue = new HashMap<>();
        for (int i = 0; i < column.length; i++) {
            byValue.computeIfAbsent(column[i], v -> new ArrayList<>()).add(i);
        }
        List<int[]> blocks = new ArrayList<>();
        for (List<Integer> ords : byValue.values()) {
            blocks.add(ords.stream().mapToInt(Integer::intValue).toArray());
        }
        return blocks;
    }

    @Override
    public double extraBuildSeconds() {
        return payloadSeconds;
    }

    @Override
    public boolean supportsFilter() {
        return true;
    }

    /** The planner's decision for one filter. */
    private record Plan(BitSet accept, int[] ordinals, boolean exact) {}

    @Override
    public Object prepareFilter(Dataset.Filter filter) {
        BitSet accept = filter.accept();
        boolean exact = accept.cardinality() < fullScanThreshold;
        return new Plan(accept, exact ? accept.stream().toArray() : null, exact);
    }

    @Override
    public Searcher searcher() {
        HnswSearcher plain = new HnswSearcher(graph);
        HnswSearcher filtered = filterGraph == null ? null : new HnswSearcher(filterGraph);
        return (query, k, ef, prepared) -> {
            VectorScorer scorer = vectors.queryScorer(query);
            if (prepared == null) {
                return plain.search(scorer, k, ef, null).ordinals();
            }
            Plan plan = (Plan) prepared;
            if (plan.exact()) {
                return exactTopK(scorer, plan.ordinals(), k);
            }
            BitSet accept = plan.accept();
            SearchResult r = filtered.search(scorer, k, ef, accept::get, FilterTraversal.TWO_HOP);
            return r.ordinals();
        };
    }

    /** Exact top-k over the accepted ordinals, kept in a small sorted array (k is small). */
    private static int[] exactTopK(VectorScorer scorer, int[] ordinals, int k) {
        int[] ords = new int[k];
        float[] scores = new float[k];
        int n = 0;
        for (int ord : ordinals) {
            float s = scorer.score(ord);
            if (n == k && s <= scores[k - 1]) {
                continue;
            }
            int i = n == k ? k - 1 : n++;
            while (i > 0 && scores[i - 1] < s) {
                scores[i] = scores[i - 1];
                ords[i] = ords[i - 1];
                i--;
            }
            scores[i] = s;
            ords[i] = ord;
        }
        return n == k ? ords : java.util.Arrays.copyOf(ords, n);
    }

    @Override
    public long offHeapBytes() {
        return (long) size * dimension * Float.BYTES + (graph == null ? 0 : graph.byteSize());
    }

    @Override
    public void close() throws Exception {
        if (graph != null) {
            graph.close();
            Files.deleteIfExists(graph.path());
        }
        if (filterGraph != null) {
            filterGraph.close();
            Files.deleteIfExists(filterGraph.path());
        }
        if (arena != null) {
            arena.close();
        }
    }
}
