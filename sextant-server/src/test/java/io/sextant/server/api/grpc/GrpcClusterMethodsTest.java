package io.sextant.server.api.grpc;

import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.ShardKeyFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Points.PointStruct;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster methods of {@code qdrant.Collections} on a standalone node, through the official
 * client: cluster info and shard keys are read from the collection; shard keys of a custom-sharded
 * collection can be created and dropped (unlike on a standalone Qdrant) and selected by point
 * requests; cluster setup fails as a standalone Qdrant fails it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcClusterMethodsTest {

    /** Qdrant's text, written out here so that a change of the endpoint's constant is noticed. */
    static final String STANDALONE = "Qdrant is running in standalone mode";

    @TempDir
    static Path dir;

    GrpcFixture fx;

    @BeforeAll
    void start() {
        fx = new GrpcFixture(dir);
        get(fx.client.createCollectionAsync(Collections.CreateCollection.newBuilder()
                .setCollectionName("two_shards")
                .setShardNumber(2)
                .setVectorsConfig(Collections.VectorsConfig.newBuilder()
                        .setParams(VectorParams.newBuilder().setSize(2).setDistance(Distance.Dot)))
                .build()));
        List<PointStruct> points = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            points.add(PointStruct.newBuilder()
                    .setId(PointIdFactory.id(i))
                    .setVectors(VectorsFactory.vectors(1f, i))
                    .build());
        }
        get(fx.client.upsertAsync("two_shards", points));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void clusterInfoListsEveryShardAsLocalAndActive() {
        Collections.CollectionClusterInfoResponse info = get(fx.client.getCollectionClusterInfoAsync("two_shards"));
        assertThat(info.getShardCount()).isEqualTo(2);
        assertThat(info.getLocalShardsList())
                .extracting(Collections.LocalShardInfo::getShardId)
                .containsExactly(0, 1);
        assertThat(info.getLocalShardsList())
                .extracting(Collections.LocalShardInfo::getState)
                .containsOnly(Collections.ReplicaState.Active);
        assertThat(info.getLocalShardsList().stream()
                        .mapToLong(Collections.LocalShardInfo::getPointsCount)
                        .sum())
                .isEqualTo(25);
        assertThat(info.getLocalShardsList())
                .allSatisfy(s -> assertThat(s.getPointsCount()).isPositive());
        assertThat(info.getRemoteShardsList()).isEmpty();
        assertThat(info.getShardTransfersList()).isEmpty();
        assertThat(info.getReshardingOperationsList()).isEmpty();
        assertStatus(fx.client.getCollectionClusterInfoAsync("missing"), Status.Code.NOT_FOUND, "missing");
    }

    @Test
    void autoShardedCollectionsHaveNoShardKeys() {
        assertThat(get(fx.client.listShardKeysAsync("two_shards"))).isEmpty();
        assertStatus(fx.client.listShardKeysAsync("missing"), Status.Code.NOT_FOUND, "missing");
    }

    @Test
    void shardKeysOfACustomShardedCollection() {
        get(fx.client.createCollectionAsync(Collections.CreateCollection.newBuilder()
                .setCollectionName("custom")
                .setShardingMethod(Collections.ShardingMethod.Custom)
                .setVectorsConfig(Collections.VectorsConfig.newBuilder()
                        .setParams(VectorParams.newBuilder().setSize(2).setDistance(Distance.Dot)))
                .build()));
        Collections.ShardKey a = ShardKeyFactory.shardKey("a");
        Collections.ShardKey seven = ShardKeyFactory.shardKey(7);
        for (Collections.ShardKey k : List.of(a, seven)) {
            assertThat(get(fx.client.createShardKeyAsync(Collections.CreateShardKeyRequest.newBuilder()
                                    .setCollectionName("custom")
                                    .setRequest(Collections.CreateShardKey.newBuilder()
                                            .setShardKey(k)
                                            .setShardsNumber(2))
                                    .build()))
                            .getResult())
                    .isTrue();
        }
        assertThat(get(fx.client.listShardKeysAsync("custom")))
                .extracting(Collections.ShardKeyDescription::getKey)
                .containsExactly(a, seven);
        assertStatus(
                fx.client.createShardKeyAsync(Collections.CreateShardKeyRequest.newBuilder()
                        .setCollectionName("custom")
                        .setRequest(Collections.CreateShardKey.newBuilder().setShardKey(a))
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "already exists");
        List<PointStruct> points = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            points.add(PointStruct.newBuilder()
                    .setId(PointIdFactory.id(i))
                    .setVectors(VectorsFactory.vectors(1f, i))
                    .build());
        }
        get(fx.client.upsertAsync(io.qdrant.client.grpc.Points.UpsertPoints.newBuilder()
                .setCollectionName("custom")
                .addAllPoints(points)
                .setShardKeySelector(io.qdrant.client.ShardKeySelectorFactory.shardKeySelector(7))
                .setWait(true)
                .build()));
        assertStatus(
                fx.client.upsertAsync(io.qdrant.client.grpc.Points.UpsertPoints.newBuilder()
                        .setCollectionName("custom")
                        .addAllPoints(points)
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "Shard key not specified");
        assertThat(get(fx.client.countAsync("custom"))).isEqualTo(6);
        var inA = get(fx.client.queryAsync(io.qdrant.client.grpc.Points.QueryPoints.newBuilder()
                .setCollectionName("custom")
                .setQuery(io.qdrant.client.QueryFactory.nearest(1f, 1f))
                .setShardKeySelector(io.qdrant.client.ShardKeySelectorFactory.shardKeySelector("a"))
                .build()));
        assertThat(inA).isEmpty();
        var inSeven = get(fx.client.queryAsync(io.qdrant.client.grpc.Points.QueryPoints.newBuilder()
                .setCollectionName("custom")
                .setQuery(io.qdrant.client.QueryFactory.nearest(1f, 1f))
                .setShardKeySelector(io.qdrant.client.ShardKeySelectorFactory.shardKeySelector(7))
                .setLimit(2)
                .build()));
        assertThat(inSeven).extracting(p -> p.getId().getNum()).containsExactly(5L, 4L);
        // batches: each request on its own key
        get(fx.client.batchUpdateAsync(
                "custom",
                List.of(io.qdrant.client.grpc.Points.PointsUpdateOperation.newBuilder()
                        .setUpsert(io.qdrant.client.grpc.Points.PointsUpdateOperation.PointStructList.newBuilder()
                                .addAllPoints(points.subList(0, 2))
                                .setShardKeySelector(io.qdrant.client.ShardKeySelectorFactory.shardKeySelector("a")))
                        .build()),
                true,
                null,
                null));
        var batch = get(fx.client.searchBatchAsync(
                "custom",
                List.of("a", "7").stream()
                        .map(k -> io.qdrant.client.grpc.Points.SearchPoints.newBuilder()
                                .setCollectionName("custom")
                                .addAllVector(List.of(1f, 1f))
                                .setLimit(10)
                                .setShardKeySelector(
                                        k.equals("a")
                                                ? io.qdrant.client.ShardKeySelectorFactory.shardKeySelector("a")
                                                : io.qdrant.client.ShardKeySelectorFactory.shardKeySelector(7))
                                .build())
                        .toList(),
                null));
        assertThat(batch.get(0).getResultList()).hasSize(2);
        assertThat(batch.get(1).getResultList()).hasSize(6);
        assertThat(get(fx.client.deleteShardKeyAsync(Collections.DeleteShardKeyRequest.newBuilder()
                                .setCollectionName("custom")
                                .setRequest(
                                        Collections.DeleteShardKey.newBuilder().setShardKey(seven))
                                .build()))
                        .getResult())
                .isTrue();
        assertThat(get(fx.client.countAsync("custom"))).isEqualTo(2);
        assertThat(get(fx.client.listShardKeysAsync("custom")))
                .extracting(Collections.ShardKeyDescription::getKey)
                .containsExactly(a);
    }

    @Test
    void shardKeysOnAnAutoShardedCollectionAndClusterSetupFail() {
        Collections.ShardKey key = ShardKeyFactory.shardKey("tenant_a");
        for (Future<?> call : List.of(
                fx.client.createShardKeyAsync(Collections.CreateShardKeyRequest.newBuilder()
                        .setCollectionName("two_shards")
                        .setRequest(Collections.CreateShardKey.newBuilder().setShardKey(key))
                        .build()),
                fx.client.deleteShardKeyAsync(Collections.DeleteShardKeyRequest.newBuilder()
                        .setCollectionName("two_shards")
                        .setRequest(Collections.DeleteShardKey.newBuilder().setShardKey(key))
                        .build()))) {
            assertStatus(call, Status.Code.INVALID_ARGUMENT, "Auto sharding method");
        }
        List<Future<?>> calls = List.of(
                fx.client.updateCollectionClusterSetupAsync(Collections.UpdateCollectionClusterSetupRequest.newBuilder()
                        .setCollectionName("two_shards")
                        .setMoveShard(Collections.MoveShard.newBuilder()
                                .setShardId(0)
                                .setFromPeerId(1)
                                .setToPeerId(2))
                        .build()));
        for (Future<?> call : calls) {
            assertStatus(call, Status.Code.UNIMPLEMENTED, STANDALONE);
        }
        // a request without its operation is rejected as invalid first, as Qdrant does
        assertStatus(
                fx.client.createShardKeyAsync(Collections.CreateShardKeyRequest.newBuilder()
                        .setCollectionName("two_shards")
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "empty request");
        assertStatus(
                fx.client.updateCollectionClusterSetupAsync(Collections.UpdateCollectionClusterSetupRequest.newBuilder()
                        .setCollectionName("two_shards")
                        .build()),
                Status.Code.INVALID_ARGUMENT,
                "empty operation");
        // nothing changed
        assertThat(get(fx.client.listShardKeysAsync("two_shards"))).isEmpty();
        assertThat(get(fx.client.getCollectionClusterInfoAsync("two_shards")).getShardCount())
                .isEqualTo(2);
    }
}
