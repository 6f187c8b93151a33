package io.sextant.server.api.grpc;

import static io.sextant.server.api.grpc.GrpcFixture.assertStatus;
import static io.sextant.server.api.grpc.GrpcFixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** qdrant.Qdrant and qdrant.Collections through the official Java client against a real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcCollectionsTest {

    @TempDir
    static Path dir;

    GrpcFixture fx;

    @BeforeAll
    void start() {
        fx = new GrpcFixture(dir);
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private static VectorParams params(int size, Distance d) {
        return VectorParams.newBuilder().setSize(size).setDistance(d).build();
    }

    @Test
    void healthCheckReportsQdrantVersion() {
        var reply = get(fx.client.healthCheckAsync());
        assertThat(reply.getTitle()).contains("sextant");
        assertThat(reply.getVersion()).isEqualTo(QdrantHealthEndpoint.QDRANT_VERSION);
    }

    @Test
    void createGetListUpdateDelete() {
        get(fx.client.createCollectionAsync("c_life", params(4, Distance.Cosine)));
        assertThat(get(fx.client.listCollectionsAsync())).contains("c_life");
        assertThat(get(fx.client.collectionExistsAsync("c_life"))).isTrue();
        assertThat(get(fx.client.collectionExistsAsync("nope"))).isFalse();

        CollectionInfo info = get(fx.client.getCollectionInfoAsync("c_life"));
        assertThat(info.getStatus()).isEqualTo(Collections.CollectionStatus.Green);
        assertThat(info.getPointsCount()).isZero();
        VectorParams v = info.getConfig().getParams().getVectorsConfig().getParams();
        assertThat(v.getSize()).isEqualTo(4);
        assertThat(v.getDistance()).isEqualTo(Distance.Cosine);
        assertThat(info.getConfig().getParams().getShardNumber()).isEqualTo(1);
        assertThat(info.getConfig().getHnswConfig().getM()).isEqualTo(16);

        get(fx.client.updateCollectionAsync(Collections.UpdateCollection.newBuilder()
                .setCollectionName("c_life")
                .setHnswConfig(Collections.HnswConfigDiff.newBuilder().setM(32))
                .setOptimizersConfig(
                        Collections.OptimizersConfigDiff.newBuilder().setIndexingThreshold(20000))
                .putMetadata("owner", ValueFactory.value("team-a"))
                .build()));
        info = get(fx.client.getCollectionInfoAsync("c_life"));
        assertThat(info.getConfig().getHnswConfig().getM()).isEqualTo(32);
        assertThat(info.getConfig().getOptimizerConfig().getIndexingThreshold()).isEqualTo(20000);
        assertThat(info.getConfig().getMetadataMap().get("owner").getStringValue())
                .isEqualTo("team-a");

        assertThat(get(fx.client.deleteCollectionAsync("c_life")).getResult()).isTrue();
        assertThat(get(fx.client.collectionExistsAsync("c_life"))).isFalse();
        // result=false (as REST answers for a missing collection); the client turns that into an exception
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> get(fx.client.deleteCollectionAsync("c_life")))
                .hasMessageContaining("could not be deleted");
    }

    @Test
    void namedVectorsAndFullCreateRequest() {
        get(fx.client.createCollectionAsync(Collections.CreateCollection.newBuilder()
                .setCollectionName("c_named")
                .setVectorsConfig(Collections.VectorsConfig.newBuilder()
                        .setParamsMap(Collections.VectorParamsMap.newBuilder()
                                .putMap("text", params(3, Distance.Dot))
                                .putMap("image", params(2, Distance.Euclid))))
                .setShardNumber(2)
                .setOnDiskPayload(false)
                .setQuantizationConfig(Collections.QuantizationConfig.newBuilder()
                        .setScalar(Collections.ScalarQuantization.newBuilder()
                                .setType(Collections.QuantizationType.Int8)
                                .setQuantile(0.99f)))
                .build()));
        CollectionInfo info = get(fx.client.getCollectionInfoAsync("c_named"));
        Map<String, VectorParams> map =
                info.getConfig().getParams().getVectorsConfig().getParamsMap().getMapMap();
        assertThat(map).containsOnlyKeys("text", "image");
        assertThat(map.get("image").getDistance()).isEqualTo(Distance.Euclid);
        assertThat(info.getConfig().getParams().getShardNumber()).isEqualTo(2);
        assertThat(info.getConfig().getParams().getOnDiskPayload()).isFalse();
        assertThat(info.getConfig().getQuantizationConfig().getScalar().getQuantile())
                .isEqualTo(0.99f);
    }

    @Test
    void aliases() {
        get(fx.client.createCollectionAsync("c_alias", params(2, Distance.Dot)));
        get(fx.client.createAliasAsync("a1", "c_alias"));
        get(fx.client.renameAliasAsync("a1", "a2"));
        assertThat(get(fx.client.listCollectionAliasesAsync("c_alias"))).containsExactly("a2");
        assertThat(get(fx.client.listAliasesAsync()))
                .extracting(Collections.AliasDescription::getAliasName, Collections.AliasDescription::getCollectionName)
                .contains(org.assertj.core.groups.Tuple.tuple("a2", "c_alias"));
        // an alias works wherever a collection name does
        assertThat(get(fx.client.getCollectionInfoAsync("a2"))
                        .getConfig()
                        .getParams()
                        .getVectorsConfig()
                        .getParams()
                        .getSize())
                .isEqualTo(2);
        get(fx.client.deleteAliasAsync("a2"));
        assertThat(get(fx.client.listCollectionAliasesAsync("c_alias"))).isEmpty();
        assertStatus(fx.client.deleteAliasAsync("a2"), Status.Code.NOT_FOUND, "a2");
    }

    @Test
    void errorsMapToQdrantStatusCodes() {
        get(fx.client.createCollectionAsync("c_err", params(2, Distance.Dot)));
        assertStatus(
                fx.client.createCollectionAsync("c_err", params(2, Distance.Dot)),
                Status.Code.ALREADY_EXISTS,
                "already exists");
        assertStatus(fx.client.getCollectionInfoAsync("missing"), Status.Code.NOT_FOUND, "missing");
        assertStatus(
                fx.client.createCollectionAsync("c_bad", params(0, Distance.Dot)),
                Status.Code.INVALID_ARGUMENT,
                "size");
        assertStatus(
                fx.client.createCollectionAsync("c_bad", params(2, Distance.UnknownDistance)),
                Status.Code.INVALID_ARGUMENT,
                "distance");
        assertStatus(
                fx.client.createCollectionAsync("bad/name", params(2, Distance.Dot)), Status.Code.INVALID_ARGUMENT, "");
        assertStatus(
                fx.client.updateAliasesAsync(List.of(Collections.AliasOperations.newBuilder()
                        .setCreateAlias(Collections.CreateAlias.newBuilder()
                                .setAliasName("x")
                                .setCollectionName("missing"))
                        .build())),
                Status.Code.NOT_FOUND,
                "missing");
        assertThat(get(fx.client.collectionExistsAsync("c_bad"))).isFalse();
    }
}
