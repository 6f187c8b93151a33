package io.sextant.segment.storage;

import io.sextant.segment.storage.Segment.PlacedBytes;
import io.sextant.segment.vectorindex.QuantizedVectors;
import io.sextant.segment.vectorindex.SegmentGraph;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link Segment#placedBytes} and {@link Segment#sparseIndexPlacedBytes}: how much of each read-only
 * component of a segment (vectors, graph, quantized codes, sparse index) is resident in RAM and
 * whether it is mapped or pinned. For tests and diagnostics. Stateless.
 */
final class SegmentFootprint {

    private SegmentFootprint() {}

    static Map<String, PlacedBytes> placedBytes(Segment s, String name) {
        Map<String, PlacedBytes> out = new TreeMap<>();
        DenseVectorStore stored = s.vectors.get(name);
        MmapVectorStorage v = stored instanceof MultiVectorStorage m ? m.inner() : (MmapVectorStorage) stored;
        if (v != null && s.immutable()) {
            out.put("vectors", new PlacedBytes(v.bytes(), v.residentBytes(), v.mapped()));
        }
        SegmentGraph g = s.graphs.get(name);
        if (g != null) {
            out.put(
                    "graph",
                    new PlacedBytes(
                            g.graph().byteSize(),
                            g.graph().residentBytes(),
                            g.graph().mapped()));
        }
        QuantizedVectors q = s.quantized.get(name);
        if (q != null) {
            out.put(
                    "quantized",
                    new PlacedBytes(
                            q.bytes(),
                            io.sextant.index.memory.PlacedFiles.residentBytes(q.codes()),
                            q.codes().isMapped()));
        }
        return out;
    }

    static PlacedBytes sparseIndexPlacedBytes(Segment s, String name) {
        return s.sparseIndexes.get(name) instanceof io.sextant.index.sparse.MmapSparseIndex idx
                ? new PlacedBytes(idx.byteSize(), idx.residentBytes(), idx.onDisk())
                : null;
    }
}
