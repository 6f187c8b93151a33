package io.sextant.bench.sparse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Builds the file-backed Sextant indexes of the sparse bench. */
final class SparseBenchIndexes {
    private SparseBenchIndexes() {}

    static void addFileEngines(
            Bm25Corpus corpus, Path work, List<SparseIndexBench.Engine> engines, Map<String, String> sizes) {}
}
