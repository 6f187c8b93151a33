package io.sextant.bench.ann;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * Lucene 10.6 HNSW ({@code Lucene99HnswVectorsFormat(M, beamWidth, mergeWorkers)} in the default
 * codec) through its public API: documents with a {@link KnnFloatVectorField} (DOT_PRODUCT on
 * normalized vectors for Cosine, EUCLIDEAN otherwise), the keyword payload as {@link StringField}s
 * and the row number as doc values. The build indexes from {@code threads} threads (one segment
 * each) and force-merges to one segment with {@code threads} merge workers, so Lucene searches one
 * graph like the others. A query is a {@link KnnFloatVectorQuery} with {@code k = ef} (Lucene's
 * beam width is its k), of which the top 10 are taken; filters are {@link TermQuery}s passed as
 * the query's filter, so Lucene picks exact or approximate search itself. The index lives in a
 * memory-mapped directory; its files count as off-heap memory.
 */
final class LuceneEngine implements AnnEngine {
    static final String FIELD = "v";

    private Path dir;
    private FSDirectory directory;
    private DirectoryReader reader;
    private IndexSearcher searcher;
    private int[] docToRow;

    @Override
    public String name() {
        return "lucene";
    }

    @Override
    public String build(BuildSpec spec) throws Exception {
        Dataset data = spec.data();
        dir = Files.createDirectories(spec.workDir().resolve("lucene-index"));
        directory = FSDirectory.open(dir);
        int threads = Math.max(1, spec.threads());
        ExecutorService mergeExec = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
        KnnVectorsFormat format = new Lucene99HnswVectorsFormat(spec.m(), spec.efConstruct(), threads, mergeExec);
        IndexWriterConfig iwc = new IndexWriterConfig()
                .setCodec(new Lucene104Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                        return format;
                    }
                })
                .setRAMBufferSizeMB(2048)
                .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        VectorSimilarityFunction sim =
                data.cosine() ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.EUCLIDEAN;
        int n = data.base().length;
        try (IndexWriter writer = new IndexWriter(directory, iwc)) {
            Thread[] workers = new Thread[threads];
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) n * t / threads);
                int to = (int) ((long) n * (t + 1) / threads);
                workers[t] = new Thread(() -> {
                    try {
                        for (int i = from; i < to; i++) {
                            Document doc = new Document();
                            doc.add(new KnnFloatVectorField(
                                    FIELD, AnnEngine.prepared(data.base()[i], data.cosine()), sim));
                            for (Map.Entry<String, String[]> kw :
                                    data.keywords().entrySet()) {
                                doc.add(new StringField(kw.getKey(), kw.getValue()[i], Field.Store.NO));
                            }
                            doc.add(new NumericDocValuesField("row", i));
                            writer.addDocument(doc);
                        }
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                });
                workers[t].start();
            }
            for (Thread w : workers) {
                w.join();
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            writer.forceMerge(1);
            writer.commit();
        } finally {
            if (mergeExec != null) {
                mergeExec.shutdown();
            }
        }
        reader = DirectoryReader.open(directory);
        if (reader.leaves().size() != 1) {
            throw new IllegalStateException("expected one segment after forceMerge(1), got "
                    + reader.leaves().size());
        }
        LeafReader leaf = reader.leaves().get(0).reader();
        docToRow = new int[leaf.maxDoc()];
        NumericDocValues rows = leaf.getNumericDocValues("row");
        for (int d = rows.nextDoc(); d != NumericDocValues.NO_MORE_DOCS; d = rows.nextDoc()) {
            docToRow[d] = (int) rows.longValue();
        }
        searcher = new IndexSearcher(reader);
        return "Lucene99HnswVectorsFormat(maxConn=" + spec.m() + ", beamWidth=" + spec.efConstruct() + ", mergeWorkers="
                + threads + "), " + threads + " indexing threads + forceMerge(1), MMapDirectory";
    }

    @Override
    public boolean supportsFilter() {
        return true;
    }

    @Override
    public Object prepareFilter(Dataset.Filter filter) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (Map.Entry<String, String> c : filter.conditions().entrySet()) {
            b.add(new TermQuery(new Term(c.getKey(), c.getValue())), BooleanClause.Occur.FILTER);
        }
        return b.build();
    }

    @Override
    public Searcher searcher() {
        return (query, k, ef, prepared) -> {
            KnnFloatVectorQuery q =
                    new KnnFloatVectorQuery(FIELD, query, Math.max(k, ef), (org.apache.lucene.search.Query) prepared);
            TopDocs top = searcher.search(q, k);
            int[] out = new int[top.scoreDocs.length];
            int i = 0;
            for (ScoreDoc sd : top.scoreDocs) {
                out[i++] = docToRow[sd.doc];
            }
            return out;
        };
    }

    @Override
    public long offHeapBytes() {
        try {
            long total = 0;
            for (String f : directory.listAll()) {
                total += directory.fileLength(f);
            }
            return total;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (directory != null) {
            for (String f : directory.listAll()) {
                directory.deleteFile(f);
            }
            directory.close();
        }
    }
}
