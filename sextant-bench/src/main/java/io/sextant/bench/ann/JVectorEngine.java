package io.sextant.bench.ann;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * jvector 4.0.2 through its public API: vectors in a {@link ListRandomAccessVectorValues}, a
 * {@link GraphIndexBuilder} with {@code M}, {@code beamWidth = ef_construct}, the neighbour overflow
 * and alpha its README uses (1.2, 1.2), with the hierarchy (HNSW-style upper layers) on, built on a
 * fork-join pool of {@code threads}. Search is {@link GraphSearcher#search} with an exact score
 * provider, {@code topK = 10} and {@code rerankK = ef} (its beam width); filters are {@link Bits}
 * over the accepted ordinals. All on heap.
 */
final class JVectorEngine implements AnnEngine {
    private static final VectorTypeSupport VTS =
            VectorizationProvider.getInstance().getVectorTypeSupport();

    private RandomAccessVectorValues ravv;
    private ImmutableGraphIndex graph;
    private VectorSimilarityFunction sim;
    private ForkJoinPool pool;

    @Override
    public String name() {
        return "jvector";
    }

    @Override
    public String build(BuildSpec spec) throws Exception {
        Dataset data = spec.data();
        List<VectorFloat<?>> vectors = new ArrayList<>(data.base().length);
        for (float[] row : data.base()) {
            vectors.add(VTS.createFloatVector(AnnEngine.prepared(row, data.cosine())));
        }
        ravv = new ListRandomAccessVectorValues(vectors, data.dimension());
        sim = data.cosine() ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.EUCLIDEAN;
        BuildScoreProvider bsp = BuildScoreProvider.randomAccessScoreProvider(ravv, sim);
        pool = new ForkJoinPool(Math.max(1, spec.threads()));
        GraphIndexBuilder builder = new GraphIndexBuilder(
                bsp, data.dimension(), spec.m(), spec.efConstruct(), 1.2f, 1.2f, true, true, pool, pool);
        graph = builder.build(ravv);
        return "GraphIndexBuilder(M=" + spec.m() + ", beamWidth=" + spec.efConstruct()
                + ", overflow=1.2, alpha=1.2, hierarchy=true), max degrees " + graph.maxDegrees()
                + ", pool of " + pool.getParallelism() + ", vectorization "
                + VectorizationProvider.getInstance().getClass().getSimpleName();
    }

    @Override
    public boolean supportsFilter() {
        return true;
    }

    @Override
    public Object prepareFilter(Dataset.Filter filter) {
        BitSet accept = filter.accept();
        return (Bits) accept::get;
    }

    @Override
    public Searcher searcher() {
        GraphSearcher searcher = new GraphSearcher(graph);
        return (query, k, ef, prepared) -> {
            VectorFloat<?> q = VTS.createFloatVector(query);
            var ssp = DefaultSearchScoreProvider.exact(q, sim, ravv);
            Bits accept = prepared == null ? Bits.ALL : (Bits) prepared;
            SearchResult r = searcher.search(ssp, k, Math.max(k, ef), 0f, 0f, accept);
            SearchResult.NodeScore[] nodes = r.getNodes();
            int[] out = new int[nodes.length];
            for (int i = 0; i < nodes.length; i++) {
                out[i] = nodes[i].node;
            }
            return out;
        };
    }

    @Override
    public long offHeapBytes() {
        return 0;
    }

    @Override
    public void close() throws Exception {
        if (graph != null) {
            graph.close();
        }
        if (pool != null) {
            pool.shutdown();
        }
    }
}
