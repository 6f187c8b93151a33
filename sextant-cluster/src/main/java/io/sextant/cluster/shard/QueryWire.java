package io.sextant.cluster.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.codec.BinaryReader;
import io.sextant.segment.codec.BinaryWriter;
import io.sextant.segment.codec.FilterCodec;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.ExampleScore;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollRequest;
import io.sextant.vector.sparse.SparseVector;
import java.util.ArrayList;
import java.util.List;

/**
 * Wire form of the read requests a shard answers: {@link CoreSearch} (dense, sparse and
 * multivector queries: a multivector query is the dense vector of its flattened rows, as {@code
 * CoreSearch} carries it), {@link SearchParams}, {@link PayloadSelector}, {@link VectorSelector} and
 * {@link ScrollRequest}. Embedded in a versioned shard-call message ({@link ShardCall}).
 *
 * <p>Layout; primitives and composites as in {@link BinaryWriter}, {@code filter} as in {@link
 * FilterCodec}, {@code opt filter} = u8 present (0/1) + [filter]:
 *
 * <pre>
 * search        str vector name, u8 query kind (0 dense: u32 n, n x f32 | 1 sparse: sparse vec |
 *               2 example-scored dense: u32 n, n x f32, examples), filter, u32 limit, u32 offset, u8 has score_threshold, [f32], params,
 *               payload selector, vector selector
 * params        u8 flags (1 has hnsw_ef, 2 exact, 4 indexed_only, 8 has idf corpus),
 *               [u32 hnsw_ef], quantization, [filter idf corpus]
 * quantization  u8 flags (1 ignore, 2 has rescore, 4 rescore, 8 has oversampling), [f64 oversampling]
 * payload sel.  u8 kind: 0 all | 1 none | 2 include: strs | 3 exclude: strs | 255 null
 * vector sel.   u8 kind: 0 all | 1 none | 2 names: strs | 255 null
 * examples      u8 kind (0 discover | 1 context | 2 relevance feedback | 3 best_score |
 *               4 sum_scores), u32 m, m x (u32 n, n x f32), then for 2: u32 k, k x f32 scores,
 *               f32 a, f32 b, f32 c; for 3 and 4: u32 positives
 * scroll        opt filter, u32 limit, opt id offset, u8 has order_by, [str key, u8 descending,
 *               u8 has start_from, [f64]], payload selector, vector selector
 * </pre>
 *
 * Stateless and thread-safe.
 */
final class QueryWire {
    private static final int NULL = 255;

    private QueryWire() {}

    static void writeSearch(BinaryWriter w, CoreSearch s) {
        w.str(s.vectorName());
        if (s.sparse()) {
            w.u8(1).sparseVector(s.sparseVector());
        } else if (s.examples() != null) {
            w.u8(2).floats(s.vector());
            writeExamples(w, s.examples());
        } else {
            w.u8(0).floats(s.vector());
        }
        FilterCodec.write(w, s.filter());
        w.count(s.limit()).count(s.offset()).bool(s.scoreThreshold() != null);
        if (s.scoreThreshold() != null) {
            w.f32(s.scoreThreshold());
        }
        writeParams(w, s.params());
        writePayloadSelector(w, s.withPayload());
        writeVectorSelector(w, s.withVector());
    }

    static CoreSearch readSearch(BinaryReader r) {
        String name = r.str();
        int kind = r.u8();
        float[] dense = null;
        SparseVector sparse = null;
        ExampleScore examples = null;
        switch (kind) {
            case 0 -> dense = r.floats();
            case 1 -> sparse = r.sparseVector();
            case 2 -> {
                dense = r.floats();
                examples = readExamples(r);
            }
            default -> throw r.corrupt("unknown query vector kind " + kind + ", expected 0, 1 or 2");
        }
        Filter filter = FilterCodec.read(r);
        int limit = r.i32();
        int offset = r.i32();
        Float threshold = r.bool() ? r.f32() : null;
        SearchParams params = readParams(r);
        PayloadSelector withPayload = readPayloadSelector(r);
        VectorSelector withVector = readVectorSelector(r);
        return new CoreSearch(
                name, dense, filter, limit, offset, threshold, params, withPayload, withVector, sparse, examples);
    }

    private static void writeExamples(BinaryWriter w, ExampleScore e) {
        int kind =
                switch (e) {
                    case ExampleScore.Discover x -> 0;
                    case ExampleScore.Context x -> 1;
                    case ExampleScore.Feedback x -> 2;
                    case ExampleScore.BestScore x -> 3;
                    case ExampleScore.SumScores x -> 4;
                };
        w.u8(kind).count(e.examples().size());
        for (float[] v : e.examples()) {
            w.floats(v);
        }
        switch (e) {
            case ExampleScore.Feedback f ->
                w.floats(f.scores()).f32(f.a()).f32(f.b()).f32(f.c());
            case ExampleScore.BestScore b -> w.count(b.positives());
            case ExampleScore.SumScores s -> w.count(s.positives());
            default -> {}
        }
    }

    private static ExampleScore readExamples(BinaryReader r) {
        int kind = r.u8();
        int m = r.count(4);
        List<float[]> examples = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            examples.add(r.floats());
        }
        try {
            return switch (kind) {
                case 0 -> new ExampleScore.Discover(examples);
                case 1 -> new ExampleScore.Context(examples);
                case 2 -> {
                    float[] scores = r.floats();
                    yield new ExampleScore.Feedback(examples, scores, r.f32(), r.f32(), r.f32());
                }
                case 3 -> new ExampleScore.BestScore(examples, r.i32());
                case 4 -> new ExampleScore.SumScores(examples, r.i32());
                default -> throw r.corrupt("unknown example score kind " + kind);
            };
        } catch (IllegalArgumentException e) {
            throw r.corrupt("invalid example score: " + e.getMessage());
        }
    }

    static void writeParams(BinaryWriter w, SearchParams p) {
        int flags = (p.hnswEf() != null ? 1 : 0)
                | (p.exact() ? 2 : 0)
                | (p.indexedOnly() ? 4 : 0)
                | (p.idfCorpus() != null ? 8 : 0);
        w.u8(flags);
        if (p.hnswEf() != null) {
            w.i32(p.hnswEf());
        }
        SearchParams.QuantizationParams q = p.quantization();
        int qFlags = (q.ignore() ? 1 : 0)
                | (q.rescore() != null ? 2 : 0)
                | (Boolean.TRUE.equals(q.rescore()) ? 4 : 0)
                | (q.oversampling() != null ? 8 : 0);
        w.u8(qFlags);
        if (q.oversampling() != null) {
            w.f64(q.oversampling());
        }
        if (p.idfCorpus() != null) {
            FilterCodec.write(w, p.idfCorpus());
        }
    }

    static SearchParams readParams(BinaryReader r) {
        int flags = flags(r, "search params");
        Integer ef = (flags & 1) != 0 ? r.i32() : null;
        int qFlags = flags(r, "quantization params");
        Boolean rescore = (qFlags & 2) != 0 ? (qFlags & 4) != 0 : null;
        Double oversampling = (qFlags & 8) != 0 ? r.f64() : null;
        SearchParams.QuantizationParams q =
                new SearchParams.QuantizationParams((qFlags & 1) != 0, rescore, oversampling);
        Filter corpus = (flags & 8) != 0 ? FilterCodec.read(r) : null;
        return new SearchParams(ef, (flags & 2) != 0, (flags & 4) != 0, q, corpus);
    }

    private static int flags(BinaryReader r, String what) {
        int flags = r.u8();
        if ((flags & ~15) != 0) {
            throw r.corrupt(what + " flags " + flags + " have bits above 8");
        }
        return flags;
    }

    static void writePayloadSelector(BinaryWriter w, PayloadSelector s) {
        switch (s) {
            case null -> w.u8(NULL);
            case PayloadSelector.All a -> w.u8(0);
            case PayloadSelector.None n -> w.u8(1);
            case PayloadSelector.Include i -> w.u8(2).strs(i.keys());
            case PayloadSelector.Exclude e -> w.u8(3).strs(e.keys());
        }
    }

    static PayloadSelector readPayloadSelector(BinaryReader r) {
        int kind = r.u8();
        return switch (kind) {
            case 0 -> PayloadSelector.ALL;
            case 1 -> PayloadSelector.NONE;
            case 2 -> new PayloadSelector.Include(r.strs());
            case 3 -> new PayloadSelector.Exclude(r.strs());
            case NULL -> null;
            default -> throw r.corrupt("unknown payload selector kind " + kind);
        };
    }

    static void writeVectorSelector(BinaryWriter w, VectorSelector s) {
        switch (s) {
            case null -> w.u8(NULL);
            case VectorSelector.All a -> w.u8(0);
            case VectorSelector.None n -> w.u8(1);
            case VectorSelector.Names n -> w.u8(2).strs(n.names());
        }
    }

    static VectorSelector readVectorSelector(BinaryReader r) {
        int kind = r.u8();
        return switch (kind) {
            case 0 -> VectorSelector.ALL;
            case 1 -> VectorSelector.NONE;
            case 2 -> new VectorSelector.Names(r.strs());
            case NULL -> null;
            default -> throw r.corrupt("unknown vector selector kind " + kind);
        };
    }

    static void writeScroll(BinaryWriter w, ScrollRequest s) {
        PointOperationWire.writeOptFilter(w, s.filter());
        w.i32(s.limit()).optId(s.offset()).bool(s.orderBy() != null);
        if (s.orderBy() != null) {
            w.str(s.orderBy().key())
                    .bool(s.orderBy().descending())
                    .bool(s.orderBy().startFrom() != null);
            if (s.orderBy().startFrom() != null) {
                w.f64(s.orderBy().startFrom());
            }
        }
        writePayloadSelector(w, s.withPayload());
        writeVectorSelector(w, s.withVector());
    }

    static ScrollRequest readScroll(BinaryReader r) {
        Filter filter = PointOperationWire.readOptFilter(r);
        int limit = r.i32();
        PointId offset = r.optId();
        ScrollRequest.OrderBy orderBy = null;
        if (r.bool()) {
            String key = r.str();
            boolean descending = r.bool();
            orderBy = new ScrollRequest.OrderBy(key, descending, r.bool() ? r.f64() : null);
        }
        return new ScrollRequest(filter, limit, offset, orderBy, readPayloadSelector(r), readVectorSelector(r));
    }
}
