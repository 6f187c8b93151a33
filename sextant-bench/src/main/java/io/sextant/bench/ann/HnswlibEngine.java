package io.sextant.bench.ann;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * hnswlib-core 1.2.1 (jelmerk) through its public API: {@code HnswIndex.newBuilder(dim, distance,
 * n).withM(M).withEfConstruction(ef_construct)}, items added with {@code addAll(items, threads,
 * ...)}, searched with {@code findNearest(vector, k)} after {@code setEf(ef)}. Cosine uses
 * {@code FLOAT_INNER_PRODUCT} on normalized vectors, Euclidean {@code FLOAT_EUCLIDEAN_DISTANCE}.
 * The library has no filtered search, so filtered runs are n/a. All on heap.
 */
final class HnswlibEngine implements AnnEngine {

    /** One indexed row. */
    record Row(Integer id, float[] vector) implements Item<Integer, float[]> {
        @Override
        public int dimensions() {
            return vector.length;
        }
    }

    private HnswIndex<Integer, float[], Row, Float> index;

    @Override
    public String name() {
        return "hnswlib";
    }

    @Override
    public String build(BuildSpec spec) throws Exception {
        Dataset data = spec.data();
        int n = data.base().length;
        index = HnswIndex.newBuilder(
                        data.dimension(),
                        data.cosine()
                                ? DistanceFunctions.FLOAT_INNER_PRODUCT
                                : DistanceFunctions.FLOAT_EUCLIDEAN_DISTANCE,
                        n)
                .withM(spec.m())
                .withEfConstruction(spec.efConstruct())
                .withEf(10)
                .build();
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(new Row(i, AnnEngine.prepared(data.base()[i], data.cosine())));
        }
        int threads = Math.max(1, spec.threads());
        index.addAll(rows, threads, (done, max) -> {}, Integer.MAX_VALUE);
        return "HnswIndex(M=" + spec.m() + ", efConstruction=" + spec.efConstruct() + "), addAll with " + threads
                + " threads; no filtered search in the API";
    }

    @Override
    public boolean supportsFilter() {
        return false;
    }

    @Override
    public Object prepareFilter(Dataset.Filter filter) {
        throw new UnsupportedOperationException("hnswlib-core 1.2.1 has no filtered search");
    }

    @Override
    public Searcher searcher() {
        return (query, k, ef, prepared) -> {
            if (index.getEf() != ef) {
                index.setEf(ef);
            }
            List<SearchResult<Row, Float>> found = index.findNearest(query, k);
            int[] out = new int[found.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = found.get(i).item().id();
            }
            return out;
        };
    }

    @Override
    public long offHeapBytes() {
        return 0;
    }

    @Override
    public void close() {}
}
