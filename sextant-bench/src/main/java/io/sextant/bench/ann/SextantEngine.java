package io.sextant.bench.ann;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.storage.SegmentWriter;
import io.sextant.segment.vectorindex.QuantizedVectors;
import io.sextant.segment.vectorindex.SegmentIndexBuilder;
import io.sextant.segment.vectorindex.SegmentSearcher;
import io.sextant.vector.Distance;
import io.sextant.vector.quant.BinaryQuantizer;
import io.sextant.vector.quant.QuantizerSpec;
import io.sextant.vector.quant.TurboQuantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Sextant as the engine serves a collection: points appended to an appendable segment, rewritten
 * by {@link SegmentWriter} into an immutable segment (as the optimizer does), its HNSW graph built
 * by {@link SegmentIndexBuilder} (written, memory-mapped, attached) and searched with {@link
 * SegmentSearcher}, whose planner picks exact scan or graph search for a filter from the payload
 * indexes' estimate and {@code full_scan_threshold}. The reported build time is the optimizer's work:
 * writing the immutable segment, opening it and building its graph; ingesting into the appendable
 * segment is not counted (the peers' build also starts from vectors in memory).
 *
 * <p>Two immutable copies are built: one whose graph has no payload links, used for the
 * unfiltered runs so they compare like for like with the peers, and one with the payload links
 * the engine builds for indexed keyword fields ({@code payload_m = m}), used for the filtered runs;
 * its build time is reported as the extra time. Variants ({@link #enterVariant}: int8 or binary,
 * with an oversampling) re-open the first copy with a quantization config, build its codes and
 * search with rescoring on the original vectors.
 */
final class SextantEngine implements AnnEngine {
    static final String VECTOR = "";

    private Path root;
    private Map<String, PayloadIndexSpec> schema;
    private VectorSpec baseSpec;
    private Segment plain;
    private Segment linked;
    private int[] offsetToRow;
    private int[] linkedOffsetToRow;
    private double payloadSeconds;
    private double linkedCopySeconds;
    private double linkedMainSeconds;
    private int linkGroups;
    private long linkNodes;
    private double buildSeconds;
    private SearchParams.QuantizationParams quantParams;
    private String variant = "float32";

    @Override
    public String name() {
        return "sextant";
    }

    @Override
    public String build(BuildSpec spec) throws Exception {
        Dataset data = spec.data();
        root = spec.workDir().resolve("sextant");
        deleteTree(root);
        Files.createDirectories(root);
        schema = new LinkedHashMap<>();
        for (String field : data.keywords().keySet()) {
            schema.put(field, PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));
        }
        HnswSpec hnsw = new HnswSpec(spec.m(), spec.efConstruct(), 10_000, spec.threads(), false, null);
        baseSpec =
                new VectorSpec(data.dimension(), data.cosine() ? Distance.COSINE : Distance.EUCLID, false, hnsw, null);
        Map<String, VectorSpec> specs = Map.of(VECTOR, baseSpec);
        Segment app = Segment.createAppendable(root.resolve("appendable"), specs);
        JsonNodeFactory json = JsonNodeFactory.instance;
        for (int i = 0; i < data.base().length; i++) {
            ObjectNode payload = json.objectNode();
            for (Map.Entry<String, String[]> kw : data.keywords().entrySet()) {
                payload.put(kw.getKey(), kw.getValue()[i]);
            }
            app.append(PointId.of(i), 1, Map.of(VECTOR, AnnEngine.prepared(data.base()[i], data.cosine())), payload);
        }
        app.flush(1);
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        for (int off = 0; off < app.offsetLimit(); off++) {
            refs.add(new SegmentWriter.PointRef(app, off));
        }

        long t0 = System.nanoTime();
        SegmentWriter.write(root.resolve("plain"), specs, refs, 1);
        plain = Segment.open(root.resolve("plain"), specs, schema);
        double segmentS = (System.nanoTime() - t0) / 1e9;
        SegmentIndexBuilder.BuildStats plainStats = new SegmentIndexBuilder.BuildStats();
        plain.attachGraph(VECTOR, SegmentIndexBuilder.buildGraph(plain, VECTOR, Map.of(), () -> false, plainStats));
        double buildS = (System.nanoTime() - t0) / 1e9;
        double graphS = plainStats.mainNanos / 1e9;
        buildSeconds = buildS;
        offsetToRow = rows(plain);

        if (!data.filters().isEmpty()) {
            long t1 = System.nanoTime();
            SegmentWriter.write(root.resolve("linked"), specs, refs, 1);
            linked = Segment.open(root.resolve("linked"), specs, schema);
            SegmentIndexBuilder.BuildStats stats = new SegmentIndexBuilder.BuildStats();
            linked.attachGraph(VECTOR, SegmentIndexBuilder.buildGraph(linked, VECTOR, schema, () -> false, stats));
            linkedCopySeconds = (System.nanoTime() - t1) / 1e9;
            payloadSeconds = stats.linkNanos / 1e9;
            linkedMainSeconds = stats.mainNanos / 1e9;
            linkGroups = stats.linkGroups;
            linkNodes = stats.linkNodes;
            linkedOffsetToRow = rows(linked);
        }
        app.close();
        deleteTree(root.resolve("appendable"));
        return String.format(
                java.util.Locale.ROOT,
                "engine path: SegmentWriter + SegmentIndexBuilder + SegmentSearcher (mmap graph, vectors in RAM);"
                        + " optimizer work %.1f s (the build s) = segment written and opened %.1f s + main graph"
                        + " %.1f s + graph file written and opened %.1f s; m=%d ef_construct=%d build threads=%d; %s;"
                        + " full_scan_threshold=%d vectors",
                buildS,
                segmentS,
                graphS,
                buildS - segmentS - graphS,
                hnsw.m(),
                hnsw.efConstruct(),
                spec.threads(),
                linked == null
                        ? "no filters, so no payload links"
                        : String.format(
                                java.util.Locale.ROOT,
                                "payload links (keyword indexes %s, payload_m=%d) built separately for the filtered"
                                        + " runs: the extra seconds are the link phase alone (%d values, %d sub-graph"
                                        + " nodes), of a copy that took %.1f s in all (its main graph %.1f s)",
                                schema.keySet(),
                                hnsw.effectivePayloadM(),
                                linkGroups,
                                linkNodes,
                                linkedCopySeconds,
                                linkedMainSeconds),
                SegmentIndexBuilder.fullScanVectors(baseSpec));
    }

    private static int[] rows(Segment seg) {
        int[] rows = new int[seg.offsetLimit()];
        for (int off = 0; off < rows.length; off++) {
            rows[off] = (int) ((PointId.Num) seg.idAt(off)).value();
        }
        return rows;
    }

    @Override
    public java.util.OptionalDouble ownBuildSeconds() {
        return java.util.OptionalDouble.of(buildSeconds);
    }

    @Override
    public double extraBuildSeconds() {
        return payloadSeconds;
    }

    @Override
    public List<String> variants() {
        return List.of("int8", "int8-os2", "int8-os3", "binary-os3", "binary-os10");
    }

    /**
     * Variant {@code <codec>[-os<oversampling>]}: codec {@code int8} (scalar, quantile 0.99), {@code
     * binary} (one bit) or TurboQuant {@code tq1}, {@code tq15}, {@code tq2}, {@code tq4} (1, 1.5, 2,
     * 4 bits); oversampling defaults to 1 (Qdrant's default).
     */
    @Override
    public String enterVariant(String name) throws Exception {
        String[] parts = name.split("-os", 2);
        double oversampling = parts.length > 1 ? Double.parseDouble(parts[1]) : 1.0;
        QuantizerSpec q =
                switch (parts[0]) {
                    case "int8" -> new QuantizerSpec.Scalar(0.99f, true);
                    case "binary" ->
                        new QuantizerSpec.Binary(
                                BinaryQuantizer.Encoding.ONE_BIT, BinaryQuantizer.QueryEncoding.DEFAULT, true);
                    case "tq1" -> new QuantizerSpec.Turbo(TurboQuantizer.Bits.BITS1, true);
                    case "tq15" -> new QuantizerSpec.Turbo(TurboQuantizer.Bits.BITS1_5, true);
                    case "tq2" -> new QuantizerSpec.Turbo(TurboQuantizer.Bits.BITS2, true);
                    case "tq4" -> new QuantizerSpec.Turbo(TurboQuantizer.Bits.BITS4, true);
                    default ->
                        throw new IllegalArgumentException("unknown Sextant variant " + name
                                + ", expected int8, binary, tq1, tq15, tq2 or tq4[-osN]");
                };
        VectorSpec spec = new VectorSpec(baseSpec.size(), baseSpec.distance(), false, baseSpec.hnsw(), q);
        Map<String, VectorSpec> specs = Map.of(VECTOR, spec);
        plain.close();
        plain = Segment.open(root.resolve("plain"), specs, schema); // re-opens the same graph file
        if (plain.graph(VECTOR) == null) {
            throw new IllegalStateException("graph not re-opened for variant " + name);
        }
        QuantizedVectors codes = SegmentIndexBuilder.buildCodes(plain, VECTOR);
        plain.attachQuantized(VECTOR, codes);
        quantParams = new SearchParams.QuantizationParams(false, true, oversampling);
        variant = name;
        long floatBytes = (long) plain.offsetLimit() * baseSpec.size() * Float.BYTES;
        return String.format(
                java.util.Locale.ROOT,
                "%s codes %.1f MB = %.3fx the float32 vectors (%.1f MB), resident; rescore on, oversampling %.1f;"
                        + " same graph as sextant",
                q.fingerprint(),
                codes.bytes() / 1048576.0,
                codes.bytes() / (double) floatBytes,
                floatBytes / 1048576.0,
                oversampling);
    }

    /** The quantized codes of the current variant, null for float32. */
    QuantizedVectors codes() {
        return plain.quantized(VECTOR);
    }

    /** Vectors in the searched segment. */
    int count() {
        return plain.offsetLimit();
    }

    @Override
    public boolean supportsFilter() {
        return true;
    }

    @Override
    public Object prepareFilter(Dataset.Filter filter) {
        List<Condition> must = new ArrayList<>();
        for (Map.Entry<String, String> c : filter.conditions().entrySet()) {
            must.add(new Condition.MatchCondition(c.getKey(), new Match.Value(c.getValue())));
        }
        return new Filter(must, null, null, null);
    }

    @Override
    public Searcher searcher() {
        return (query, k, ef, prepared) -> {
            SearchParams params = new SearchParams(ef, false, false, quantParams);
            Segment seg = prepared == null ? plain : linked;
            int[] map = prepared == null ? offsetToRow : linkedOffsetToRow;
            Filter f = prepared == null ? Filter.ALL : (Filter) prepared;
            List<SegmentSearcher.Hit> hits =
                    SegmentSearcher.search(seg, new SegmentSearcher.Request(VECTOR, query, f, k, null, params));
            int[] out = new int[hits.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = map[hits.get(i).offset()];
            }
            return out;
        };
    }

    @Override
    public long offHeapBytes() {
        long vectors = (long) plain.offsetLimit() * baseSpec.size() * Float.BYTES;
        long graph = plain.graph(VECTOR).graph().byteSize();
        QuantizedVectors codes = plain.quantized(VECTOR);
        return vectors + graph + (codes == null ? 0 : codes.bytes());
    }

    @Override
    public void close() throws Exception {
        if (plain != null) {
            plain.close();
        }
        if (linked != null) {
            linked.close();
        }
        deleteTree(root);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
