package io.sextant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /cluster/peer/{id}} on three in-process peers: refused while the peer holds replicas
 * unless {@code force}; refused even with {@code force} while it holds a shard's last Active replica;
 * with {@code force}, its replicas leave every placement and every point stays readable.
 */
class PeerRemovalTest {

    @TempDir
    Path dir;

    private final List<TestServer> peers = new ArrayList<>();

    @AfterEach
    void stop() {
        peers.forEach(TestServer::close);
    }

    private static String peerId(TestServer p) {
        return p.get("/cluster").json().at("/result/peer_id").asText();
    }

    /** Every peer id in the placement of {@code collection}, as {@code GET /collections/{c}/cluster} shows it. */
    private static List<String> holders(TestServer p, String collection) {
        JsonNode r = p.get("/collections/" + collection + "/cluster").json().get("result");
        List<String> ids = new ArrayList<>();
        r.get("local_shards").forEach(s -> ids.add(r.get("peer_id").asText()));
        r.get("remote_shards").forEach(s -> ids.add(s.get("peer_id").asText()));
        return ids;
    }

    @Test
    void forceDropsThePeersReplicasAndKeepsEveryPoint() throws Exception {
        peers.addAll(InProcessCluster.start(dir, 3, "http", i -> Map.of()));
        TestServer one = peers.get(0);
        String third = peerId(peers.get(2));
        String create = "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},\"shard_number\":3,\"replication_factor\":%d}";
        assertThat(one.put("/collections/pair", create.formatted(2)).status()).isEqualTo(200);
        String points = IntStream.range(1, 61)
                .mapToObj(i -> "{\"id\":" + i + ",\"vector\":[" + i + ",1,0,0]}")
                .reduce((a, b) -> a + "," + b)
                .orElseThrow();
        assertThat(one.put("/collections/pair/points?wait=true", "{\"points\":[" + points + "]}")
                        .status())
                .isEqualTo(200);
        assertThat(holders(one, "pair")).contains(third);

        TestServer.Response refused = one.delete("/cluster/peer/" + third);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/status/error").asText())
                .isEqualTo("Cannot remove peer " + third + " as there are shards on it");

        // a single-replica collection with a shard on the third peer: even force is refused, nothing changes
        assertThat(one.put("/collections/single", create.formatted(1)).status()).isEqualTo(200);
        assertThat(holders(one, "single")).contains(third);
        TestServer.Response lastCopy = one.delete("/cluster/peer/" + third + "?force=true");
        assertThat(lastCopy.status()).isEqualTo(400);
        assertThat(lastCopy.json().at("/status/error").asText()).contains("last active replica");
        assertThat(one.get("/cluster").json().at("/result/peers").size()).isEqualTo(3);
        assertThat(holders(one, "pair")).contains(third);
        assertThat(one.delete("/collections/single").status()).isEqualTo(200);

        TestServer.Response forced = one.delete("/cluster/peer/" + third + "?force=true");
        assertThat(forced.status()).as(forced.text()).isEqualTo(200);
        assertThat(one.get("/cluster").json().at("/result/peers").size()).isEqualTo(2);
        for (TestServer p : peers.subList(0, 2)) {
            // 3 shards x 2 replicas, of which the third peer held 2
            assertThat(holders(p, "pair")).doesNotContain(third).hasSize(4);
            TestServer.Response count = p.post("/collections/pair/points/count?consistency=all", "{\"exact\":true}");
            assertThat(count.status()).as(count.text()).isEqualTo(200);
            assertThat(count.json().at("/result/count").asLong()).isEqualTo(60);
        }
    }
}
