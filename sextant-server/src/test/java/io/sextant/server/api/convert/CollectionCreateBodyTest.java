package io.sextant.server.api.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.segment.index.PayloadIndexSpec;
import org.junit.jupiter.api.Test;

/** A create body rebuilt from a collection config creates the same config again. */
class CollectionCreateBodyTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static CollectionConfig parse(String json) throws Exception {
        return CollectionJson.parseCreate(M.readTree(json));
    }

    @Test
    void theBodyOfAConfigParsesBackToTheSameConfig() throws Exception {
        for (String json : new String[] {
            "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}",
            "{\"vectors\":{\"a\":{\"size\":8,\"distance\":\"Cosine\",\"on_disk\":true,"
                    + "\"hnsw_config\":{\"m\":8}},\"b\":{\"size\":3,\"distance\":\"Euclid\"}},"
                    + "\"sparse_vectors\":{\"s\":{}},\"shard_number\":3,\"replication_factor\":2,"
                    + "\"write_consistency_factor\":2,\"on_disk_payload\":false,"
                    + "\"hnsw_config\":{\"m\":32,\"ef_construct\":64,\"payload_m\":16},"
                    + "\"optimizers_config\":{\"indexing_threshold\":1000,\"default_segment_number\":2},"
                    + "\"wal_config\":{\"wal_capacity_mb\":8},"
                    + "\"quantization_config\":{\"scalar\":{\"type\":\"int8\",\"always_ram\":true}},"
                    + "\"metadata\":{\"team\":\"x\"}}"
        }) {
            CollectionConfig config = parse(json);
            assertThat(CollectionJson.parseCreate(CollectionCreateBody.of(config)))
                    .as("%s", json)
                    .isEqualTo(config);
        }
    }

    @Test
    void anIndexBodyParsesBackToTheSameSpec() {
        PayloadIndexSpec keyword = IndexJson.parseCreate(
                        CollectionCreateBody.index("k", IndexJson.parseSchema(M.valueToTree("keyword"), "s")))
                .spec();
        assertThat(keyword).isEqualTo(IndexJson.parseSchema(M.valueToTree("keyword"), "s"));
        PayloadIndexSpec tenant =
                IndexJson.parseSchema(M.valueToTree(java.util.Map.of("type", "keyword", "is_tenant", true)), "s");
        IndexJson.CreateIndex back = IndexJson.parseCreate(CollectionCreateBody.index("t", tenant));
        assertThat(back.fieldName()).isEqualTo("t");
        assertThat(back.spec()).isEqualTo(tenant);
    }
}
