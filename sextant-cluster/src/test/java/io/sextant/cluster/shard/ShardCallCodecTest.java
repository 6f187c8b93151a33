package io.sextant.cluster.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.codec.CorruptEncodingException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.ExampleScore;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import io.sextant.shard.ShardInfo;
import io.sextant.shard.UpdateResult;
import io.sextant.vector.sparse.SparseVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Round trips of every shard call's request and response through its message bytes (seeded random
 * values, the seed in every failure message), and corrupt messages: bad version, every truncation,
 * trailing bytes and unknown tags are refused, never decoded to another value.
 */
class ShardCallCodecTest {
    private static final RecursiveComparisonConfiguration DEEP = RecursiveComparisonConfiguration.builder()
            .withEqualsForType(Object::equals, ObjectNode.class)
            .build();

    private final long seed = new Random().nextLong();
    private final Random r = new Random(seed);

    /** Encodes {@code value} as a request of {@code call}, decodes it and checks the fields. */
    private <Q> Q requestRoundTrip(ShardCall<Q, ?> call, Q value) {
        byte[] bytes = call.encodeRequest("coll-é", 7, value);
        ShardCall.Addressed<Q> back = call.decodeRequest(bytes);
        assertThat(back.collection()).isEqualTo("coll-é");
        assertThat(back.shardId()).isEqualTo(7);
        assertThat(back.body())
                .as("seed %d, %s request", seed, call.name())
                .usingRecursiveComparison(DEEP)
                .isEqualTo(value);
        assertTruncationsRefused(bytes, call::decodeRequest);
        return back.body();
    }

    private <A> void responseRoundTrip(ShardCall<?, A> call, A value) {
        byte[] bytes = call.encodeResponse(value);
        assertThat(call.decodeResponse(bytes))
                .as("seed %d, %s response", seed, call.name())
                .usingRecursiveComparison(DEEP)
                .isEqualTo(value);
        assertTruncationsRefused(bytes, call::decodeResponse);
    }

    private void assertTruncationsRefused(byte[] bytes, java.util.function.Function<byte[], ?> decode) {
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThatThrownBy(() -> decode.apply(cut))
                    .as("seed %d, %d of %d bytes", seed, cut.length, bytes.length)
                    .isInstanceOf(CorruptEncodingException.class);
        }
    }

    @Test
    void everyPointOperationRoundTripsWithIdAndFilterSelectors() {
        for (int i = 0; i < 20; i++) {
            for (PointOperation op : operations()) {
                requestRoundTrip(ShardCalls.UPDATE, new ShardCalls.UpdateRequest(op, r.nextBoolean()));
                requestRoundTrip(ShardCalls.PRIMARY_UPDATE, new ShardCalls.UpdateRequest(op, r.nextBoolean()));
            }
        }
        responseRoundTrip(ShardCalls.UPDATE, new UpdateResult(r.nextLong(), true));
        responseRoundTrip(ShardCalls.UPDATE, new UpdateResult(0, false));
        responseRoundTrip(ShardCalls.PRIMARY_UPDATE, new UpdateResult(r.nextLong(), true));
        assertThat(ShardCalls.PRIMARY_UPDATE.method().getFullMethodName())
                .isEqualTo("sextant.internal.Shard/PrimaryUpdate");
        assertThat(ShardCalls.ALL).as("served from the local replicas").doesNotContain(ShardCalls.PRIMARY_UPDATE);
    }

    @Test
    void recoveryPointsRoundTripWithAndWithoutTheOrderedRunsTail() {
        RecoveryPoint plain = new RecoveryPoint(r.nextLong() | 1, 3, 9);
        responseRoundTrip(ShardCalls.RECOVERY_POINT, plain);
        responseRoundTrip(ShardCalls.RECOVERY_POINT, RecoveryPoint.UNKNOWN);
        byte[] plainBytes = ShardCalls.RECOVERY_POINT.encodeResponse(plain);
        RecoveryPoint ordered = new RecoveryPoint(plain.incarnation(), 1, 9, java.util.Map.of(5L, 2L, -3L, 7L));
        byte[] bytes = ShardCalls.RECOVERY_POINT.encodeResponse(ordered);
        assertThat(bytes).hasSize(plainBytes.length + 4 + 2 * 16);
        assertThat(ShardCalls.RECOVERY_POINT.decodeResponse(bytes)).isEqualTo(ordered);
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            if (len == plainBytes.length) { // the tail is optional: without it, a point nobody vouches for
                assertThat(ShardCalls.RECOVERY_POINT.decodeResponse(cut).knownComplete())
                        .isEmpty();
                continue;
            }
            assertThatThrownBy(() -> ShardCalls.RECOVERY_POINT.decodeResponse(cut))
                    .as("%d of %d bytes", len, bytes.length)
                    .isInstanceOf(CorruptEncodingException.class);
        }
        byte[] emptyTail = Arrays.copyOf(plainBytes, plainBytes.length + 4); // k = 0
        assertThatThrownBy(() -> ShardCalls.RECOVERY_POINT.decodeResponse(emptyTail))
                .isInstanceOf(CorruptEncodingException.class)
                .hasMessageContaining("empty known-complete tail");
    }

    @Test
    void taggedBatchesRoundTripAndAnEmptyOneIsRefused() {
        ShardCalls.TaggedBatchRequest batch = new ShardCalls.TaggedBatchRequest(
                new OperationTag(r.nextLong() | 1, 1 + r.nextInt(1000)), operations(), r.nextBoolean());
        ShardCalls.TaggedBatchRequest back = requestRoundTrip(ShardCalls.TAGGED_BATCH, batch);
        assertThat(back.last().tick())
                .isEqualTo(batch.first().tick() + batch.operations().size() - 1);
        responseRoundTrip(ShardCalls.TAGGED_BATCH, new UpdateResult(r.nextLong(), true));
        PointOperation single = operations().getFirst();
        byte[] one = ShardCalls.TAGGED_BATCH.encodeRequest(
                "c", 0, new ShardCalls.TaggedBatchRequest(new OperationTag(3, 1), List.of(single), true));
        byte[] empty = Arrays.copyOf(one, one.length);
        // the count (u32 after the envelope, incarnation, tick and wait) set to 0 leaves trailing bytes
        int countAt = one.length - PointOperationWire.encode(single).length - 4;
        empty[countAt] = empty[countAt + 1] = empty[countAt + 2] = empty[countAt + 3] = 0;
        assertThatThrownBy(() -> ShardCalls.TAGGED_BATCH.decodeRequest(empty))
                .isInstanceOf(CorruptEncodingException.class);
        assertThatThrownBy(() -> new ShardCalls.TaggedBatchRequest(new OperationTag(3, 1), List.of(), true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private List<PointOperation> operations() {
        List<PointOperation> ops = new ArrayList<>();
        List<PointOperation.PointStruct> points = new ArrayList<>();
        List<PointOperation.PointVectors> vectors = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            points.add(new PointOperation.PointStruct(id(), dense(), sparse(), r.nextBoolean() ? payload() : null));
            vectors.add(new PointOperation.PointVectors(id(), dense(), sparse()));
        }
        PointOperation.UpdateMode mode =
                PointOperation.UpdateMode.values()[r.nextInt(PointOperation.UpdateMode.values().length)];
        ops.add(new PointOperation.Upsert(points, mode, r.nextBoolean() ? filter() : null));
        ops.add(new PointOperation.Delete(selector()));
        ops.add(new PointOperation.SetPayload(payload(), selector(), r.nextBoolean() ? "a.b" : null));
        ops.add(new PointOperation.OverwritePayload(payload(), selector()));
        ops.add(new PointOperation.DeletePayload(List.of("x", "y[].z"), selector()));
        ops.add(new PointOperation.ClearPayload(selector()));
        ops.add(new PointOperation.UpdateVectors(vectors, r.nextBoolean() ? filter() : null));
        ops.add(new PointOperation.DeleteVectors(selector(), List.of("", "img")));
        ops.add(new PointOperation.CreateFieldIndex(
                "city", new PayloadIndexSpec(PayloadSchemaType.KEYWORD, true, null, false, null, null, null)));
        ops.add(new PointOperation.CreateFieldIndex("n", PayloadIndexSpec.of(PayloadSchemaType.INTEGER)));
        ops.add(new PointOperation.DeleteFieldIndex("city"));
        return ops;
    }

    @Test
    void searchesRoundTripDenseSparseAndMultivector() {
        for (int i = 0; i < 30; i++) {
            SearchParams params = new SearchParams(
                    r.nextBoolean() ? 1 + r.nextInt(500) : null,
                    r.nextBoolean(),
                    r.nextBoolean(),
                    new SearchParams.QuantizationParams(
                            r.nextBoolean(),
                            r.nextBoolean() ? r.nextBoolean() : null,
                            r.nextBoolean() ? 1 + r.nextDouble() * 3 : null),
                    r.nextBoolean() ? filter() : null);
            float[] dense = floats(r.nextBoolean() ? 4 : 12); // 12 = a multivector of three rows of 4
            boolean sparse = r.nextInt(3) == 0;
            CoreSearch s = new CoreSearch(
                    r.nextBoolean() ? "" : "named",
                    sparse ? null : dense,
                    filter(),
                    r.nextInt(100),
                    r.nextInt(10),
                    r.nextBoolean() ? r.nextFloat() : null,
                    params,
                    payloadSelector(),
                    vectorSelector(),
                    sparse ? sparseVector() : null);
            requestRoundTrip(ShardCalls.SEARCH, s);
            List<ScoredPoint> hits = new ArrayList<>();
            for (int k = r.nextInt(4); k > 0; k--) {
                hits.add(new ScoredPoint(
                        id(),
                        r.nextLong(),
                        r.nextFloat(),
                        r.nextBoolean() ? payload() : null,
                        r.nextBoolean() ? dense() : null,
                        r.nextBoolean() ? sparse() : null));
            }
            responseRoundTrip(ShardCalls.SEARCH, hits);
        }
    }

    @Test
    void exampleScoredSearchesRoundTrip() {
        for (int i = 0; i < 20; i++) {
            List<float[]> ex = new ArrayList<>();
            int pairs = 1 + r.nextInt(3);
            for (int k = 0; k < 2 * pairs + 1; k++) {
                ex.add(floats(4));
            }
            float[] scores = new float[ex.size() - 1];
            for (int k = 0; k < scores.length; k++) {
                scores[k] = r.nextFloat();
            }
            ExampleScore es =
                    switch (r.nextInt(5)) {
                        case 0 -> new ExampleScore.Discover(ex);
                        case 1 -> new ExampleScore.Context(ex.subList(1, ex.size()));
                        case 2 -> new ExampleScore.Feedback(ex, scores, r.nextFloat(), r.nextFloat(), r.nextFloat());
                        case 3 -> new ExampleScore.BestScore(ex, r.nextInt(ex.size() + 1));
                        default -> new ExampleScore.SumScores(ex, r.nextInt(ex.size() + 1));
                    };
            CoreSearch s = new CoreSearch(
                    "v",
                    ex.getFirst(),
                    filter(),
                    r.nextInt(100),
                    0,
                    r.nextBoolean() ? r.nextFloat() : null,
                    SearchParams.DEFAULT,
                    payloadSelector(),
                    vectorSelector(),
                    null,
                    es);
            requestRoundTrip(ShardCalls.SEARCH, s);
        }
    }

    @Test
    void retrieveScrollCountInfoAndSparseStatsRoundTrip() {
        for (int i = 0; i < 20; i++) {
            List<PointId> ids = new ArrayList<>();
            for (int k = r.nextInt(5); k > 0; k--) {
                ids.add(id());
            }
            requestRoundTrip(
                    ShardCalls.RETRIEVE, new ShardCalls.RetrieveRequest(ids, payloadSelector(), vectorSelector()));
            responseRoundTrip(ShardCalls.RETRIEVE, records());

            ScrollRequest.OrderBy orderBy = r.nextBoolean()
                    ? new ScrollRequest.OrderBy("n", r.nextBoolean(), r.nextBoolean() ? r.nextDouble() : null)
                    : null;
            requestRoundTrip(
                    ShardCalls.SCROLL,
                    new ScrollRequest(
                            r.nextBoolean() ? filter() : null,
                            r.nextInt(1000),
                            orderBy == null && r.nextBoolean() ? id() : null,
                            orderBy,
                            payloadSelector(),
                            vectorSelector()));
            responseRoundTrip(ShardCalls.SCROLL, new ScrollPage(records(), r.nextBoolean() ? id() : null));

            requestRoundTrip(
                    ShardCalls.COUNT, new ShardCalls.CountRequest(r.nextBoolean() ? filter() : null, r.nextBoolean()));
            responseRoundTrip(ShardCalls.COUNT, r.nextLong());

            int[] dims = new int[r.nextInt(5)];
            Arrays.setAll(dims, d -> r.nextInt());
            requestRoundTrip(
                    ShardCalls.SPARSE_STATS,
                    new ShardCalls.SparseStatsRequest("text", dims, r.nextBoolean() ? filter() : null));
            long[] df = new long[dims.length];
            Arrays.setAll(df, d -> r.nextInt(1000));
            responseRoundTrip(ShardCalls.SPARSE_STATS, new SparseStats(r.nextInt(5000), df));

            requestRoundTrip(ShardCalls.INFO, null);
            Map<String, ShardInfo.FieldSchemaInfo> schema = new LinkedHashMap<>();
            schema.put("city", new ShardInfo.FieldSchemaInfo(PayloadIndexSpec.of(PayloadSchemaType.KEYWORD), 12));
            schema.put("n", new ShardInfo.FieldSchemaInfo(PayloadIndexSpec.of(PayloadSchemaType.INTEGER), 3));
            responseRoundTrip(
                    ShardCalls.INFO,
                    new ShardInfo(
                            "yellow",
                            r.nextInt(1000),
                            r.nextInt(1000),
                            3,
                            schema,
                            r.nextBoolean() ? "disk full" : null));
        }
    }

    @Test
    void aMessageOfAnotherVersionIsRefused() {
        byte[] request = ShardCalls.COUNT.encodeRequest("c", 0, new ShardCalls.CountRequest(null, true));
        assertThat(request[0]).isEqualTo((byte) ShardCall.VERSION);
        request[0] = 2;
        assertThatThrownBy(() -> ShardCalls.COUNT.decodeRequest(request))
                .isInstanceOf(CorruptEncodingException.class)
                .hasMessageContaining("version 2 is not supported, expected 1");
        byte[] response = ShardCalls.COUNT.encodeResponse(5L);
        response[0] = 0;
        assertThatThrownBy(() -> ShardCalls.COUNT.decodeResponse(response))
                .isInstanceOf(CorruptEncodingException.class)
                .hasMessageContaining("version 0 is not supported");
    }

    @Test
    void trailingBytesUnknownTagsAndHugeCountsAreRefused() {
        byte[] ok = ShardCalls.COUNT.encodeResponse(5L);
        byte[] longer = Arrays.copyOf(ok, ok.length + 3);
        assertThatThrownBy(() -> ShardCalls.COUNT.decodeResponse(longer))
                .isInstanceOf(CorruptEncodingException.class)
                .hasMessageContaining("3 trailing bytes");

        // version, str "c" (u32 length + 1 byte), u32 shard id, u8 wait, u8 operation type
        byte[] update = ShardCalls.UPDATE.encodeRequest(
                "c",
                0,
                new ShardCalls.UpdateRequest(
                        new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(1)))), true));
        update[11] = 42;
        assertThatThrownBy(() -> ShardCalls.UPDATE.decodeRequest(update))
                .isInstanceOf(CorruptEncodingException.class)
                .hasMessageContaining("unknown point operation type 42");

        byte[] hits = ShardCalls.SEARCH.encodeResponse(List.of());
        hits[1] = 0x10; // u32 hit count of 2^28
        assertThatThrownBy(() -> ShardCalls.SEARCH.decodeResponse(hits))
                .isInstanceOf(CorruptEncodingException.class)
                .hasMessageContaining("exceeds");
    }

    private PointId id() {
        return r.nextBoolean() ? PointId.of(r.nextLong()) : PointId.of(new UUID(r.nextLong(), r.nextLong()));
    }

    private float[] floats(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    private Map<String, float[]> dense() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            m.put(i == 1 ? "" : "v" + i, floats(1 + r.nextInt(6)));
        }
        return m;
    }

    private SparseVector sparseVector() {
        int n = r.nextInt(5);
        int[] dims = new int[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            dims[i] = i * 3 + r.nextInt(3);
            w[i] = r.nextFloat();
        }
        return new SparseVector(dims, w);
    }

    private Map<String, SparseVector> sparse() {
        return r.nextBoolean() ? Map.of() : Map.of("text", sparseVector());
    }

    private ObjectNode payload() {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("n", r.nextInt());
        p.put("city", "Zürich");
        p.putArray("tags").add("a").add(1.5).addNull();
        p.putObject("nested").put("ok", r.nextBoolean());
        return p;
    }

    private Filter filter() {
        return switch (r.nextInt(4)) {
            case 0 -> Filter.ALL;
            case 1 -> Filter.must(new Condition.MatchCondition("city", new Match.Value("Paris")));
            case 2 ->
                new Filter(
                        List.of(new Condition.RangeCondition("n", 1.0, null, null, 9.5, false)),
                        List.of(new Condition.HasIdCondition(Set.of(id(), id()))),
                        List.of(new Condition.NestedCondition(
                                "arr", Filter.must(new Condition.MatchCondition("x", new Match.Any(List.of(1L, 2L)))))),
                        null);
            default ->
                new Filter(
                        null,
                        null,
                        null,
                        new Filter.MinShould(
                                List.of(new Condition.IsEmptyCondition("a"), new Condition.HasVectorCondition("")), 1));
        };
    }

    private PointsSelector selector() {
        return r.nextBoolean() ? new PointsSelector.Ids(List.of(id(), id())) : new PointsSelector.ByFilter(filter());
    }

    private PayloadSelector payloadSelector() {
        return switch (r.nextInt(5)) {
            case 0 -> PayloadSelector.ALL;
            case 1 -> PayloadSelector.NONE;
            case 2 -> new PayloadSelector.Include(List.of("a", "b.c"));
            case 3 -> new PayloadSelector.Exclude(List.of("tags"));
            default -> null;
        };
    }

    private VectorSelector vectorSelector() {
        return switch (r.nextInt(4)) {
            case 0 -> VectorSelector.ALL;
            case 1 -> VectorSelector.NONE;
            case 2 -> new VectorSelector.Names(List.of("", "text"));
            default -> null;
        };
    }

    private List<PointRecord> records() {
        List<PointRecord> out = new ArrayList<>();
        for (int k = r.nextInt(4); k > 0; k--) {
            out.add(new PointRecord(
                    id(),
                    r.nextBoolean() ? payload() : null,
                    r.nextBoolean() ? dense() : null,
                    r.nextBoolean() ? sparse() : null,
                    r.nextLong(),
                    r.nextBoolean() ? r.nextDouble() : null));
        }
        return out;
    }
}
