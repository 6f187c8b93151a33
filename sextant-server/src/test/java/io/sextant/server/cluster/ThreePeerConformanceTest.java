package io.sextant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three in-process peers in cluster mode, driven through peer 1 the way Qdrant's REST suite drives
 * a node: the regressions found by running that suite against a 3-peer cluster. Collections get
 * one shard per peer (the default in a cluster), so most calls cross peers.
 */
class ThreePeerConformanceTest {

    private static final String CREATE =
            "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},\"sparse_vectors\":{\"sparse-text\":{}}}";

    @TempDir
    static Path dir;

    private static final List<TestServer> peers = new ArrayList<>();

    @BeforeAll
    static void startPeers() throws Exception {
        int p2p1 = ClusterRoutesTest.freePort();
        for (int i = 0; i < 3; i++) {
            int p2p = i == 0 ? p2p1 : ClusterRoutesTest.freePort();
            Map<String, String> env = new HashMap<>(Map.of(
                    "SEXTANT__CLUSTER__ENABLED",
                    "true",
                    "SEXTANT__CLUSTER__P2P__PORT",
                    Integer.toString(p2p),
                    "SEXTANT__CLUSTER__URI",
                    "http://127.0.0.1:" + p2p));
            if (i > 0) {
                env.put("SEXTANT__CLUSTER__BOOTSTRAP", "http://127.0.0.1:" + p2p1);
            }
            peers.add(new TestServer(dir.resolve("peer-" + i), LocalShard::open, env));
            if (i == 0) {
                ClusterRoutesTest.awaitLeader(peers.get(0));
            }
        }
        for (int i = 0; i < 200; i++) {
            if (peers.get(0).get("/cluster").json().at("/result/peers").size() == 3) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("3 peers did not join");
    }

    @AfterAll
    static void stopPeers() {
        for (TestServer p : peers) {
            p.close();
        }
    }

    private static TestServer one() {
        return peers.get(0);
    }

    private static String points(int n, String vectorName, int dim) {
        StringBuilder b = new StringBuilder("{\"points\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(i + 1).append(",\"vector\":");
            StringBuilder v = new StringBuilder("[");
            for (int d = 0; d < dim; d++) {
                v.append(d == 0 ? "" : ",").append((i + d) % 7 / 10.0);
            }
            v.append("]");
            b.append(vectorName == null ? v : "{\"" + vectorName + "\":" + v + "}")
                    .append("}");
        }
        return b.append("]}").toString();
    }

    /**
     * Qdrant's suite drops and re-creates its collection before every test and uses it at once. The
     * shards of a collection made through peer 1 live on all three peers: the create returned only
     * once peer 1 had applied it, so a call reaching another peer's shard right after it could find
     * nothing ("Shard 2 of collection c is not on this peer", 404), and a write after a re-create
     * could land in the old collection on a peer that had not applied the delete yet.
     */
    @Test
    void aCollectionIsUsableOnEveryPeerAsSoonAsItsCreateReturns() {
        for (int round = 0; round < 15; round++) {
            assertThat(one().delete("/collections/again").status()).isEqualTo(200);
            assertThat(one().put("/collections/again", CREATE).status()).isEqualTo(200);
            TestServer.Response info = one().get("/collections/again");
            assertThat(info.status()).as("round %d: %s", round, info.text()).isEqualTo(200);
            assertThat(info.json().at("/result/config/params/shard_number").asInt())
                    .isEqualTo(3);
            TestServer.Response put = one().put("/collections/again/points?wait=true", points(12, null, 4));
            assertThat(put.status()).as("round %d: %s", round, put.text()).isEqualTo(200);
            for (TestServer p : peers) {
                TestServer.Response count = p.post("/collections/again/points/count", "{\"exact\":true}");
                assertThat(count.status())
                        .as("round %d: %s", round, count.text())
                        .isEqualTo(200);
                assertThat(count.json().at("/result/count").asLong())
                        .as("round %d: only this round's points, none left from the deleted collection", round)
                        .isEqualTo(12);
            }
        }
        one().delete("/collections/again");
    }

    /**
     * {@code PUT/DELETE /collections/{c}/vectors/{name}} changed only the peer that got the call,
     * so a point write carrying the new vector failed with 400 on the shards of the other peers.
     */
    @Test
    void aNamedVectorCreatedOrDeletedThroughOnePeerChangesEveryPeer() {
        assertThat(one().put("/collections/named", "{\"vectors\":{\"a\":{\"size\":4,\"distance\":\"Dot\"}}}")
                        .status())
                .isEqualTo(200);
        TestServer.Response add =
                one().put("/collections/named/vectors/b", "{\"dense\":{\"size\":6,\"distance\":\"Dot\"}}");
        assertThat(add.status()).as(add.text()).isEqualTo(200);
        assertThat(add.json().at("/result/status").asText()).isEqualTo("completed");
        for (TestServer p : peers) {
            JsonNode vectors = p.get("/collections/named").json().at("/result/config/params/vectors");
            assertThat(vectors.has("b")).as("%s", vectors).isTrue();
            assertThat(vectors.at("/b/size").asInt()).isEqualTo(6);
        }
        TestServer.Response put = one().put("/collections/named/points?wait=true", points(12, "b", 6));
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        TestServer.Response scroll =
                peers.get(2).post("/collections/named/points/scroll", "{\"limit\":20,\"with_vector\":[\"b\"]}");
        assertThat(scroll.json().at("/result/points").size()).isEqualTo(12);
        scroll.json()
                .at("/result/points")
                .forEach(pt -> assertThat(pt.at("/vector/b").size()).isEqualTo(6));

        TestServer.Response drop = one().delete("/collections/named/vectors/b");
        assertThat(drop.status()).as(drop.text()).isEqualTo(200);
        for (TestServer p : peers) {
            assertThat(p.get("/collections/named")
                            .json()
                            .at("/result/config/params/vectors")
                            .has("b"))
                    .isFalse();
        }
        assertThat(one().put("/collections/named/points?wait=true", points(3, "b", 6))
                        .status())
                .as("the vector is gone on every shard")
                .isEqualTo(400);
        assertThat(one().put("/collections/named/vectors/c", "{\"dense\":{\"size\":0,\"distance\":\"Dot\"}}")
                        .status())
                .as("bad input: refused before the log")
                .isEqualTo(422);
        assertThat(one().put("/collections/missing/vectors/c", "{\"dense\":{\"size\":4,\"distance\":\"Dot\"}}")
                        .status())
                .isEqualTo(404);
        one().delete("/collections/named");
    }
}
