package io.sextant.collection.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.vector.Distance;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectionConfigTest {
    @TempDir
    Path dir;

    static CollectionConfig rich() {
        Map<String, VectorParams> vs = new LinkedHashMap<>();
        vs.put(
                "image",
                new VectorParams(
                        512,
                        Distance.DOT,
                        true,
                        new HnswConfig.Diff(32, null, null, null, true, null),
                        new QuantizationConfig.Product(16, true),
                        VectorDatatype.FLOAT16));
        vs.put("text", VectorParams.of(4, Distance.COSINE));
        ObjectNode meta = JsonNodeFactory.instance.objectNode().put("owner", "team-a");
        return new CollectionConfig(
                new CollectionParams(vs, false, 2, 1, 1, false),
                new HnswConfig(8, 64, 5000, 2, false, 4),
                new OptimizersConfig(0.3, 500, 2, 100000L, null, 2000, 10, 1, true),
                new WalConfig(16, 1, 2),
                new QuantizationConfig.Scalar(0.99f, false),
                meta);
    }

    @Test
    void jsonRoundTripKeepsEverything() {
        CollectionConfig c = rich();
        CollectionConfig back = CollectionConfigJson.fromJson(CollectionConfigJson.toJson(c));
        assertThat(CollectionConfigJson.toJson(back)).isEqualTo(CollectionConfigJson.toJson(c));
        assertThat(back.params().vectors().keySet()).containsExactly("image", "text");
        assertThat(back.quantizationConfig()).isEqualTo(new QuantizationConfig.Scalar(0.99f, false));
        assertThat(back.vector("image").quantizationConfig()).isEqualTo(new QuantizationConfig.Product(16, true));
        assertThat(back.effectiveHnsw("image").m()).isEqualTo(32);
        assertThat(back.effectiveHnsw("text").m()).isEqualTo(8);
        assertThat(back.metadata().get("owner").asText()).isEqualTo("team-a");
    }

    @Test
    void unnamedVectorUsesQdrantShape() {
        CollectionConfig c = CollectionConfig.of(CollectionParams.single(VectorParams.of(3, Distance.EUCLID)));
        ObjectNode json = CollectionConfigJson.toJson(c);
        assertThat(json.at("/params/vectors/size").asInt()).isEqualTo(3);
        assertThat(json.at("/params/vectors/distance").asText()).isEqualTo("Euclid");
        assertThat(json.at("/hnsw_config/m").asInt()).isEqualTo(16);
        assertThat(json.at("/hnsw_config/ef_construct").asInt()).isEqualTo(100);
        assertThat(json.at("/optimizer_config/indexing_threshold").asInt()).isEqualTo(10000);
        assertThat(json.at("/wal_config/wal_capacity_mb").asInt()).isEqualTo(32);
        assertThat(CollectionConfigJson.fromJson(json).params().unnamedVector()).isTrue();
    }

    @Test
    void fileRoundTripAndNewerVersionRefused() throws Exception {
        CollectionConfigFile.write(dir, rich());
        assertThat(CollectionConfigJson.toJson(CollectionConfigFile.read(dir)))
                .isEqualTo(CollectionConfigJson.toJson(rich()));
        assertThat(Files.exists(dir.resolve("config.json.tmp"))).isFalse();
        String text = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), text.replace("\"format_version\" : 1", "\"format_version\" : 7"));
        assertThatThrownBy(() -> CollectionConfigFile.read(dir))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("format version 7");
    }

    @Test
    void corruptFileGivesServiceError() throws Exception {
        CollectionConfigFile.write(dir, rich());
        byte[] bytes = Files.readAllBytes(dir.resolve("config.json"));
        Files.write(dir.resolve("config.json"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> CollectionConfigFile.read(dir)).isInstanceOf(ServiceException.class);
        Files.write(dir.resolve("config.json"), "[]".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> CollectionConfigFile.read(dir)).isInstanceOf(ServiceException.class);
    }

    @Test
    void validationMessagesNameFieldAndValue() {
        assertThatThrownBy(() -> VectorParams.of(0, Distance.DOT)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> new QuantizationConfig.Scalar(0.3f, null))
                .hasMessageContaining("[0.5, 1]")
                .hasMessageContaining("0.3");
        assertThatThrownBy(() -> new HnswConfig(-1, 100, 10000, 0, false, null))
                .hasMessageContaining("m must be >= 0, got -1");
        assertThatThrownBy(() -> new QuantizationConfig.Product(3, null)).hasMessageContaining("x3");
        assertThatThrownBy(() -> new OptimizersConfig(1.5, 1000, 0, null, null, 10000, 5, null, null))
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> new WalConfig(0, 0, 1)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> CollectionParams.single(VectorParams.of(2, Distance.DOT))
                        .withShardNumber(0))
                .hasMessageContaining("shard_number");
        assertThatThrownBy(() -> VectorDatatype.fromWireName("int4")).hasMessageContaining("int4");
    }

    @Test
    void patchMergesSectionsAndMetadata() {
        CollectionConfig c = rich();
        ObjectNode meta =
                JsonNodeFactory.instance.objectNode().put("tier", "gold").putNull("owner");
        CollectionConfig p = c.apply(new CollectionConfigPatch(
                Map.of(
                        "text",
                        new VectorParams.Diff(
                                true, new HnswConfig.Diff(null, 200, null, null, null, null), null, false),
                        "image",
                        new VectorParams.Diff(null, null, null, true)),
                new CollectionParams.Diff(null, null, true),
                new HnswConfig.Diff(12, null, null, null, null, null),
                null,
                null,
                true,
                meta));
        assertThat(p.vector("text").isOnDisk()).isTrue();
        assertThat(p.effectiveHnsw("text").efConstruct()).isEqualTo(200);
        assertThat(p.effectiveHnsw("text").m()).isEqualTo(12);
        assertThat(p.vector("image").quantizationConfig()).isNull();
        assertThat(p.vector("image").size()).isEqualTo(512);
        assertThat(p.quantizationConfig()).isNull();
        assertThat(p.params().onDiskPayload()).isTrue();
        assertThat(p.metadata().has("owner")).isFalse();
        assertThat(p.metadata().get("tier").asText()).isEqualTo("gold");
        assertThat(c.metadata().get("owner").asText()).isEqualTo("team-a");
        assertThatThrownBy(() -> c.apply(new CollectionConfigPatch(
                        null, null, new HnswConfig.Diff(null, 1, null, null, null, null), null, null, false, null)))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("ef_construct must be >= 4, got 1");
    }

    @Test
    void shardConfigMapsVectors() {
        var sc = rich().toShardConfig();
        assertThat(sc.vectors().get("image").onDisk()).isTrue();
        assertThat(sc.vectors().get("text").size()).isEqualTo(4);
        assertThat(sc.optimizer().indexingThresholdKb()).isEqualTo(2000);
        assertThat(sc.wal().capacityMb()).isEqualTo(16);
    }
}
