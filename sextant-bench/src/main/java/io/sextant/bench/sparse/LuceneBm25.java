package io.sextant.bench.sparse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.MMapDirectory;

/**
 * The Lucene 10.6 peer of the sparse bench: the corpus's tokens indexed pre-tokenized (joined by
 * spaces, {@link WhitespaceAnalyzer}) in one field with docs and frequencies (no positions, which
 * BM25 does not use) and the default codec and {@link
 * BM25Similarity} (k1 1.2, b 0.75), one thread, force-merged to one segment so that doc ids are the
 * corpus's ordinals; a query is a {@link BooleanQuery} of SHOULD {@link TermQuery} clauses, one per
 * distinct query token, searched with {@code IndexSearcher.search(query, k)} (default total-hit
 * threshold, no query cache). The index lives in a memory-mapped directory under the work dir.
 * Thread-safe for searching after {@link #build}.
 */
final class LuceneBm25 implements AutoCloseable {
    static final String FIELD = "body";

    /** Tokenized, docs and term frequencies (all BM25 needs), no positions, norms kept. */
    private static final FieldType FREQS_ONLY = new FieldType();

    static {
        FREQS_ONLY.setTokenized(true);
        FREQS_ONLY.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
        FREQS_ONLY.freeze();
    }

    private final Path dir;
    private final MMapDirectory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;

    private LuceneBm25(Path dir, MMapDirectory directory, DirectoryReader reader) {
        this.dir = dir;
        this.directory = directory;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        searcher.setSimilarity(new BM25Similarity());
        searcher.setQueryCache(null);
    }

    static LuceneBm25 build(Bm25Corpus corpus, Path dir) throws IOException {
        Files.createDirectories(dir);
        MMapDirectory directory = new MMapDirectory(dir);
        IndexWriterConfig iwc = new IndexWriterConfig(new WhitespaceAnalyzer())
                .setSimilarity(new BM25Similarity())
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                .setRAMBufferSizeMB(256)
                .setUseCompoundFile(false);
        iwc.getMergePolicy().setNoCFSRatio(0.0);
        try (IndexWriter writer = new IndexWriter(directory, iwc)) {
            for (List<String> tokens : corpus.docTokens) {
                Document doc = new Document();
                doc.add(new Field(FIELD, String.join(" ", tokens), FREQS_ONLY));
                writer.addDocument(doc);
            }
            writer.forceMerge(1);
        }
        return new LuceneBm25(dir, directory, DirectoryReader.open(directory));
    }

    static Query query(List<String> tokens) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (String t : tokens) {
            b.add(new TermQuery(new Term(FIELD, t)), BooleanClause.Occur.SHOULD);
        }
        return b.build();
    }

    TopDocs search(Query query, int k) throws IOException {
        return searcher.search(query, k);
    }

    int segments() {
        return reader.leaves().size();
    }

    /** Bytes of the files whose name ends with one of {@code suffixes}, every file when none given. */
    long bytes(String... suffixes) throws IOException {
        long sum = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                boolean match = suffixes.length == 0;
                for (String s : suffixes) {
                    match |= name.endsWith(s);
                }
                if (match) {
                    sum += Files.size(f);
                }
            }
        }
        return sum;
    }

    @Override
    public void close() throws IOException {
        reader.close();
        directory.close();
    }
}
