package io.sextant.server.api.grpc.convert;

import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.range;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.Points;
import io.sextant.segment.error.UserException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the gRPC converters ({@code api.grpc.convert}): the input's first
 * byte picks a request type, the rest is parsed as that protobuf message (bytes that are not a
 * message are refused by gRPC itself before any of our code runs) and converted as the endpoint
 * does. The only acceptable outcomes are a converted request or what {@code GrpcErrors} maps to a
 * client status ({@link UserException}, {@link IllegalArgumentException}); anything else would be
 * {@code INTERNAL} and is a finding. Seeds are the README walkthrough's requests built with the
 * official client's factories. {@code bin/test} replays them and {@code
 * GrpcProtoFuzzTestInputs/convert}; {@code bin/bench fuzz} fuzzes.
 */
class GrpcProtoFuzzTest {

    /** A request type and the conversion its endpoint applies. */
    private record Endpoint(Class<? extends MessageLite> type, Parser parser, Converter converter) {}

    @FunctionalInterface
    private interface Parser {
        MessageLite parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    @FunctionalInterface
    private interface Converter {
        Object convert(MessageLite message);
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint(
                    Points.QueryPoints.class,
                    Points.QueryPoints::parseFrom,
                    m -> QueryProto.query((Points.QueryPoints) m)),
            new Endpoint(
                    Points.QueryBatchPoints.class,
                    Points.QueryBatchPoints::parseFrom,
                    m -> QueryProto.queryBatch((Points.QueryBatchPoints) m)),
            new Endpoint(
                    Points.QueryPointGroups.class,
                    Points.QueryPointGroups::parseFrom,
                    m -> QueryProto.queryGroups((Points.QueryPointGroups) m)),
            new Endpoint(
                    Points.SearchPoints.class,
                    Points.SearchPoints::parseFrom,
                    m -> QueryProto.search((Points.SearchPoints) m)),
            new Endpoint(
                    Points.SearchPointGroups.class,
                    Points.SearchPointGroups::parseFrom,
                    m -> QueryProto.searchGroups((Points.SearchPointGroups) m)),
            new Endpoint(
                    Points.RecommendPoints.class,
                    Points.RecommendPoints::parseFrom,
                    m -> QueryProto.recommend((Points.RecommendPoints) m)),
            new Endpoint(
                    Points.RecommendPointGroups.class,
                    Points.RecommendPointGroups::parseFrom,
                    m -> QueryProto.recommendGroups((Points.RecommendPointGroups) m)),
            new Endpoint(
                    Points.UpsertPoints.class,
                    Points.UpsertPoints::parseFrom,
                    m -> UpdateProto.upsert((Points.UpsertPoints) m)),
            new Endpoint(
                    Points.DeletePoints.class,
                    Points.DeletePoints::parseFrom,
                    m -> UpdateProto.delete((Points.DeletePoints) m)),
            new Endpoint(
                    Points.UpdatePointVectors.class,
                    Points.UpdatePointVectors::parseFrom,
                    m -> UpdateProto.updateVectors((Points.UpdatePointVectors) m)),
            new Endpoint(
                    Points.DeletePointVectors.class,
                    Points.DeletePointVectors::parseFrom,
                    m -> UpdateProto.deleteVectors((Points.DeletePointVectors) m)),
            new Endpoint(
                    Points.SetPayloadPoints.class,
                    Points.SetPayloadPoints::parseFrom,
                    m -> UpdateProto.setPayload((Points.SetPayloadPoints) m, false)),
            new Endpoint(
                    Points.DeletePayloadPoints.class,
                    Points.DeletePayloadPoints::parseFrom,
                    m -> UpdateProto.deletePayload((Points.DeletePayloadPoints) m)),
            new Endpoint(
                    Points.ClearPayloadPoints.class,
                    Points.ClearPayloadPoints::parseFrom,
                    m -> UpdateProto.clearPayload((Points.ClearPayloadPoints) m)),
            new Endpoint(
                    Points.CreateFieldIndexCollection.class,
                    Points.CreateFieldIndexCollection::parseFrom,
                    m -> UpdateProto.createFieldIndex((Points.CreateFieldIndexCollection) m)),
            new Endpoint(
                    Points.UpdateBatchPoints.class,
                    Points.UpdateBatchPoints::parseFrom,
                    m -> UpdateProto.batch(((Points.UpdateBatchPoints) m).getOperationsList())),
            new Endpoint(
                    Points.ScrollPoints.class, Points.ScrollPoints::parseFrom, m -> scroll((Points.ScrollPoints) m)),
            new Endpoint(
                    Collections.CreateCollection.class,
                    Collections.CreateCollection::parseFrom,
                    m -> CollectionProto.create((Collections.CreateCollection) m)),
            new Endpoint(
                    Collections.UpdateCollection.class,
                    Collections.UpdateCollection::parseFrom,
                    m -> CollectionProto.update((Collections.UpdateCollection) m)),
            new Endpoint(
                    Collections.ChangeAliases.class,
                    Collections.ChangeAliases::parseFrom,
                    m -> CollectionProto.aliases((Collections.ChangeAliases) m)),
            new Endpoint(
                    Common.Filter.class,
                    Common.Filter::parseFrom,
                    m -> FilterProto.parse((Common.Filter) m, "filter")));

    @MethodSource("seeds")
    @FuzzTest
    void convert(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Endpoint e = ENDPOINTS.get(Math.floorMod(input[0], ENDPOINTS.size()));
        MessageLite message;
        try {
            message = e.parser().parse(java.util.Arrays.copyOfRange(input, 1, input.length));
        } catch (InvalidProtocolBufferException notAMessage) {
            return; // refused by gRPC's unmarshaller
        }
        try {
            assertThat(e.converter().convert(message)).isNotNull();
        } catch (UserException | IllegalArgumentException userError) {
            assertThat(userError.getMessage()).isNotBlank();
        }
    }

    /** The conversions {@code PointsEndpoint.scroll} applies before reading. */
    private static Object scroll(Points.ScrollPoints r) {
        UpdateProto.checkShardKey(r.hasShardKeySelector(), "shard_key_selector");
        return List.of(
                r.hasOffset() ? PointIdProto.parse(r.getOffset(), "offset") : "",
                r.hasOrderBy() ? QueryProto.orderBy(r.getOrderBy(), "order_by") : "",
                FilterProto.parseOptional(r.hasFilter(), r.getFilter(), "filter"));
    }

    /** The walkthrough's requests (and a few more shapes), each prefixed with its endpoint byte. */
    static Stream<byte[]> seeds() {
        Common.Filter london = Common.Filter.newBuilder()
                .addMust(matchKeyword("city", "London"))
                .addShould(range("price", Common.Range.newBuilder().setGte(20).build()))
                .build();
        Points.PointStruct point = Points.PointStruct.newBuilder()
                .setId(PointIdFactory.id(1))
                .setVectors(VectorsFactory.vectors(0.05f, 0.61f, 0.76f, 0.74f))
                .putAllPayload(Map.of("city", ValueFactory.value("Berlin"), "price", ValueFactory.value(10)))
                .build();
        Points.QueryPoints query = Points.QueryPoints.newBuilder()
                .setCollectionName("demo")
                .setQuery(QueryFactory.nearest(0.2f, 0.1f, 0.9f, 0.7f))
                .setLimit(3)
                .setFilter(london)
                .build();
        List<MessageLite> messages = List.of(
                query,
                Points.QueryBatchPoints.newBuilder()
                        .setCollectionName("demo")
                        .addQueryPoints(query)
                        .build(),
                Points.QueryPointGroups.newBuilder()
                        .setCollectionName("demo")
                        .setQuery(QueryFactory.nearest(0.2f, 0.1f, 0.9f, 0.7f))
                        .setGroupBy("city")
                        .setLimit(2)
                        .setGroupSize(2)
                        .build(),
                Points.SearchPoints.newBuilder()
                        .setCollectionName("demo")
                        .addAllVector(List.of(0.2f, 0.1f, 0.9f, 0.7f))
                        .setLimit(3)
                        .setFilter(london)
                        .build(),
                Points.UpsertPoints.newBuilder()
                        .setCollectionName("demo")
                        .setWait(true)
                        .addPoints(point)
                        .build(),
                Points.DeletePoints.newBuilder()
                        .setCollectionName("demo")
                        .setPoints(Points.PointsSelector.newBuilder()
                                .setPoints(Points.PointsIdsList.newBuilder().addIds(PointIdFactory.id(4))))
                        .build(),
                Collections.CreateCollection.newBuilder()
                        .setCollectionName("demo")
                        .setVectorsConfig(Collections.VectorsConfig.newBuilder()
                                .setParams(Collections.VectorParams.newBuilder()
                                        .setSize(4)
                                        .setDistance(Collections.Distance.Dot)))
                        .build(),
                Points.CreateFieldIndexCollection.newBuilder()
                        .setCollectionName("demo")
                        .setFieldName("city")
                        .setFieldType(Points.FieldType.FieldTypeKeyword)
                        .build(),
                Points.ScrollPoints.newBuilder()
                        .setCollectionName("demo")
                        .setLimit(2)
                        .setFilter(london)
                        .build(),
                london,
                // sparse vectors: config, upsert, hybrid query with weighted RRF, legacy sparse search
                Collections.CreateCollection.newBuilder()
                        .setCollectionName("hybrid")
                        .setSparseVectorsConfig(Collections.SparseVectorConfig.newBuilder()
                                .putMap(
                                        "text",
                                        Collections.SparseVectorParams.newBuilder()
                                                .setIndex(Collections.SparseIndexConfig.newBuilder()
                                                        .setFullScanThreshold(100)
                                                        .setDatatype(Collections.Datatype.Float16))
                                                .setModifier(Collections.Modifier.Idf)
                                                .build()))
                        .build(),
                Points.UpsertPoints.newBuilder()
                        .setCollectionName("hybrid")
                        .addPoints(Points.PointStruct.newBuilder()
                                .setId(PointIdFactory.id(1))
                                .setVectors(VectorsFactory.namedVectors(Map.of(
                                        "text",
                                        io.qdrant.client.VectorFactory.vector(List.of(0.5f, 1f), List.of(7, -1))))))
                        .build(),
                Points.QueryPoints.newBuilder()
                        .setCollectionName("hybrid")
                        .addPrefetch(Points.PrefetchQuery.newBuilder()
                                .setQuery(QueryFactory.nearest(List.of(0.5f), List.of(7)))
                                .setUsing("text"))
                        .addPrefetch(Points.PrefetchQuery.newBuilder()
                                .setQuery(QueryFactory.nearest(0.2f, 0.1f))
                                .setUsing("dense"))
                        .setQuery(QueryFactory.rrf(Points.Rrf.newBuilder()
                                .setK(60)
                                .addWeights(1f)
                                .addWeights(2f)
                                .build()))
                        .build(),
                Points.SearchPoints.newBuilder()
                        .setCollectionName("hybrid")
                        .addAllVector(List.of(0.5f, 1f))
                        .setSparseIndices(
                                Points.SparseIndices.newBuilder().addData(7).addData(9))
                        .setVectorName("text")
                        .setLimit(3)
                        .build());
        return messages.stream().map(m -> {
            int index = indexOf(m.getClass());
            byte[] body = m.toByteArray();
            byte[] seed = new byte[body.length + 1];
            seed[0] = (byte) index;
            System.arraycopy(body, 0, seed, 1, body.length);
            return seed;
        });
    }

    private static int indexOf(Class<?> type) {
        for (int i = 0; i < ENDPOINTS.size(); i++) {
            if (ENDPOINTS.get(i).type().equals(type)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no endpoint for " + type);
    }
}
