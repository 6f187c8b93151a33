package io.sextant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.cluster.MetadataCommand;
import io.sextant.server.api.convert.CollectionDefaults;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a create is completed by the proposing peer in cluster mode. */
class MetadataGateTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static MetadataCommand create(String body) throws Exception {
        return MetadataCommand.of(MetadataCommand.Type.CREATE_COLLECTION, "c", M.readTree(body));
    }

    @Test
    void shardNumberDefaultsToThePeerCountAndThePlacementFollowsTheBody() throws Exception {
        MetadataCommand c = MetadataGate.placed(
                create("{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}"),
                Set.of(1L, 2L, 3L),
                CollectionDefaults.QDRANT);
        assertThat(c.body().get("shard_number").asInt()).isEqualTo(3);
        assertThat(c.placement().shardCount()).isEqualTo(3);
        assertThat(c.placement().replicas(0)).hasSize(1);
        assertThat(c.body().get("vectors").get("size").asInt()).isEqualTo(4);
    }

    @Test
    void explicitValuesAreKept() throws Exception {
        MetadataCommand c = MetadataGate.placed(
                create("{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},\"shard_number\":6,\"replication_factor\":2}"),
                Set.of(1L, 2L, 3L),
                CollectionDefaults.QDRANT);
        assertThat(c.body().get("shard_number").asInt()).isEqualTo(6);
        assertThat(c.placement().shardCount()).isEqualTo(6);
        for (long p : Set.of(1L, 2L, 3L)) {
            assertThat(c.placement().replicaCount(p)).isEqualTo(4);
        }
    }
}
