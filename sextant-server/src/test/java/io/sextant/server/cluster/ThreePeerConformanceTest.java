package io.sextant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Points;
import io.sextant.server.testing.TestServer;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        peers.addAll(InProcessCluster.start(
                dir,
                3,
                "http",
                i -> Map.of(
                        "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                        dir.resolve("snapshots-" + i).toString())));
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
    /**
     * Telemetry of a cluster shard, as Qdrant's {@code ReplicaSetTelemetry}: {@code local} only on
     * the peer holding the replica (null elsewhere, where it was an empty local shard), the other
     * peers' replicas under {@code remote}, and every replica's state in {@code replicate_states}.
     */
    @Test
    void telemetryShowsEachShardsLocalAndRemoteReplicas() {
        assertThat(one().put(
                                "/collections/tele",
                                "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},"
                                        + "\"shard_number\":3,\"replication_factor\":1}")
                        .status())
                .isEqualTo(200);
        int localShards = 0;
        for (TestServer p : peers) {
            String self = p.get("/cluster").json().at("/result/peer_id").asText();
            JsonNode collections = p.get("/telemetry?details_level=4").json().at("/result/collections/collections");
            JsonNode tele = null;
            for (JsonNode c : collections) {
                if (c.get("id").asText().equals("tele")) {
                    tele = c;
                }
            }
            assertThat(tele).as("telemetry of peer " + self).isNotNull();
            assertThat(tele.get("shards").size()).isEqualTo(3);
            for (JsonNode shard : tele.get("shards")) {
                JsonNode states = shard.get("replicate_states");
                assertThat(states.size()).as(shard.toString()).isEqualTo(1);
                String holder = states.fieldNames().next();
                assertThat(states.get(holder).asText()).isEqualTo("Active");
                if (holder.equals(self)) {
                    localShards++;
                    assertThat(shard.get("local").get("variant_name").asText()).isEqualTo("local");
                    assertThat(shard.get("remote").size()).isZero();
                } else {
                    assertThat(shard.get("local").isNull()).as(shard.toString()).isTrue();
                    assertThat(shard.get("remote").size()).isEqualTo(1);
                    assertThat(shard.at("/remote/0/peer_id").asText()).isEqualTo(holder);
                    assertThat(shard.at("/remote/0/shard_id").asInt())
                            .isEqualTo(shard.get("id").asInt());
                }
            }
        }
        assertThat(localShards)
                .as("each of the 3 shards is local on exactly one peer")
                .isEqualTo(3);
        assertThat(one().delete("/collections/tele").status()).isEqualTo(200);
    }

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

    /** The gRPC forms of the same calls go through the log too (the request message is carried). */
    @Test
    void aNamedVectorCreatedOrDeletedOverGrpcChangesEveryPeer() throws Exception {
        assertThat(one().put("/collections/named_grpc", "{\"vectors\":{\"a\":{\"size\":4,\"distance\":\"Dot\"}}}")
                        .status())
                .isEqualTo(200);
        try (QdrantClient client = new QdrantClient(
                QdrantGrpcClient.newBuilder("127.0.0.1", one().server().grpcPort(), false)
                        .build())) {
            Points.UpdateResult r = client.createVectorNameAsync(Points.CreateVectorNameRequest.newBuilder()
                            .setCollectionName("named_grpc")
                            .setVectorName("img")
                            .setWait(true)
                            .setDenseConfig(Points.DenseVectorCreationConfig.newBuilder()
                                    .setSize(3)
                                    .setDistance(Collections.Distance.Cosine))
                            .build())
                    .get(30, TimeUnit.SECONDS);
            assertThat(r.getStatus()).isEqualTo(Points.UpdateStatus.Completed);
            for (TestServer p : peers) {
                assertThat(p.get("/collections/named_grpc")
                                .json()
                                .at("/result/config/params/vectors/img/size")
                                .asInt())
                        .isEqualTo(3);
            }
            client.deleteVectorNameAsync(Points.DeleteVectorNameRequest.newBuilder()
                            .setCollectionName("named_grpc")
                            .setVectorName("a")
                            .setWait(true)
                            .build())
                    .get(30, TimeUnit.SECONDS);
            for (TestServer p : peers) {
                assertThat(p.get("/collections/named_grpc")
                                .json()
                                .at("/result/config/params/vectors")
                                .has("a"))
                        .isFalse();
            }
        }
        one().delete("/collections/named_grpc");
    }

    /**
     * Snapshots refused a collection whose shards are replica sets ("cannot be snapshotted", 400).
     * Now every shard is captured, a remote one on the peer that holds it, so a snapshot taken
     * through peer 1 holds all points and restores whole on a standalone node.
     */
    @Test
    void aSnapshotThroughOnePeerHoldsEveryShardAndRestoresWhole() throws Exception {
        assertThat(one().put("/collections/snap", CREATE).status()).isEqualTo(200);
        assertThat(one().put("/collections/snap/points?wait=true", points(12, null, 4))
                        .status())
                .isEqualTo(200);
        JsonNode placement = one().get("/collections/snap/cluster").json().get("result");
        assertThat(placement.get("remote_shards").size())
                .as("shards held by other peers: %s", placement)
                .isEqualTo(2);

        TestServer.Response created = one().post("/collections/snap/snapshots?wait=true", null);
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        String name = created.json().at("/result/name").asText();
        int remoteShard = placement.at("/remote_shards/0/shard_id").asInt();
        TestServer.Response shard =
                one().post("/collections/snap/shards/" + remoteShard + "/snapshots?wait=true", null);
        assertThat(shard.status()).as(shard.text()).isEqualTo(200);
        assertThat(one().get("/collections/snap/shards/" + remoteShard + "/snapshots")
                        .json()
                        .at("/result")
                        .findValuesAsText("name"))
                .contains(shard.json().at("/result/name").asText());
        TestServer.Response full = one().post("/snapshots?wait=true", null);
        assertThat(full.status()).as(full.text()).isEqualTo(200);

        Path file = dir.resolve("snapshots-0").resolve("snap").resolve(name);
        try (TestServer standalone = new TestServer(
                dir.resolve("standalone"),
                LocalShard::open,
                Map.of(
                        "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                        dir.resolve("snapshots-0").toString()))) {
            TestServer.Response recovered =
                    standalone.put("/collections/snap/snapshots/recover", "{\"location\":\"" + file.toUri() + "\"}");
            assertThat(recovered.status())
                    .as("%s %s", recovered.text(), listing(dir))
                    .isEqualTo(200);
            assertThat(standalone
                            .post("/collections/snap/points/count", "{\"exact\":true}")
                            .json()
                            .at("/result/count")
                            .asLong())
                    .as("the points of all three shards")
                    .isEqualTo(12);
            assertThat(standalone
                            .get("/collections/snap")
                            .json()
                            .at("/result/config/params/shard_number")
                            .asInt())
                    .isEqualTo(3);
        }
        one().delete("/collections/snap");
    }

    private static String listing(Path root) throws java.io.IOException {
        try (var walk = java.nio.file.Files.walk(root)) {
            return walk.filter(p -> p.toString().contains("snapshot")).toList().toString();
        }
    }
}
