package io.sextant.segment.vectorindex;

import io.sextant.index.ArrayScorerSupplier;
import io.sextant.index.MemorySegmentScorerSupplier;
import io.sextant.index.ScorerSupplier;
import io.sextant.index.hnsw.HnswConfig;
import io.sextant.index.hnsw.HnswGraphBuilder;
import io.sextant.index.hnsw.HnswGraphRemapper;
import io.sextant.index.hnsw.HnswGraphWriter;
import io.sextant.index.hnsw.MmapHnswGraph;
import io.sextant.index.hnsw.OnHeapHnswGraph;
import io.sextant.index.memory.HugePageMemory;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.storage.MultiVectorStorage;
import io.sextant.segment.storage.Segment;
import io.sextant.vector.quant.Quantizer;
import io.sextant.vector.quant.Quantizers;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.roaringbitmap.RoaringBitmap;

/**
 * Builds the vector index files of one named vector of an immutable segment: the HNSW graph over
 * the live offsets that have the vector (with Qdrant's payload sub-graph links, {@code payload_m})
 * and the quantized codes. Files are written atomically next to the segment ({@link
 * VectorIndexFiles}) and opened from disk, so what is served is exactly what a restart would load.
 *
 * <p>Payload links: for every keyword, integer or uuid payload index, each value whose live points
 * number at least the full-scan threshold (in vectors) but under a fifth of the segment gets a
 * sub-graph with {@code payload_m} links merged into level 0; smaller groups are searched exactly by
 * the planner anyway, and larger ones are dense enough for a walk that scores every neighbour
 * (Qdrant links those too; skipping them halves the link build on data with a dominant value and
 * keeps level-0 lists shorter for every search). A field indexed
 * with {@code is_tenant} gets links for every value with two or more points, so per-tenant searches
 * stay connected whatever the planner decides.
 *
 * <p>When the segment already has a graph of the same HNSW parameters whose payload links lack some
 * fields (a payload index created after the graph was built), the build copies that graph ({@link
 * HnswGraphBuilder#copyOf}) and adds only the missing fields' links instead of building the graph
 * again; points deleted since stay in it, as they do in any graph.
 *
 * <p>A segment written from other segments (merge, vacuum) may start its graph from a source's
 * ({@link GraphDonor}): that graph remapped to the new offsets, points not carried over removed and
 * their in-links repaired ({@link HnswGraphRemapper}), then only the other points inserted.
 *
 * <p>Stateless; a build reads the segment concurrently with searches and deletions (deleted points
 * stay in the graph and are filtered at search time).
 */
public final class SegmentIndexBuilder {
    /** The seed of random levels; fixed, so a rebuild from the same vectors gives the same graph. */
    static final long SEED = 0x5E87A17L;

    /** Float32 rows at least this large are copied into huge pages for a build (see {@link #buildRows}). */
    static final long HUGE_PAGE_COPY_MIN_MB = 16;

    private SegmentIndexBuilder() {}

    /** Whether {@code seg}'s {@code name} vectors reach the indexing threshold (KB; 0 = never). */
    public static boolean reachesThreshold(Segment seg, String name, long indexingThresholdKb) {
        VectorSpec spec = seg.specs().get(name);
        return indexingThresholdKb > 0
                && spec != null
                && (long) seg.offsetLimit() * spec.vectorBytes() >= indexingThresholdKb * 1024L;
    }

    /** Whether {@code seg} should have a graph for {@code name} but has none (or one built for other parameters). */
    public static boolean missingGraph(Segment seg, String name, long indexingThresholdKb) {
        return seg.immutable()
                && seg.liveCount() > 0
                && seg.specs().get(name).hnsw().enabled()
                && reachesThreshold(seg, name, indexingThresholdKb)
                && seg.graph(name) == null;
    }

    /**
     * Whether {@code seg}'s graph of {@code name} lacks payload links that {@code schema} asks for
     * (a keyword, integer or uuid index created after the graph was built), or was loaded from a
     * file of another payload schema. Links for fields no longer indexed are harmless and kept.
     */
    public static boolean staleGraph(Segment seg, String name, Map<String, PayloadIndexSpec> schema) {
        SegmentGraph g = seg.graph(name);
        if (g == null || !seg.immutable()) {
            return false;
        }
        Set<String> want = linkFields(seg.specs().get(name), schema);
        return g.links() == null || !g.links().containsAll(want);
    }

    /**
     * The payload fields a graph of {@code spec} gets {@code payload_m} links for under {@code
     * schema}, as {@code field:type} ({@code :tenant} appended for {@code is_tenant} fields): every
     * keyword, integer and uuid index, none when {@code payload_m} is 0.
     */
    public static Set<String> linkFields(VectorSpec spec, Map<String, PayloadIndexSpec> schema) {
        if (spec.hnsw().effectivePayloadM() < 2) {
            return Set.of();
        }
        Set<String> out = new TreeSet<>();
        for (Map.Entry<String, PayloadIndexSpec> e : schema.entrySet()) {
            String key = linkKey(e.getKey(), e.getValue());
            if (key != null) {
                out.add(key);
            }
        }
        return out;
    }

    /** {@code field:type[:tenant]} when {@code index} gets payload links, else null. */
    private static String linkKey(String field, PayloadIndexSpec index) {
        PayloadSchemaType t = index.type();
        if (!index.linksInHnsw()
                || (t != PayloadSchemaType.KEYWORD && t != PayloadSchemaType.INTEGER && t != PayloadSchemaType.UUID)) {
            return null;
        }
        return field + ":" + t + (Boolean.TRUE.equals(index.isTenant()) ? ":tenant" : "");
    }

    /** Whether {@code seg} should have quantized codes for {@code name} but has none. */
    public static boolean missingCodes(Segment seg, String name, long indexingThresholdKb) {
        return seg.immutable()
                && seg.liveCount() > 0
                && seg.specs().get(name).quantization() != null
                && reachesThreshold(seg, name, indexingThresholdKb)
                && seg.quantized(name) == null;
    }

    /**
     * Builds, writes and opens the graph of {@code name} with payload links for {@code schema};
     * deletes the segment's graph files of other payload schemas (a search still walking one keeps
     * its mapping).
     */
    public static SegmentGraph buildGraph(Segment seg, String name, Map<String, PayloadIndexSpec> schema)
            throws InterruptedException {
        return buildGraph(seg, name, schema, () -> false);
    }

    /**
     * As {@link #buildGraph(Segment, String, Map)}, stopping with {@link
     * io.sextant.index.hnsw.BuildCancelledException} (and writing nothing) soon after {@code
     * cancelled} turns true.
     */
    public static SegmentGraph buildGraph(
            Segment seg, String name, Map<String, PayloadIndexSpec> schema, BooleanSupplier cancelled)
            throws InterruptedException {
        return buildGraph(seg, name, schema, cancelled, new BuildStats());
    }

    /** Where a graph build spent its time; filled by {@link #buildGraph(Segment, String, Map, BooleanSupplier, BuildStats)}. */
    public static final class BuildStats {
        /** Nanoseconds building the main graph. */
        public long mainNanos;
        /** Nanoseconds building and merging payload sub-graph links. */
        public long linkNanos;
        /** Payload values that got sub-graph links. */
        public int linkGroups;
        /** Nodes in those sub-graphs (a point counts once per value it has). */
        public long linkNodes;
        /** Whether the segment's existing graph was copied and only missing links were added. */
        public boolean reusedGraph;
        /** Nodes carried over from a {@link GraphDonor}'s graph (0 when none was used). */
        public int donatedNodes;
        /** Donor graph nodes left out (deleted or replaced points), their in-links repaired. */
        public int removedNodes;
        /** Nodes inserted by a search over the graph (every node of a build from scratch). */
        public int insertedNodes;
        /** Bytes of vectors the build read from a huge-page copy instead of the segment's mapping (0 when none). */
        public long hugePageCopyBytes;
    }

    /** As {@link #buildGraph(Segment, String, Map, BooleanSupplier)}, recording the phases' times in {@code stats}. */
    public static SegmentGraph buildGraph(
            Segment seg, String name, Map<String, PayloadIndexSpec> schema, BooleanSupplier cancelled, BuildStats stats)
            throws InterruptedException {
        return buildGraph(seg, name, schema, cancelled, stats, null);
    }

    /**
     * As {@link #buildGraph(Segment, String, Map, BooleanSupplier, BuildStats)}; when {@code donor}
     * is not null (and the segment has no graph of its own to extend), the main graph starts as the
     * donor's graph remapped onto this segment ({@link HnswGraphRemapper}) and only the points it
     * lacks are inserted. Payload links are built for every field, as from scratch.
     */
    public static SegmentGraph buildGraph(
            Segment seg,
            String name,
            Map<String, PayloadIndexSpec> schema,
            BooleanSupplier cancelled,
            BuildStats stats,
            GraphDonor donor)
            throws InterruptedException {
        try (Arena buildArena = Arena.ofShared()) {
            return buildGraph(seg, name, schema, cancelled, stats, donor, buildArena);
        }
    }

    /** The build of {@link #buildGraph(Segment, String, Map, BooleanSupplier, BuildStats, GraphDonor)}; {@code buildArena} holds its transient memory. */
    private static SegmentGraph buildGraph(
            Segment seg,
            String name,
            Map<String, PayloadIndexSpec> schema,
            BooleanSupplier cancelled,
            BuildStats stats,
            GraphDonor donor,
            Arena buildArena)
            throws InterruptedException {
        long started = System.nanoTime();
        VectorSpec spec = seg.specs().get(name);
        HnswSpec h = spec.hnsw();
        int n = seg.offsetLimit();
        MemorySegment rows = buildRows(seg.rows(name), spec, buildArena);
        stats.hugePageCopyBytes = rows != null && rows != seg.rows(name) ? rows.byteSize() : 0;
        ScorerSupplier vectors = spec.isMulti()
                ? MultiVectorScorers.supplier(seg, name)
                : rows != null
                        ? new MemorySegmentScorerSupplier(rows, spec.size(), n, spec.distance())
                        : decoded(seg, name, n);
        HnswConfig config = new HnswConfig(h.m(), h.efConstruct(), SEED, h.maxIndexingThreads());
        int[] present = IntStream.range(0, n)
                .filter(o -> seg.isLive(o) && seg.hasVector(o, name))
                .toArray();
        // A graph of these parameters whose links lack some fields (a payload index created after
        // it): copy it and add the missing links instead of building it again.
        SegmentGraph built = seg.graph(name);
        Set<String> have = built == null ? null : built.links();
        HnswGraphBuilder builder;
        if (have != null && built.graph().size() == n && built.graph().maxDegree(1) == h.m()) {
            builder = HnswGraphBuilder.copyOf(built.graph(), vectors, config).cancelWhen(cancelled);
            stats.reusedGraph = true;
        } else if (donor != null) {
            have = Set.of();
            HnswGraphRemapper.Seeded seeded = HnswGraphRemapper.seed(
                    donor.graph(), donor.oldToNew(), vectors, config, config.resolvedThreads(), cancelled);
            builder = seeded.builder();
            stats.donatedNodes = seeded.keptNodes();
            stats.removedNodes = seeded.removedNodes();
        } else {
            have = Set.of();
            builder = new HnswGraphBuilder(vectors, config).cancelWhen(cancelled);
        }
        if (stats.reusedGraph) {
            // nothing to insert: the copy holds every point the graph was built with
        } else if (present.length == n && donor == null) {
            builder.build();
            stats.insertedNodes = n;
        } else {
            int[] missing = IntStream.of(present)
                    .filter(o -> builder.graph().levelOf(o) < 0)
                    .toArray();
            stats.insertedNodes = missing.length;
            parallel(
                    config.resolvedThreads(),
                    () -> IntStream.of(missing).parallel().forEach(o -> {
                        builder.checkCancelled();
                        builder.add(o);
                    }));
        }
        long linksStarted = System.nanoTime();
        stats.mainNanos = linksStarted - started;
        int payloadM = h.effectivePayloadM();
        if (payloadM >= 2) {
            long threshold = fullScanVectors(spec);
            for (Map.Entry<String, PayloadIndexSpec> e : schema.entrySet()) {
                String key = linkKey(e.getKey(), e.getValue());
                if (key == null || have.contains(key)) {
                    continue;
                }
                boolean tenant = Boolean.TRUE.equals(e.getValue().isTenant());
                for (RoaringBitmap group : seg.indexes().valueGroups(e.getKey())) {
                    int[] ords = IntStream.of(group.toArray())
                            .filter(o -> o < n
                                    && seg.isLive(o)
                                    && seg.hasVector(o, name)
                                    && builder.graph().levelOf(o) >= 0)
                            .toArray();
                    boolean wanted = tenant || (ords.length >= threshold && walksTwoHop(ords.length, present.length));
                    if (ords.length >= 2 && wanted && ords.length < present.length) {
                        builder.addSubgraphLinks(ords, payloadM);
                        stats.linkGroups++;
                        stats.linkNodes += ords.length;
                    }
                }
            }
        }
        stats.linkNanos = System.nanoTime() - linksStarted;
        builder.checkCancelled();
        OnHeapHnswGraph graph = builder.graph();
        Set<String> links = linkFields(spec, schema);
        Path file = VectorIndexFiles.graphFile(seg.dir(), name, spec, links);
        try {
            HnswGraphWriter.write(graph, h.m(), file);
            SegmentGraph opened = new SegmentGraph(
                    MmapHnswGraph.open(file, spec.hnsw().placement().residency()), links);
            for (Path old; (old = VectorIndexFiles.otherLinksGraphFile(seg.dir(), name, spec, file)) != null; ) {
                java.nio.file.Files.deleteIfExists(old);
            }
            return opened;
        } catch (IOException e) {
            throw new ServiceException("Failed to write HNSW graph " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The float32 rows a graph build reads: a copy in transparent huge pages ({@link HugePageMemory})
     * when the vectors are kept in RAM ({@code on_disk: false}) and span at least {@value
     * #HUGE_PAGE_COPY_MIN_MB} MB, else the segment's own mapping. A build reads rows at random all over
     * the segment; with the mapping's 4 KiB pages nearly every read misses the TLB. On wordnet-bge384
     * (40,000 rows, 1 thread, alternated four times in one JVM on the loaded 2-core machine) the build
     * took 11.97 CPU s on average from the copy against 13.23 s from 4 KiB pages (-9.5 %). The copy
     * costs the vectors' size in anonymous memory for the duration of the build (freed with {@code
     * arena}) and about 0.1 s per 200 MB; vectors the user keeps on disk are read in place.
     */
    private static MemorySegment buildRows(MemorySegment rows, VectorSpec spec, Arena arena) {
        if (rows == null || spec.onDisk() || rows.byteSize() < HUGE_PAGE_COPY_MIN_MB * (1L << 20)) {
            return rows;
        }
        return HugePageMemory.copy(rows, arena);
    }

    /**
     * Float16 and uint8 vectors decoded to float32 on the heap for the build (the graph needs fast
     * random access to every vector); a missing vector decodes as zeros and is never linked.
     */
    private static ScorerSupplier decoded(Segment seg, String name, int n) {
        VectorSpec spec = seg.specs().get(name);
        float[] zeros = new float[spec.size()];
        float[][] rows = new float[n][];
        IntStream.range(0, n).parallel().forEach(o -> {
            float[] v = seg.scoringVector(o, name);
            rows[o] = v == null ? zeros : v;
        });
        return new ArrayScorerSupplier(rows, spec.distance());
    }

    /**
     * Whether a filter matching {@code matching} of {@code live} points is walked with {@link
     * io.sextant.index.hnsw.FilterTraversal#TWO_HOP} (under a fifth of the segment), which relies
     * on payload links; denser filters score every neighbour and need none.
     */
    public static boolean walksTwoHop(long matching, long live) {
        return matching * 5 < live;
    }

    /** The full-scan threshold of {@code spec} in vectors (at least 1). */
    public static long fullScanVectors(VectorSpec spec) {
        return Math.max(1, spec.hnsw().fullScanThresholdKb() * 1024L / spec.vectorBytes());
    }

    /** Trains, encodes, writes and re-opens the quantized codes of {@code name}. */
    public static QuantizedVectors buildCodes(Segment seg, String name) {
        VectorSpec spec = seg.specs().get(name);
        int n = seg.offsetLimit();
        java.util.function.IntFunction<float[]> source = o -> seg.isLive(o) ? seg.scoringVector(o, name) : null;
        MultiVectorStorage multi = seg.multiVectors(name);
        if (multi != null) { // one code per inner vector, deleted points' included
            n = Math.toIntExact(multi.innerCount());
            boolean normalize = spec.normalizesOnScore();
            source = i -> multi.inner().scoringVector(i, normalize);
        }
        Quantizer q = Quantizers.train(spec.quantization(), spec.distance(), spec.size(), n, source, SEED);
        Path file = VectorIndexFiles.quantFile(seg.dir(), name, spec);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment codes = Quantizers.encodeAll(q, n, source, arena);
            QuantizedVectorsFile.write(file, q, codes, n);
        } catch (IOException e) {
            throw new ServiceException("Failed to write quantized vectors " + file + ": " + e.getMessage(), e);
        }
        try {
            return QuantizedVectorsFile.read(
                    file, spec.quantization(), spec.distance(), spec.size(), spec.quantizedPlacement());
        } catch (IOException e) {
            throw new ServiceException(
                    "Quantized vectors " + file + " unreadable right after writing: " + e.getMessage(), e);
        }
    }

    private static void parallel(int threads, Runnable work) throws InterruptedException {
        io.sextant.index.hnsw.ParallelWork.run(threads, "HNSW build", work);
    }
}
