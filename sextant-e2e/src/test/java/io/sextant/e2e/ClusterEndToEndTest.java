package io.sextant.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged servers on loopback in cluster mode (Raft over Ratis on their p2p ports): a
 * collection created through peer 2 appears on peers 1 and 3; with a follower killed by SIGKILL
 * the other two still create and delete collections; the restarted follower keeps its peer id and
 * catches up from the log. And a collection of 6 shards with 2 replicas each spreads 4/4/4 over the
 * peers: points written through one peer are read identically through every peer, each peer stores
 * only its replicas, and with a peer killed reads and writes go on through the other two, its
 * replicas marked Dead. And a peer killed and restarted gets its Dead replicas back by automatic
 * transfers while writes go on. All peers share an API key, so their internal shard calls carry
 * the credential derived from it.
 */
class ClusterEndToEndTest {

    private static final String CREATE = "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"}}";
    private static final Duration CONVERGE = Duration.ofSeconds(20);
    /** Every peer has it: the internal shard calls between peers must carry its credential. */
    private static final String API_KEY = "e2e-cluster-key";

    @TempDir
    Path dir;

    private final List<ServerProcess> peers = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (ServerProcess p : peers) {
            p.close();
        }
    }

    private ServerProcess peer(int i, Integer bootstrapP2p, int p2p) throws IOException {
        List<String> args = new ArrayList<>(List.of("--uri", "http://127.0.0.1:" + p2p));
        if (bootstrapP2p != null) {
            args.addAll(List.of("--bootstrap", "http://127.0.0.1:" + bootstrapP2p));
        }
        ServerProcess p = new ServerProcess(dir.resolve("peer-" + i), dir.resolve("peer-" + i + ".log"))
                .with(
                        args,
                        Map.of(
                                "SEXTANT__CLUSTER__ENABLED",
                                "true",
                                "SEXTANT__SERVICE__API_KEY",
                                API_KEY,
                                "SEXTANT__CLUSTER__P2P__PORT",
                                Integer.toString(p2p),
                                "SEXTANT__STORAGE__SNAPSHOTS_PATH",
                                dir.resolve("snapshots-" + i).toString()));
        peers.add(p);
        return p;
    }

    private static RestCalls rest(ServerProcess p) {
        return new RestCalls(p.baseUrl(), API_KEY);
    }

    private static Set<String> collections(ServerProcess p) throws Exception {
        Set<String> names = new TreeSet<>();
        rest(p).call("GET", "/collections", null)
                .body()
                .at("/result/collections")
                .forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    private static JsonNode cluster(ServerProcess p) throws Exception {
        return rest(p).call("GET", "/cluster", null).body().get("result");
    }

    private static <T> T await(String what, Callable<T> probe, java.util.function.Predicate<T> done) throws Exception {
        return LoopbackCluster.await(what, probe, done, (int) CONVERGE.toSeconds());
    }

    @Test
    void metadataReplicatesAndSurvivesAKilledFollower() throws Exception {
        int p2p1 = ServerProcess.freePort();
        int p2p2 = ServerProcess.freePort();
        int p2p3 = ServerProcess.freePort();
        ServerProcess one = peer(1, null, p2p1).start();
        ServerProcess two = peer(2, p2p1, p2p2).start();
        ServerProcess three = peer(3, p2p1, p2p3).start();
        JsonNode view = await("3 peers", () -> cluster(one), c -> c.get("peers").size() == 3);
        assertThat(view.get("status").asText()).isEqualTo("enabled");
        String leader = view.at("/raft_info/leader").asText();

        assertThat(new RestCalls(two.baseUrl())
                        .call("PUT", "/collections/created_on_two", CREATE)
                        .status())
                .as("the peers run with an API key")
                .isEqualTo(401);
        RestCalls viaTwo = rest(two);
        assertThat(viaTwo.call("PUT", "/collections/created_on_two", CREATE).status())
                .isEqualTo(200);
        assertThat(collections(two))
                .as("visible on the proposer when the call returns")
                .contains("created_on_two");
        for (ServerProcess p : List.of(one, three)) {
            await("collection on " + p.baseUrl(), () -> collections(p), s -> s.contains("created_on_two"));
            JsonNode info =
                    rest(p).call("GET", "/collections/created_on_two", null).body();
            assertThat(info.at("/result/config/params/vectors/size").asInt()).isEqualTo(4);
        }

        grpcCollectionManagementReachesEveryPeer(one, two, three);

        // kill -9 a follower; the other two still form a majority
        ServerProcess victim = null;
        for (ServerProcess p : List.of(one, two, three)) {
            if (!cluster(p).get("peer_id").asText().equals(leader)) {
                victim = p;
            }
        }
        String victimId = cluster(victim).get("peer_id").asText();
        victim.kill();
        List<ServerProcess> alive = new ArrayList<>(List.of(one, two, three));
        alive.remove(victim);
        RestCalls a = rest(alive.get(0));
        RestCalls b = rest(alive.get(1));
        assertThat(a.call("PUT", "/collections/while_down", CREATE).status()).isEqualTo(200);
        assertThat(b.call("DELETE", "/collections/created_on_two", null)
                        .body()
                        .get("result")
                        .asBoolean())
                .isTrue();
        assertThat(b.call(
                                "POST",
                                "/collections/aliases",
                                "{\"actions\":[{\"create_alias\":{\"collection_name\":\"while_down\",\"alias_name\":\"wd\"}}]}")
                        .status())
                .isEqualTo(200);
        for (ServerProcess p : alive) {
            await("survivors agree", () -> collections(p), s -> s.equals(Set.of("while_down")));
        }

        victim.start(); // same storage and flags: recovers its Raft log and catches up
        ServerProcess back = victim;
        await("restarted follower catches up", () -> collections(back), s -> s.equals(Set.of("while_down")));
        assertThat(cluster(back).get("peer_id").asText()).as("peer id survives").isEqualTo(victimId);
        // the alias is the last entry of the log: the collections can match a moment before it applies
        assertThat(await(
                        "restarted follower has the alias",
                        () -> rest(back)
                                .call("GET", "/aliases", null)
                                .body()
                                .at("/result/aliases/0/alias_name")
                                .asText(),
                        "wd"::equals))
                .isEqualTo("wd");
        assertThat(await(
                        "restarted follower sees three peers",
                        () -> cluster(back).get("peers").size(),
                        n -> n == 3))
                .isEqualTo(3);
    }

    private static QdrantClient grpc(ServerProcess p) {
        return new QdrantClient(QdrantGrpcClient.newBuilder("127.0.0.1", p.grpcPort(), false)
                .withApiKey(API_KEY)
                .build());
    }

    /**
     * gRPC Collections/Create, Points/CreateFieldIndex and Collections/Delete go through the
     * metadata log like REST: what one peer is asked, every peer does.
     */
    private static void grpcCollectionManagementReachesEveryPeer(
            ServerProcess one, ServerProcess two, ServerProcess three) throws Exception {
        try (QdrantClient viaThree = grpc(three)) {
            viaThree.createCollectionAsync(Collections.CreateCollection.newBuilder()
                            .setCollectionName("grpc_made")
                            .setVectorsConfig(Collections.VectorsConfig.newBuilder()
                                    .setParams(Collections.VectorParams.newBuilder()
                                            .setSize(4)
                                            .setDistance(Collections.Distance.Dot)))
                            .build())
                    .get(30, TimeUnit.SECONDS);
            viaThree.createPayloadIndexAsync(
                            "grpc_made",
                            "tag",
                            Collections.PayloadSchemaType.Keyword,
                            null,
                            true,
                            null,
                            Duration.ofSeconds(30))
                    .get(30, TimeUnit.SECONDS);
        }
        for (ServerProcess p : List.of(one, two)) {
            await("gRPC-made collection on " + p.baseUrl(), () -> collections(p), s -> s.contains("grpc_made"));
            JsonNode info = await(
                    "gRPC-made index on " + p.baseUrl(),
                    () -> rest(p).call("GET", "/collections/grpc_made", null).body(),
                    b -> b.at("/result/payload_schema/tag/data_type").asText().equals("keyword"));
            assertThat(info.at("/result/config/params/vectors/distance").asText())
                    .isEqualTo("Dot");
            assertThat(info.at("/result/config/params/shard_number").asInt())
                    .as("shard_number left out over gRPC becomes the number of peers")
                    .isEqualTo(3);
        }
        try (QdrantClient viaOne = grpc(one)) {
            viaOne.deleteCollectionAsync("grpc_made").get(30, TimeUnit.SECONDS);
        }
        for (ServerProcess p : List.of(one, two, three)) {
            await("gRPC delete on " + p.baseUrl(), () -> collections(p), s -> !s.contains("grpc_made"));
        }
    }

    private static JsonNode collectionCluster(ServerProcess p, String c) throws Exception {
        return rest(p).call("GET", "/collections/" + c + "/cluster", null)
                .body()
                .get("result");
    }

    private static String points(int from, int to) {
        StringBuilder b = new StringBuilder("{\"points\":[");
        for (int i = from; i < to; i++) {
            if (i > from) {
                b.append(',');
            }
            b.append("{\"id\":")
                    .append(i)
                    .append(",\"vector\":[")
                    .append(1 + i % 7)
                    .append(',')
                    .append(1 + i % 11)
                    .append(',')
                    .append(1 + i % 13)
                    .append(',')
                    .append(1 + i % 17)
                    .append("],\"payload\":{\"i\":")
                    .append(i)
                    .append("}}");
        }
        return b.append("]}").toString();
    }

    /** The answers every peer must agree on: count, the scrolled ids and payloads, a query's hits. */
    private static List<JsonNode> reads(ServerProcess p) throws Exception {
        RestCalls r = rest(p);
        JsonNode count = r.call("POST", "/collections/spread/points/count", "{\"exact\":true}")
                .body()
                .at("/result/count");
        JsonNode scroll = r.call("POST", "/collections/spread/points/scroll", "{\"limit\":1000,\"with_payload\":true}")
                .body()
                .at("/result/points");
        JsonNode query = r.call(
                        "POST",
                        "/collections/spread/points/query",
                        "{\"query\":[3,1,4,1],\"limit\":10,\"with_payload\":true}")
                .body()
                .at("/result/points");
        return List.of(count, scroll, query);
    }

    @Test
    void shardsSpreadOverPeersWithReplicasAndSurviveAKilledPeer() throws Exception {
        int p2p1 = ServerProcess.freePort();
        ServerProcess one = peer(1, null, p2p1).start();
        ServerProcess two = peer(2, p2p1, ServerProcess.freePort()).start();
        ServerProcess three = peer(3, p2p1, ServerProcess.freePort()).start();
        List<ServerProcess> all = List.of(one, two, three);
        await("3 peers", () -> cluster(one), c -> c.get("peers").size() == 3);

        assertThat(rest(one)
                        .call(
                                "PUT",
                                "/collections/spread",
                                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},"
                                        + "\"shard_number\":6,\"replication_factor\":2}")
                        .status())
                .isEqualTo(200);
        Map<Integer, Integer> holders = new java.util.TreeMap<>();
        Set<String> peerIds = new TreeSet<>();
        for (ServerProcess p : all) {
            JsonNode info = await(
                    "collection on " + p.baseUrl(),
                    () -> collectionCluster(p, "spread"),
                    c -> c != null && c.has("local_shards"));
            assertThat(info.get("shard_count").asInt()).isEqualTo(6);
            assertThat(info.get("local_shards").size())
                    .as("4 of the 12 replicas on each peer: %s", info)
                    .isEqualTo(4);
            assertThat(info.get("remote_shards").size())
                    .as("the other replicas: %s", info)
                    .isEqualTo(8);
            assertThat(info.get("shard_transfers").size()).isZero();
            info.get("local_shards").forEach(s -> {
                assertThat(s.get("state").asText()).isEqualTo("Active");
                holders.merge(s.get("shard_id").asInt(), 1, Integer::sum);
            });
            peerIds.add(info.get("peer_id").asText());
        }
        assertThat(peerIds).hasSize(3);
        assertThat(holders).as("every shard on exactly 2 peers").hasSize(6).allSatisfy((k, v) -> assertThat(v)
                .isEqualTo(2));

        // the official JS client against every peer: its own 6 x 2 collection, spread 4/4/4, written
        // through each peer and read through all (src/test/js/cluster.mjs)
        assertThat(JsClientEndToEndTest.runNode(
                        dir.resolve("js-cluster.log"),
                        dir.resolve("peer-1.log"),
                        Map.of("QDRANT_API_KEY", API_KEY),
                        "cluster.mjs",
                        one.baseUrl(),
                        two.baseUrl(),
                        three.baseUrl()))
                .contains("JS client cluster: OK");

        RestCalls viaTwo = rest(two);
        for (int from = 0; from < 300; from += 100) {
            assertThat(viaTwo.call("PUT", "/collections/spread/points?wait=true", points(from, from + 100))
                            .status())
                    .isEqualTo(200);
        }

        List<JsonNode> expected = reads(one);
        assertThat(expected.get(0).asLong()).isEqualTo(300);
        assertThat(expected.get(1).size()).isEqualTo(300);
        Set<Integer> ids = new TreeSet<>();
        expected.get(1).forEach(pt -> {
            assertThat(pt.at("/payload/i").asInt()).isEqualTo(pt.get("id").asInt());
            ids.add(pt.get("id").asInt());
        });
        assertThat(ids).hasSize(300).contains(0, 299);
        assertThat(expected.get(2).size()).isEqualTo(10);
        long localPoints = 0;
        for (ServerProcess p : all) {
            assertThat(reads(p)).as("reads through " + p.baseUrl()).isEqualTo(expected);
            JsonNode info = collectionCluster(p, "spread");
            for (JsonNode s : info.get("local_shards")) {
                localPoints += s.get("points_count").asLong();
            }
            assertThat(rest(p).call("GET", "/collections/spread", null)
                            .body()
                            .at("/result/points_count")
                            .asLong())
                    .isEqualTo(300);
        }
        assertThat(localPoints).as("each point on exactly two peers").isEqualTo(600);
        for (int i = 1; i <= 3; i++) {
            try (var dirs = java.nio.file.Files.list(dir.resolve("peer-" + i)
                    .resolve("collections")
                    .resolve("spread")
                    .resolve("shards"))) {
                // directories only: a primary keeps its retained write history beside them (<id>.retained)
                assertThat(dirs.filter(java.nio.file.Files::isDirectory).count())
                        .as("only the local replicas' directories on peer " + i)
                        .isEqualTo(4);
            }
        }

        // payload index changes go through the metadata log; every peer applies them to its replicas
        assertThat(rest(three)
                        .call(
                                "PUT",
                                "/collections/spread/index?wait=true",
                                "{\"field_name\":\"i\",\"field_schema\":\"integer\"}")
                        .status())
                .isEqualTo(200);
        String filtered = "{\"exact\":true,\"filter\":{\"must\":[{\"key\":\"i\",\"range\":{\"gte\":100}}]}}";
        for (ServerProcess p : all) {
            await(
                    "index on " + p.baseUrl(),
                    () -> rest(p).call("GET", "/collections/spread", null)
                            .body()
                            .at("/result/payload_schema/i/data_type")
                            .asText(),
                    "integer"::equals);
            assertThat(rest(p).call("POST", "/collections/spread/points/count", filtered)
                            .body()
                            .at("/result/count")
                            .asLong())
                    .isEqualTo(200);
        }
        assertThat(rest(one)
                        .call("DELETE", "/collections/spread/index/i?wait=true", null)
                        .status())
                .isEqualTo(200);
        for (ServerProcess p : all) {
            await(
                    "index gone on " + p.baseUrl(),
                    () -> rest(p).call("GET", "/collections/spread", null)
                            .body()
                            .at("/result/payload_schema")
                            .size(),
                    n -> n == 0);
        }

        String threeId = collectionCluster(three, "spread").get("peer_id").asText();
        three.kill();
        for (ServerProcess p : List.of(one, two)) {
            List<JsonNode> after = reads(p);
            assertThat(after.get(0).asLong()).as("count through " + p.baseUrl()).isEqualTo(300);
            assertThat(after)
                    .as("reads through " + p.baseUrl() + " with a peer down")
                    .isEqualTo(expected);
        }

        // writes go on; every replica on the dead peer misses one and is marked Dead before the ack
        assertThat(rest(one)
                        .call("PUT", "/collections/spread/points?wait=true", points(300, 400))
                        .status())
                .isEqualTo(200);
        for (ServerProcess p : List.of(one, two)) {
            JsonNode info = await(
                    "replicas on the killed peer marked Dead, seen by " + p.baseUrl(),
                    () -> collectionCluster(p, "spread"),
                    c -> states(c, threeId).equals(List.of("Dead", "Dead", "Dead", "Dead")));
            info.get("local_shards")
                    .forEach(s -> assertThat(s.get("state").asText()).isEqualTo("Active"));
            for (JsonNode r : info.get("remote_shards")) {
                if (!r.get("peer_id").asText().equals(threeId)) {
                    assertThat(r.get("state").asText()).as("%s", info).isEqualTo("Active");
                }
            }
            assertThat(rest(p).call("POST", "/collections/spread/points/count", "{\"exact\":true}")
                            .body()
                            .at("/result/count")
                            .asLong())
                    .isEqualTo(400);
        }
    }

    /** The states of the replicas on peer {@code peerId} in a {@code GET /collections/{c}/cluster} result. */
    private static List<String> states(JsonNode info, String peerId) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : info.get("remote_shards")) {
            if (r.get("peer_id").asText().equals(peerId)) {
                out.add(r.get("state").asText());
            }
        }
        return out;
    }

    /** Applies one write through {@code via} until it is acknowledged (idempotent writes only). */
    private static void write(RestCalls via, String method, String path, String body) throws Exception {
        RestCalls.Reply last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            last = via.call(method, path, body);
            if (last.status() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(method + " " + path + " never acknowledged: " + last);
    }

    @Test
    void aKilledPeersReplicasAreMarkedDeadAndRecoveredAfterItsRestart() throws Exception {
        int p2p1 = ServerProcess.freePort();
        ServerProcess one = peer(1, null, p2p1).start();
        ServerProcess two = peer(2, p2p1, ServerProcess.freePort()).start();
        ServerProcess three = peer(3, p2p1, ServerProcess.freePort()).start();
        await("3 peers", () -> cluster(one), c -> c.get("peers").size() == 3);
        String create =
                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":3,\"replication_factor\":2}";
        assertThat(rest(one).call("PUT", "/collections/repair", create).status())
                .isEqualTo(200);
        await(
                "collection on peer 3",
                () -> collectionCluster(three, "repair"),
                c -> c != null && c.has("local_shards"));
        String threeId = collectionCluster(three, "repair").get("peer_id").asText();
        java.util.SortedSet<Integer> expected = new java.util.TreeSet<>();
        write(rest(two), "PUT", "/collections/repair/points?wait=true", points(0, 300));
        java.util.stream.IntStream.range(0, 300).forEach(expected::add);

        three.kill();
        write(rest(one), "PUT", "/collections/repair/points?wait=true", points(300, 400));
        java.util.stream.IntStream.range(300, 400).forEach(expected::add);
        write(rest(two), "POST", "/collections/repair/points/delete?wait=true", "{\"points\":[0,1,2,3,4,5,6,7,8,9]}");
        java.util.stream.IntStream.range(0, 10).forEach(expected::remove);
        for (ServerProcess p : List.of(one, two)) {
            await(
                    "replicas of the killed peer Dead on " + p.baseUrl(),
                    () -> collectionCluster(p, "repair"),
                    c -> states(c, threeId).equals(List.of("Dead", "Dead")));
        }

        // restart it while writes (upserts and deletes) go on; every acknowledged write counts
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture<Integer> writer =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    int n = 0;
                    try {
                        for (int from = 400; !stop.get() && from < 2000; from += 20, n++) {
                            RestCalls via = rest(n % 2 == 0 ? one : two);
                            write(via, "PUT", "/collections/repair/points?wait=true", points(from, from + 20));
                            int gone = 10 + n * 3; // deletes reach points already streamed and points not yet streamed
                            write(
                                    via,
                                    "POST",
                                    "/collections/repair/points/delete?wait=true",
                                    "{\"points\":[" + gone + "," + (from + 5) + "]}");
                            synchronized (expected) {
                                java.util.stream.IntStream.range(from, from + 20)
                                        .forEach(expected::add);
                                expected.remove(gone);
                                expected.remove(from + 5);
                            }
                            Thread.sleep(20);
                        }
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                    return n;
                });
        three.start();
        for (ServerProcess p : List.of(one, two, three)) {
            await(
                    "replicas of the restarted peer Active on " + p.baseUrl(),
                    () -> collectionCluster(p, "repair"),
                    c -> states(c, threeId).equals(List.of("Active", "Active"))
                            || c.get("peer_id").asText().equals(threeId)
                                    && c.get("local_shards").size() == 2
                                    && java.util.stream.StreamSupport.stream(
                                                    c.get("local_shards").spliterator(), false)
                                            .allMatch(
                                                    s -> s.get("state").asText().equals("Active")));
        }
        Thread.sleep(500); // some writes after the replicas became Active
        stop.set(true);
        assertThat(writer.get(60, TimeUnit.SECONDS))
                .as("writes during the recovery")
                .isGreaterThan(0);

        // the restarted peer's local replicas hold exactly the acknowledged points
        JsonNode mine = collectionCluster(three, "repair");
        Map<Integer, Long> localCounts = new java.util.TreeMap<>();
        mine.get("local_shards")
                .forEach(s -> localCounts.put(
                        s.get("shard_id").asInt(), s.get("points_count").asLong()));
        for (ServerProcess p : List.of(one, two)) {
            for (JsonNode s : collectionCluster(p, "repair").get("local_shards")) {
                Long there = localCounts.get(s.get("shard_id").asInt());
                if (there != null) {
                    assertThat(there)
                            .as("shard %s on the restarted peer and on %s", s.get("shard_id"), p.baseUrl())
                            .isEqualTo(s.get("points_count").asLong());
                }
            }
        }
        RestCalls viaThree = rest(three);
        assertThat(viaThree.call("POST", "/collections/repair/points/count", "{\"exact\":true}")
                        .body()
                        .at("/result/count")
                        .asLong())
                .isEqualTo(expected.size());
        JsonNode scrolled = viaThree.call(
                        "POST", "/collections/repair/points/scroll", "{\"limit\":5000,\"with_payload\":true}")
                .body()
                .at("/result/points");
        java.util.SortedSet<Integer> ids = new java.util.TreeSet<>();
        scrolled.forEach(pt -> {
            assertThat(pt.at("/payload/i").asInt()).isEqualTo(pt.get("id").asInt());
            ids.add(pt.get("id").asInt());
        });
        assertThat(ids)
                .as("acknowledged points, deletes included, read through the restarted peer")
                .isEqualTo(expected);
    }
}
