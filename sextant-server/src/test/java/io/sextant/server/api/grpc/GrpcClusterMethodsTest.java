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
 * client: cluster info and shard keys are read from the collection, consensus operations fail as
 * a standalone Qdrant fails them.
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
    void consensusOperationsFailAsOnAStandaloneQdrant() {
        Collections.ShardKey key = ShardKeyFactory.shardKey("tenant_a");
        List<Future<?>> calls = List.of(
                fx.client.createShardKeyAsync(Collections.CreateShardKeyRequest.newBuilder()
                        .setCollectionName("two_shards")
                        .setRequest(Collections.CreateShardKey.newBuilder().setShardKey(key))
                        .build()),
                fx.client.deleteShardKeyAsync(Collections.DeleteShardKeyRequest.newBuilder()
                        .setCollectionName("two_shards")
                        .setRequest(Collections.DeleteShardKey.newBuilder().setShardKey(key))
                        .build()),
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
