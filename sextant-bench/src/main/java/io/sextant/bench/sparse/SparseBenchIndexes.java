package io.sextant.bench.sparse;

import io.sextant.index.sparse.MmapSparseIndex;
import io.sextant.index.sparse.SparseIndexWriter;
import io.sextant.index.sparse.SparseValueType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the file-backed Sextant indexes of the sparse bench: FLOAT32 read resident and
 * memory-mapped, FLOAT16 and UINT8 resident. Each is written with {@link SparseIndexWriter}
 * (timed: transposition, encoding, fsync) and opened (timed: read, CRC, validation).
 */
final class SparseBenchIndexes {
    private SparseBenchIndexes() {}

    static void addFileEngines(
            Bm25Corpus corpus, Path work, List<SparseIndexBench.Engine> engines, Map<String, String> sizes)
            throws IOException {
        record Variant(String name, SparseValueType type, boolean onDisk) {}
        Variant[] variants = {
            new Variant("sextant-f32-ram", SparseValueType.FLOAT32, false),
            new Variant("sextant-f32-mmap", SparseValueType.FLOAT32, true),
            new Variant("sextant-f16-ram", SparseValueType.FLOAT16, false),
            new Variant("sextant-u8-ram", SparseValueType.UINT8, false),
        };
        for (Variant v : variants) {
            Path file = work.resolve(v.type().name().toLowerCase(Locale.ROOT) + ".sparse");
            long t0 = System.nanoTime();
            SparseIndexWriter.write(file, corpus.docs.length, ord -> corpus.docs[ord], v.type());
            double write = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            MmapSparseIndex index = MmapSparseIndex.open(file, v.onDisk());
            double open = (System.nanoTime() - t0) / 1e9;
            sizes.put(
                    v.name(),
                    String.format(
                            Locale.ROOT,
                            "write %.2f s, open+verify %.3f s, file %.2f B/posting",
                            write,
                            open,
                            (double) index.byteSize() / corpus.postings));
            engines.add(SparseIndexBench.sextant(v.name(), index, corpus));
        }
    }
}
