package io.sextant.index.sparse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.index.sparse.SparseCorpus.Weights;
import io.sextant.vector.sparse.SparseVector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * One writer appends while readers search: a search sees every vector published before it started,
 * exactly as brute force does, never an unpublished ordinal and never part of a vector (every hit's
 * score is the dot product with its whole vector), and readers never block.
 */
class MutableSparseIndexConcurrencyTest {
    private static final long SEED = Long.getLong("sextant.test.seed", System.nanoTime());

    @Test
    void readersSeeExactlyThePublishedPrefix() throws Exception {
        SparseCorpus corpus = new SparseCorpus(SEED, 20_000, 400, 12, Weights.POSITIVE);
        SparseVector[] vectors = corpus.vectors;
        SparseVector[] queries = new SparseVector[64];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = corpus.query(1 + corpus.nextInt(6), Weights.POSITIVE);
        }
        MutableSparseIndex index = new MutableSparseIndex();
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(3);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> writer = pool.submit(() -> {
                started.countDown();
                for (int ord = 0; ord < vectors.length; ord++) {
                    if (vectors[ord] != null) {
                        index.add(ord, vectors[ord]);
                    }
                    if (ord % 64 == 0) {
                        Thread.yield();
                    }
                }
                done.set(true);
                return null;
            });
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int reader = r;
                readers.add(pool.submit(() -> {
                    started.countDown();
                    int checked = 0;
                    for (int i = reader; !done.get() || checked < 20; i++) {
                        SparseVector query = queries[i % queries.length];
                        int before = index.ordinalLimit();
                        // (a) everything published before the search is seen, complete
                        IntPredicate published = ord -> ord < before;
                        SparseTopK filtered = index.search(query, 10, published);
                        SparseTopK expected = SparseCorpus.bruteForce(vectors, query, 10, published);
                        assertThat(filtered.ordinals())
                                .as("seed %d: query %s below limit %d", SEED, query, before)
                                .containsExactly(expected.ordinals());
                        assertThat(filtered.scores()).as("seed %d", SEED).containsExactly(expected.scores());
                        // (b) nothing unpublished, and every hit scored over its whole vector
                        SparseTopK all = index.search(query, 10, null);
                        int after = index.ordinalLimit();
                        for (int h = 0; h < all.size(); h++) {
                            int ord = all.ordinal(h);
                            assertThat(ord).as("seed %d", SEED).isLessThan(after);
                            assertThat(all.score(h))
                                    .as("seed %d: ordinal %d of %s", SEED, ord, query)
                                    .isEqualTo(query.dot(vectors[ord]));
                            if (h > 0) {
                                assertThat(all.score(h)).isLessThanOrEqualTo(all.score(h - 1));
                            }
                        }
                        assertThat(all.size()).isGreaterThanOrEqualTo(filtered.size());
                        checked++;
                    }
                    return checked;
                }));
            }
            writer.get(60, TimeUnit.SECONDS);
            for (Future<Integer> reader : readers) {
                assertThat(reader.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(20);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(index.ordinalLimit()).isLessThanOrEqualTo(vectors.length);
        MutableSparseIndexTest.assertMatchesBruteForce(index, corpus, Weights.POSITIVE, 30);
    }
}
