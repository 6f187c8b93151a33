package io.sextant.collection.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.vector.Distance;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Qdrant's {@code memory} parameters: persisted, shown only when set, patched, mapped to placements. */
class MemoryPlacementConfigTest {

    static CollectionConfig withMemory() {
        Map<String, VectorParams> vs = new LinkedHashMap<>();
        vs.put(
                "v",
                new VectorParams(
                        4,
                        Distance.DOT,
                        null,
                        new HnswConfig.Diff(null, null, null, null, null, null, MemoryPlacement.COLD),
                        new QuantizationConfig.Scalar(null, null, MemoryPlacement.PINNED),
                        null,
                        null,
                        MemoryPlacement.CACHED));
        Map<String, SparseVectorParams> sparse =
                Map.of("s", new SparseVectorParams(null, null, null, null, MemoryPlacement.COLD));
        return new CollectionConfig(
                new CollectionParams(vs, false, 1, 1, 1, true, sparse, MemoryPlacement.CACHED),
                new HnswConfig(16, 100, 10000, 0, false, null, MemoryPlacement.CACHED),
                null,
                null,
                new QuantizationConfig.Binary(null, null, null, MemoryPlacement.COLD),
                null);
    }

    @Test
    void memoryIsPersistedAndShownWhereSet() {
        ObjectNode json = CollectionConfigJson.toJson(withMemory());
        JsonNode params = json.get("params");
        assertThat(params.at("/vectors/v/memory").asText()).isEqualTo("cached");
        assertThat(params.at("/vectors/v/hnsw_config/memory").asText()).isEqualTo("cold");
        assertThat(params.at("/vectors/v/quantization_config/scalar/memory").asText())
                .isEqualTo("pinned");
        assertThat(params.at("/sparse_vectors/s/index/memory").asText()).isEqualTo("cold");
        assertThat(params.at("/payload/memory").asText()).isEqualTo("cached");
        assertThat(json.at("/hnsw_config/memory").asText()).isEqualTo("cached");
        assertThat(json.at("/quantization_config/binary/memory").asText()).isEqualTo("cold");
        CollectionConfig back = CollectionConfigJson.fromJson(json);
        assertThat(back).isEqualTo(withMemory());
    }

    @Test
    void unsetMemoryIsNeverShown() {
        CollectionConfig plain = CollectionConfig.of(CollectionParams.single(
                new VectorParams(4, Distance.DOT, true, null, new QuantizationConfig.Scalar(null, true), null)));
        String text = CollectionConfigJson.toJson(plain).toString();
        assertThat(text).doesNotContain("memory").doesNotContain("\"payload\"");
    }

    @Test
    void legacyFlagsMapToPlacementsAndMemoryWins() {
        // on_disk vectors → cold; on_disk graph → cold; always_ram codes → pinned; sparse default → pinned
        CollectionConfig legacy = new CollectionConfig(
                new CollectionParams(
                        Map.of(
                                "v",
                                new VectorParams(
                                        4,
                                        Distance.DOT,
                                        true,
                                        new HnswConfig.Diff(null, null, null, null, true, null),
                                        new QuantizationConfig.Scalar(null, true),
                                        null)),
                        false,
                        1,
                        1,
                        1,
                        true,
                        Map.of("s", SparseVectorParams.DEFAULT)),
                null,
                null,
                null,
                null,
                null);
        ShardConfig sc = legacy.toShardConfig();
        VectorSpec v = sc.vectors().get("v");
        assertThat(v.placement()).isEqualTo(MemoryPlacement.COLD);
        assertThat(v.hnsw().placement()).isEqualTo(MemoryPlacement.COLD);
        assertThat(v.quantizedPlacement()).isEqualTo(MemoryPlacement.PINNED);
        assertThat(sc.sparseVectors().get("s").placement()).isEqualTo(MemoryPlacement.PINNED);

        CollectionConfig defaults = CollectionConfig.of(CollectionParams.named(Map.of(
                "v", new VectorParams(4, Distance.DOT, null, null, new QuantizationConfig.Scalar(null, null), null))));
        VectorSpec d = defaults.toShardConfig().vectors().get("v");
        assertThat(d.placement()).isEqualTo(MemoryPlacement.CACHED);
        assertThat(d.hnsw().placement()).isEqualTo(MemoryPlacement.CACHED);
        assertThat(d.quantizedPlacement()).as("follows the vectors").isEqualTo(MemoryPlacement.CACHED);

        ShardConfig explicit = withMemory().toShardConfig();
        VectorSpec e = explicit.vectors().get("v");
        assertThat(e.placement()).isEqualTo(MemoryPlacement.CACHED);
        assertThat(e.hnsw().placement()).isEqualTo(MemoryPlacement.COLD);
        assertThat(e.quantizedPlacement()).isEqualTo(MemoryPlacement.PINNED);
        assertThat(explicit.sparseVectors().get("s").placement()).isEqualTo(MemoryPlacement.COLD);
    }

    @Test
    void patchChangesPlacementsOnly() {
        CollectionConfig base = withMemory();
        CollectionConfigPatch patch = new CollectionConfigPatch(
                Map.of("v", new VectorParams.Diff(null, null, null, false, MemoryPlacement.COLD)),
                new CollectionParams.Diff(null, null, null, MemoryPlacement.COLD),
                null,
                null,
                null,
                false,
                null,
                Map.of("s", new SparseVectorParams(null, null, null, null, MemoryPlacement.PINNED)));
        CollectionConfig next = base.apply(patch);
        assertThat(next.vector("v").memory()).isEqualTo(MemoryPlacement.COLD);
        assertThat(next.vector("v").size()).isEqualTo(4);
        assertThat(next.params().payloadMemory()).isEqualTo(MemoryPlacement.COLD);
        assertThat(next.sparseVector("s").memory()).isEqualTo(MemoryPlacement.PINNED);
        VectorSpec before = base.toShardConfig().vectors().get("v");
        VectorSpec after = next.toShardConfig().vectors().get("v");
        assertThat(after).isNotEqualTo(before);
        assertThat(after.sameStoredForm(before))
                .as("placement-only: segments reopen, not rewrite")
                .isTrue();
    }

    @Test
    void pinnedIsRefusedWhereQdrantRefusesIt() {
        assertThatThrownBy(() -> VectorParams.checkDenseMemory(MemoryPlacement.PINNED))
                .hasMessageContaining("pinned");
        assertThatThrownBy(() -> CollectionParams.checkPayloadMemory(MemoryPlacement.PINNED))
                .hasMessageContaining("pinned");
        VectorParams.checkDenseMemory(MemoryPlacement.COLD);
        CollectionParams.checkPayloadMemory(MemoryPlacement.CACHED);
    }

    @Test
    void payloadPlacementFollowsPayloadMemoryElseOnDiskPayload() {
        Map<String, VectorParams> vs = Map.of("v", VectorParams.of(4, Distance.DOT));
        assertThat(new CollectionParams(vs, false, 1, 1, 1, true).effectivePayloadMemory())
                .isEqualTo(MemoryPlacement.COLD);
        assertThat(new CollectionParams(vs, false, 1, 1, 1, false).effectivePayloadMemory())
                .isEqualTo(MemoryPlacement.PINNED);
        assertThat(withMemory().toShardConfig().payloadMemory())
                .as("payload.memory wins over on_disk_payload")
                .isEqualTo(MemoryPlacement.CACHED);
        CollectionParams coldInRam = new CollectionParams(vs, false, 1, 1, 1, false, Map.of(), MemoryPlacement.COLD);
        assertThat(coldInRam.effectivePayloadMemory()).isEqualTo(MemoryPlacement.COLD);
    }
}
