package io.sextant.index.hnsw;

import io.sextant.index.ScorerSupplier;
import io.sextant.index.VectorScorer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Builds an HNSW graph (Malkov &amp; Yashunin) over the ordinals of a {@link ScorerSupplier}.
 *
 * <p>Each node gets a random top level {@code floor(-ln(u) / ln(m))}, where {@code u} is a hash of
 * {@code (seed, ordinal)}, so levels do not depend on insertion order or thread timing. Insertion
 * descends greedily from the entry point to the node's level, then runs a beam search of width
 * {@code ef_construct} on each level down to 0, picks up to {@code m} ({@code 2m} on level 0)
 * neighbours with the diversity heuristic (a candidate is dropped when it is closer to an already
 * picked neighbour than to the node), and links both ways. A neighbour whose list overflows is
 * pruned with the same heuristic; when its list is known to be diverse only the pairs involving
 * the new node are scored.
 *
 * <p>{@link #addSubgraphLinks(int[], int)} implements Qdrant's {@code payload_m}: a separate graph
 * is built over a subset of ordinals (the points sharing one payload value) and its level-0 links
 * are merged into the main graph, so a selective filter keeps the graph connected. Call it after
 * the main graph is complete; a later {@link #add(int)} may prune merged links of the nodes it
 * touches.
 *
 * <p>Thread-safety: {@link #add(int)} may be called from many threads at once (each node's links
 * change under that node's lock; searches read without locking); {@link #build()} does exactly that
 * with {@code max_indexing_threads} threads. The capacity is fixed to {@code vectors.size()}.
 */
public final class HnswGraphBuilder {
    private static final int MAX_LEVEL = 30;
    private static final int NODES_PER_THREAD = 256;
    private static final int CHUNK = 32;

    private final ScorerSupplier vectors;
    /** Scores of the beam search while inserting: {@link #vectors} itself, or an approximation. */
    private final ScorerSupplier searchScores;

    private final HnswConfig config;
    private final OnHeapHnswGraph graph;
    private final double levelMultiplier;
    private final Object entryLock = new Object();
    private volatile BooleanSupplier cancelled = () -> false;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    public HnswGraphBuilder(ScorerSupplier vectors, HnswConfig config) {
        this(vectors, vectors, config);
    }

    /**
     * A builder whose insertions search the graph with {@code search}'s scores (cheaper, approximate:
     * for example int8 codes, {@link io.sextant.index.ScalarCodeScorerSupplier}) and re-score the
     * beam's results with {@code vectors} before picking neighbours, so every link and every score
     * kept in the graph is exact. Only which candidates reach the selection is approximate.
     *
     * @param search scores over the same ordinals as {@code vectors}, higher is closer
     */
    public HnswGraphBuilder(ScorerSupplier vectors, ScorerSupplier search, HnswConfig config) {
        if (search.size() != vectors.size()) {
            throw new IllegalArgumentException(
                    "search scorers cover " + search.size() + " ordinals, the vectors " + vectors.size());
        }
        this.vectors = vectors;
        this.searchScores = search;
        this.config = config;
        this.graph = new OnHeapHnswGraph(vectors.size(), config.m());
        this.levelMultiplier = 1.0 / Math.log(config.m());
    }

    /**
     * A builder whose graph starts as a copy of {@code existing} (same ordinals, levels, entry point
     * and links, the links' scores recomputed from {@code vectors} and sorted best first), so links
     * can be added to a graph read back from a file instead of building it again. Copied lists are
     * marked not diverse: a later overflow re-selects the whole list. Single-threaded.
     *
     * @param existing a complete graph over the same ordinals as {@code vectors}
     */
    public static HnswGraphBuilder copyOf(HnswGraph existing, ScorerSupplier vectors, HnswConfig config) {
        if (existing.size() != vectors.size()) {
            throw new IllegalArgumentException(
                    "graph has " + existing.size() + " ordinals, the vectors " + vectors.size());
        }
        HnswGraphBuilder b = new HnswGraphBuilder(vectors, config);
        int[] nodes = new int[Math.max(existing.maxDegree(0), existing.maxDegree(1))];
        float[] scores = new float[nodes.length];
        long[] packed = new long[nodes.length];
        ScorerSupplier.Retargetable self = vectors.retargetable();
        for (int node = 0; node < existing.size(); node++) {
            int level = existing.levelOf(node);
            if (level < 0) {
                continue;
            }
            if ((node & 1023) == 0) {
                b.checkCancelled();
            }
            b.graph.addNode(node, level);
            VectorScorer scorer = self.at(node);
            for (int l = 0; l <= level; l++) {
                int count = existing.neighbors(l, node, nodes);
                scorer.bulkScore(nodes, count, scores);
                for (int i = 0; i < count; i++) {
                    packed[i] = NodeHeap.encode(nodes[i], scores[i]);
                }
                java.util.Arrays.sort(packed, 0, count);
                for (int i = 0; i < count; i++) {
                    nodes[i] = NodeHeap.node(packed[count - 1 - i]);
                    scores[i] = NodeHeap.score(packed[count - 1 - i]);
                }
                b.graph.setList(node, l, NeighborList.of(nodes, scores, count, false));
            }
        }
        if (existing.entryPoint() >= 0) {
            b.graph.setEntryPoint(existing.entryPoint());
        }
        return b;
    }

    /** The graph being built; safe to search while nodes are still being added. */
    public OnHeapHnswGraph graph() {
        return graph;
    }

    public HnswConfig config() {
        return config;
    }

    /**
     * Adds every ordinal not yet in the graph, using {@code max_indexing_threads} threads (0 = all
     * cores; fewer when there are few nodes), and returns the graph.
     */
    public OnHeapHnswGraph build() throws InterruptedException {
        int n = vectors.size();
        int threads = Math.min(config.resolvedThreads(), Math.max(1, n / NODES_PER_THREAD));
        if (threads <= 1) {
            for (int i = 0; i < n; i++) {
                if ((i & (CHUNK - 1)) == 0) {
                    checkCancelled();
                }
                if (graph.levelOf(i) < 0) {
                    add(i);
                }
            }
            return graph;
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, workerThreads());
        try {
            List<Future<?>> futures = new ArrayList<>(threads);
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    int start;
                    while ((start = next.getAndAdd(CHUNK)) < n
                            && !Thread.currentThread().isInterrupted()) {
                        checkCancelled();
                        int end = Math.min(n, start + CHUNK);
                        for (int i = start; i < end; i++) {
                            if (graph.levelOf(i) < 0) {
                                add(i);
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                await(f);
            }
        } finally {
            pool.shutdownNow();
        }
        return graph;
    }

    /**
     * Makes {@link #build} and {@link #addSubgraphLinks} stop with {@link BuildCancelledException}
     * soon after {@code condition} turns true (checked every few nodes, from every build thread).
     *
     * @return this builder
     */
    public HnswGraphBuilder cancelWhen(BooleanSupplier condition) {
        this.cancelled = condition;
        return this;
    }

    /** Throws {@link BuildCancelledException} when the cancel condition holds. */
    public void checkCancelled() {
        if (cancelled.getAsBoolean()) {
            throw new BuildCancelledException();
        }
    }

    private static void await(Future<?> f) throws InterruptedException {
        try {
            f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("HNSW build worker failed", cause);
        }
    }

    private static ThreadFactory workerThreads() {
        AtomicInteger id = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "hnsw-build-" + id.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Inserts one ordinal; thread-safe. Throws when it is out of range or already added. */
    public void add(int ordinal) {
        if (ordinal < 0 || ordinal >= graph.size()) {
            throw new IllegalArgumentException("ordinal " + ordinal + " out of range [0, " + graph.size() + ")");
        }
        int level = levelFor(ordinal);
        if (!graph.addNode(ordinal, level)) {
            throw new IllegalArgumentException("ordinal " + ordinal + " was already added");
        }
        int ep = graph.entryPoint();
        if (ep < 0) {
            synchronized (entryLock) {
                ep = graph.entryPoint();
                if (ep < 0) {
                    graph.setEntryPoint(ordinal);
                    return;
                }
            }
        }
        Scratch s = scratch.get();
        VectorScorer exact = s.self.at(ordinal);
        VectorScorer scorer = s.approxSelf == null ? exact : s.approxSelf.at(ordinal);
        BeamSearch search = s.search;
        search.reset(graph.size());
        int epLevel = graph.levelOf(ep);
        search.seed(ep, scorer.score(ep), null);
        for (int l = epLevel; l > level; l--) {
            search.searchLevel(graph, scorer, l, 1, null);
            search.reseedFromResults(null);
        }
        for (int l = Math.min(level, epLevel); l >= 0; l--) {
            search.searchLevel(graph, scorer, l, config.efConstruct(), null);
            int count = s.copyCandidates(ordinal);
            if (s.approxSelf != null) {
                s.rescore(exact, count);
            }
            int cap = config.maxConnections(l);
            int picked = s.selection.select(s.candNodes, s.candScores, count, cap, s.pickNodes, s.pickScores);
            connect(graph, s.selection, ordinal, l, picked, s.pickNodes, s.pickScores, cap);
            for (int i = 0; i < picked; i++) {
                int nb = s.pickNodes[i];
                float score = s.pickScores[i];
                synchronized (graph.lockFor(nb)) {
                    NeighborList cur = graph.list(nb, l);
                    NeighborList next = withLink(s.selection, cur, ordinal, score, cap);
                    if (next != cur) {
                        graph.setList(nb, l, next);
                    }
                }
            }
            if (l > 0) {
                search.reseedFromResults(null);
            }
        }
        if (level > epLevel) {
            synchronized (entryLock) {
                if (level > graph.levelOf(graph.entryPoint())) {
                    graph.setEntryPoint(ordinal);
                }
            }
        }
    }

    /** Sets the new node's own links, keeping any a concurrent insertion already added. */
    private static void connect(
            OnHeapHnswGraph graph,
            DiverseSelection selection,
            int node,
            int level,
            int count,
            int[] nodes,
            float[] scores,
            int cap) {
        synchronized (graph.lockFor(node)) {
            NeighborList existing = graph.list(node, level);
            NeighborList next = NeighborList.of(nodes, scores, count, true);
            for (int i = 0; i < existing.size(); i++) {
                next = withLink(selection, next, existing.nodes[i], existing.scores[i], cap);
            }
            graph.setList(node, level, next);
        }
    }

    /** {@code list} with a link to {@code node} added and pruned to {@code cap} entries. */
    private static NeighborList withLink(
            DiverseSelection selection, NeighborList list, int node, float score, int cap) {
        if (list.contains(node)) {
            return list;
        }
        if (list.size() < cap) {
            return list.with(node, score, list.size() == 0);
        }
        if (list.diverse && list.size() == cap) {
            return insertIntoDiverse(selection, list, node, score, cap);
        }
        NeighborList all = list.with(node, score, false);
        int[] outNodes = new int[cap];
        float[] outScores = new float[cap];
        int picked = selection.select(all.nodes, all.scores, all.size(), cap, outNodes, outScores);
        return NeighborList.of(outNodes, outScores, picked, true);
    }

    /**
     * Inserts into a full list whose entries are already mutually diverse; gives exactly what the
     * heuristic over all entries would, scoring only the pairs that involve the new node (the better
     * entries first, in one call; the worse ones, in a second, only when the node is kept).
     */
    private static NeighborList insertIntoDiverse(
            DiverseSelection selection, NeighborList list, int node, float score, int cap) {
        int pos = list.insertionPoint(score);
        float[] pair = selection.scoreRange(node, list.nodes, 0, pos);
        for (int j = 0; j < pos; j++) {
            if (pair[j] > score) {
                return list;
            }
        }
        int n = list.size();
        pair = selection.scoreRange(node, list.nodes, pos, n);
        int[] outNodes = new int[n + 1];
        float[] outScores = new float[n + 1];
        System.arraycopy(list.nodes, 0, outNodes, 0, pos);
        System.arraycopy(list.scores, 0, outScores, 0, pos);
        outNodes[pos] = node;
        outScores[pos] = score;
        int kept = pos + 1;
        for (int i = pos; i < n; i++) {
            if (pair[i] <= list.scores[i]) {
                outNodes[kept] = list.nodes[i];
                outScores[kept] = list.scores[i];
                kept++;
            }
        }
        return NeighborList.of(outNodes, outScores, Math.min(kept, cap), true);
    }

    /**
     * Builds a graph with {@code payloadM} links per node over {@code ordinals} only (for example
     * the points sharing one payload value) and merges its level-0 links into this graph's level 0.
     * Every ordinal must already be in the graph and appear once.
     */
    public void addSubgraphLinks(int[] ordinals, int payloadM) throws InterruptedException {
        if (payloadM < 2 || payloadM > HnswConfig.MAX_M) {
            throw new IllegalArgumentException("payload_m must be in [2, " + HnswConfig.MAX_M + "], got " + payloadM);
        }
        BitSet seen = new BitSet(graph.size());
        for (int ord : ordinals) {
            if (ord < 0 || ord >= graph.size()) {
                throw new IllegalArgumentException("ordinal " + ord + " out of range [0, " + graph.size() + ")");
            }
            if (graph.levelOf(ord) < 0) {
                throw new IllegalArgumentException("ordinal " + ord + " is not in the graph yet");
            }
            if (seen.get(ord)) {
                throw new IllegalArgumentException("ordinal " + ord + " appears more than once");
            }
            seen.set(ord);
        }
        if (ordinals.length < 2) {
            return;
        }
        ScorerSupplier subset = new SubsetScorerSupplier(vectors, ordinals);
        HnswConfig subConfig = new HnswConfig(
                payloadM, config.efConstruct(), config.seed() * 31 + ordinals.length, config.maxIndexingThreads());
        checkCancelled();
        OnHeapHnswGraph sub =
                new HnswGraphBuilder(subset, subConfig).cancelWhen(cancelled).build();
        for (int i = 0; i < ordinals.length; i++) {
            NeighborList links = sub.list(i, 0);
            if (links.size() == 0) {
                continue;
            }
            int owner = ordinals[i];
            synchronized (graph.lockFor(owner)) {
                NeighborList merged = graph.list(owner, 0);
                for (int j = 0; j < links.size(); j++) {
                    int target = ordinals[links.nodes[j]];
                    if (!merged.contains(target)) {
                        merged = merged.with(target, links.scores[j], false);
                    }
                }
                graph.setList(owner, 0, merged);
            }
        }
    }

    /** The random top level of {@code ordinal}: a pure function of (seed, ordinal). */
    int levelFor(int ordinal) {
        long h = mix(config.seed() ^ mix(ordinal + 0x9E37_79B9_7F4A_7C15L));
        double u = ((h >>> 11) + 1) * 0x1.0p-53; // (0, 1]
        return Math.min(MAX_LEVEL, (int) (-Math.log(u) * levelMultiplier));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** Per-thread buffers of an insertion. */
    private final class Scratch {
        final BeamSearch search = new BeamSearch();
        /** The inserted node's scorer. */
        final ScorerSupplier.Retargetable self = vectors.retargetable();
        /** The inserted node's scorer of the beam search, when it is not {@link #self}. */
        final ScorerSupplier.Retargetable approxSelf = searchScores == vectors ? null : searchScores.retargetable();
        /** Neighbour selection, with its node-to-node scorers. */
        final DiverseSelection selection = new DiverseSelection(vectors.retargetable());

        int[] candNodes = new int[config.efConstruct() + 1];
        float[] candScores = new float[config.efConstruct() + 1];
        final int[] pickNodes = new int[2 * config.m()];
        final float[] pickScores = new float[2 * config.m()];

        private long[] packed = new long[config.efConstruct() + 1];

        /** Replaces the first {@code count} candidates' scores by {@code exact}'s and re-sorts them best first. */
        void rescore(VectorScorer exact, int count) {
            exact.bulkScore(candNodes, count, candScores);
            if (packed.length < count) {
                packed = new long[count];
            }
            for (int i = 0; i < count; i++) {
                packed[i] = NodeHeap.encode(candNodes[i], candScores[i]);
            }
            java.util.Arrays.sort(packed, 0, count);
            for (int i = 0; i < count; i++) {
                long v = packed[count - 1 - i];
                candNodes[i] = NodeHeap.node(v);
                candScores[i] = NodeHeap.score(v);
            }
        }

        /** Copies the search results best first, without {@code self}; returns their count. */
        int copyCandidates(int self) {
            int n = search.resultCount();
            if (candNodes.length < n) {
                candNodes = new int[n];
                candScores = new float[n];
            }
            int count = search.copyResultsBestFirst(candNodes, candScores);
            int w = 0;
            for (int i = 0; i < count; i++) {
                if (candNodes[i] != self) {
                    candNodes[w] = candNodes[i];
                    candScores[w] = candScores[i];
                    w++;
                }
            }
            return w;
        }
    }

    /**
     * Ordinals {@code 0..k-1} of a subset, mapped to the base supplier's ordinals; bulk scoring maps
     * a batch and hands it to the base scorer's own bulk path.
     */
    private record SubsetScorerSupplier(ScorerSupplier base, int[] ordinals) implements ScorerSupplier {
        @Override
        public VectorScorer scorerFor(int ordinal) {
            return new MappedScorer(base.scorerFor(ordinals[ordinal]), ordinals);
        }

        @Override
        public Retargetable retargetable() {
            Retargetable inner = base.retargetable();
            MappedScorer mapped = new MappedScorer(null, ordinals);
            return ordinal -> {
                mapped.inner = inner.at(ordinals[ordinal]);
                return mapped;
            };
        }

        @Override
        public int size() {
            return ordinals.length;
        }

        @Override
        public float score(int a, int b) {
            return base.score(ordinals[a], ordinals[b]);
        }
    }

    /** A base scorer seen through a subset's ordinal map; one thread's. */
    private static final class MappedScorer implements VectorScorer {
        VectorScorer inner;
        private final int[] map;
        private int[] batch = new int[64];

        MappedScorer(VectorScorer inner, int[] map) {
            this.inner = inner;
            this.map = map;
        }

        @Override
        public float score(int ordinal) {
            return inner.score(map[ordinal]);
        }

        @Override
        public void bulkScore(int[] ordinals, int count, float[] out) {
            if (batch.length < count) {
                batch = new int[count];
            }
            for (int i = 0; i < count; i++) {
                batch[i] = map[ordinals[i]];
            }
            inner.bulkScore(batch, count, out);
        }
    }
}
