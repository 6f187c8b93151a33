package io.sextant.e2e;

import static io.sextant.e2e.LoopbackCluster.points;
import static io.sextant.e2e.LoopbackCluster.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations of {@code POST /collections/{c}/cluster} on packaged peers on loopback: shard keys
 * created, written, read and dropped across three peers (with the dropped key's files gone on
 * every peer); {@code drop_replica} (placement on every peer, files deleted, the last Active
 * replica refused); {@code replicate_shard} filling a new replica and {@code move_shard} leaving
 * its source; {@code abort_transfer} dropping the replica being filled. (Split from {@link
 * ClusterEndToEndTest}, which covers the metadata log, placement and killed peers.)
 */
class ClusterShardOperationsTest {
    private static final int CONVERGE_SECONDS = 20;

    @TempDir
    Path dir;

    private LoopbackCluster cluster;

    @AfterEach
    void stopAll() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static RestCalls api(ServerProcess p) {
        return new RestCalls(p.baseUrl());
    }

    private static JsonNode cluster(ServerProcess p) throws Exception {
        return LoopbackCluster.call(p, "GET", "/cluster", null).body().get("result");
    }

    private static JsonNode collectionCluster(ServerProcess p, String c) throws Exception {
        return LoopbackCluster.call(p, "GET", "/collections/" + c + "/cluster", null)
                .body()
                .get("result");
    }

    private static <T> T await(
            String what, java.util.concurrent.Callable<T> probe, java.util.function.Predicate<T> done)
            throws Exception {
        return LoopbackCluster.await(what, probe, done, CONVERGE_SECONDS);
    }

    /** Two peers with {@code env}, started and joined. */
    private List<ServerProcess> twoPeers(Map<String, String> env) throws Exception {
        cluster = new LoopbackCluster(dir);
        env.forEach(cluster::withEnv);
        int p2p1 = ServerProcess.freePort();
        ServerProcess one = cluster.peer(1, null, p2p1);
        ServerProcess two = cluster.peer(2, p2p1, ServerProcess.freePort());
        await("2 peers", () -> cluster(one), c -> c.get("peers").size() == 2);
        return List.of(one, two);
    }

    /** Creates {@code name} with one shard and {@code replicas} replicas through {@code via}. */
    private static void createOneShard(ServerProcess via, String name, int replicas) throws Exception {
        write(
                via,
                "PUT",
                "/collections/" + name,
                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"shard_number\":1,\"replication_factor\":"
                        + replicas + "}",
                40);
    }

    /** The number of {@code shard_key} points {@code p} counts. */
    private static long countInKey(ServerProcess p, String c, String key) throws Exception {
        return api(p).call("POST", "/collections/" + c + "/points/count", "{\"shard_key\":" + key + "}")
                .body()
                .at("/result/count")
                .asLong(-1);
    }

    @Test
    void shardKeysArePlacedWrittenAndReadAcrossPeersAndDropped() throws Exception {
        cluster = new LoopbackCluster(dir);
        List<ServerProcess> peers = cluster.startThree();
        ServerProcess one = peers.get(0);
        ServerProcess two = peers.get(1);
        ServerProcess three = peers.get(2);
        write(
                one,
                "PUT",
                "/collections/tenants",
                "{\"vectors\":{\"size\":4,\"distance\":\"Cosine\"},\"sharding_method\":\"custom\",\"shard_number\":2}",
                40);
        // the create is applied on peer 2 within a heartbeat; the key create is retried until then
        write(two, "PUT", "/collections/tenants/shards", "{\"shard_key\":\"acme\",\"replication_factor\":2}", 40);
        for (ServerProcess p : List.of(one, two, three)) {
            await(
                    "peer lists the key",
                    () -> api(p).call("GET", "/collections/tenants/shards", null)
                            .body(),
                    b -> b.at("/result/shard_keys").toString().equals("[{\"key\":\"acme\"}]"));
        }
        int localReplicas = 0;
        for (ServerProcess p : List.of(one, two, three)) {
            JsonNode info = collectionCluster(p, "tenants");
            assertThat(info.get("shard_count").asInt()).isEqualTo(2);
            localReplicas += info.get("local_shards").size();
        }
        assertThat(localReplicas).as("2 shards x 2 replicas over 3 peers").isEqualTo(4);

        String acmePoints = points(0, 40).replaceFirst("\\{", "{\"shard_key\":\"acme\",");
        write(two, "PUT", "/collections/tenants/points?wait=true", acmePoints, 40);
        RestCalls.Reply noKey = api(two).call("PUT", "/collections/tenants/points?wait=true", points(0, 1));
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body().at("/status/error").asText()).contains("Shard key not specified");
        await("peer 3 reads the key's points", () -> countInKey(three, "tenants", "\"acme\""), n -> n == 40);
        assertThat(countInKey(one, "tenants", "\"acme\"")).isEqualTo(40);
        JsonNode got = api(three)
                .call(
                        "POST",
                        "/collections/tenants/points",
                        "{\"ids\":[7],\"with_payload\":true,\"shard_key\":\"acme\"}")
                .body();
        assertThat(got.at("/result/0/payload/i").asInt()).isEqualTo(7);
        assertThat(api(three)
                        .call("POST", "/collections/tenants/points/count", "{\"shard_key\":\"other\"}")
                        .status())
                .isEqualTo(400);

        RestCalls.Reply dropped = api(three)
                .call("POST", "/collections/tenants/cluster", "{\"drop_sharding_key\":{\"shard_key\":\"acme\"}}");
        assertThat(dropped.status()).as(dropped.toString()).isEqualTo(200);
        for (int i = 1; i <= 3; i++) {
            ServerProcess p = peers.get(i - 1);
            await(
                    "peer " + i + " dropped the key",
                    () -> api(p).call("GET", "/collections/tenants/shards", null)
                            .body(),
                    b -> b.at("/result/shard_keys").isEmpty());
            Path shards = dir.resolve("peer-" + i).resolve("collections/tenants/shards");
            await(
                    "peer " + i + " deleted the key's shards",
                    () -> !java.nio.file.Files.exists(shards)
                            || java.nio.file.Files.list(shards).findAny().isEmpty(),
                    gone -> gone);
        }
        assertThat(api(one).call("POST", "/collections/tenants/points/count", "{}")
                        .body()
                        .at("/result/count")
                        .asLong())
                .isZero();
    }

    @Test
    void aDroppedReplicaLeavesThePlacementOnEveryPeerAndItsFilesGo() throws Exception {
        List<ServerProcess> both = twoPeers(Map.of());
        ServerProcess one = both.get(0);
        ServerProcess two = both.get(1);
        String idTwo = cluster(two).get("peer_id").asText();
        createOneShard(one, "dropme", 2);
        write(one, "PUT", "/collections/dropme/points?wait=true", points(0, 50), 40);
        await(
                "peer 2 holds the replica",
                () -> collectionCluster(two, "dropme"),
                c -> c.get("local_shards").size() == 1);
        Path shardOnTwo = dir.resolve("peer-2").resolve("collections/dropme/shards/0");
        assertThat(shardOnTwo).exists();

        RestCalls.Reply dropped = api(one).call(
                        "POST",
                        "/collections/dropme/cluster",
                        "{\"drop_replica\":{\"shard_id\":0,\"peer_id\":" + idTwo + "}}");
        assertThat(dropped.status()).as(dropped.toString()).isEqualTo(200);
        assertThat(collectionCluster(one, "dropme").get("remote_shards").size())
                .as("the proposer applied it before answering")
                .isZero();
        JsonNode onTwo =
                await("peer 2 applied the drop", () -> collectionCluster(two, "dropme"), c -> c.get("local_shards")
                        .isEmpty());
        assertThat(onTwo.get("remote_shards").size()).isEqualTo(1);
        await("peer 2 deleted its replica", () -> java.nio.file.Files.exists(shardOnTwo), exists -> !exists);

        assertThat(api(two).call("POST", "/collections/dropme/points/count", "{\"exact\":true}")
                        .body()
                        .at("/result/count")
                        .asLong())
                .as("peer 2 reads from peer 1 now")
                .isEqualTo(50);
        write(two, "PUT", "/collections/dropme/points?wait=true", points(50, 60), 40);
        assertThat(api(one).call("POST", "/collections/dropme/points/count", "{\"exact\":true}")
                        .body()
                        .at("/result/count")
                        .asLong())
                .isEqualTo(60);

        String idOne = cluster(one).get("peer_id").asText();
        RestCalls.Reply last = api(two).call(
                        "POST",
                        "/collections/dropme/cluster",
                        "{\"drop_replica\":{\"shard_id\":0,\"peer_id\":" + idOne + "}}");
        assertThat(last.status()).isEqualTo(400);
        assertThat(last.body().at("/status/error").asText()).contains("last active replica");
    }

    @Test
    void aReplicatedShardIsFilledAndAMovedOneLeavesItsSource() throws Exception {
        List<ServerProcess> both = twoPeers(Map.of());
        ServerProcess one = both.get(0);
        ServerProcess two = both.get(1);
        String idOne = cluster(one).get("peer_id").asText();
        String idTwo = cluster(two).get("peer_id").asText();
        createOneShard(one, "grow", 1);
        JsonNode info = await("the placement is known", () -> collectionCluster(one, "grow"), c -> true);
        String holder = info.get("local_shards").isEmpty() ? idTwo : idOne;
        String other = holder.equals(idOne) ? idTwo : idOne;
        ServerProcess otherPeer = other.equals(idOne) ? one : two;
        write(one, "PUT", "/collections/grow/points?wait=true", points(0, 300), 40);

        RestCalls.Reply replicated = api(one).call(
                        "POST",
                        "/collections/grow/cluster",
                        "{\"replicate_shard\":{\"shard_id\":0,\"from_peer_id\":" + holder + ",\"to_peer_id\":" + other
                                + "}}");
        assertThat(replicated.status()).as(replicated.toString()).isEqualTo(200);
        JsonNode filled = await(
                "the new replica is filled and Active",
                () -> collectionCluster(otherPeer, "grow"),
                c -> c.get("local_shards").size() == 1
                        && c.at("/local_shards/0/state").asText().equals("Active"));
        assertThat(filled.at("/local_shards/0/points_count").asLong()).isEqualTo(300);

        RestCalls.Reply moved = api(one).call(
                        "POST",
                        "/collections/grow/cluster",
                        "{\"move_shard\":{\"shard_id\":0,\"from_peer_id\":" + other + ",\"to_peer_id\":" + holder
                                + "}}");
        assertThat(moved.status()).as("the target already holds one").isEqualTo(400);

        write(
                one,
                "POST",
                "/collections/grow/cluster",
                "{\"drop_replica\":{\"shard_id\":0,\"peer_id\":" + holder + "}}",
                40);
        ServerProcess holderPeer = holder.equals(idOne) ? one : two;
        await("the original holder dropped it", () -> collectionCluster(holderPeer, "grow"), c -> c.get("local_shards")
                .isEmpty());
        RestCalls.Reply back = api(two).call(
                        "POST",
                        "/collections/grow/cluster",
                        "{\"move_shard\":{\"shard_id\":0,\"from_peer_id\":" + other + ",\"to_peer_id\":" + holder
                                + "}}");
        assertThat(back.status()).as(back.toString()).isEqualTo(200);
        JsonNode after = await(
                "the shard moved back: Active on the holder, gone from the other",
                () -> collectionCluster(holderPeer, "grow"),
                c -> c.get("local_shards").size() == 1
                        && c.at("/local_shards/0/state").asText().equals("Active")
                        && c.get("remote_shards").isEmpty());
        assertThat(after.at("/local_shards/0/points_count").asLong()).isEqualTo(300);
        assertThat(api(otherPeer)
                        .call("POST", "/collections/grow/points/count", "{\"exact\":true}")
                        .body()
                        .at("/result/count")
                        .asLong())
                .isEqualTo(300);
    }

    @Test
    void anAbortedTransferDropsTheReplicaBeingFilled() throws Exception {
        List<ServerProcess> both = twoPeers(Map.of("SEXTANT__CLUSTER__TRANSFER__POINTS_PER_SECOND", "100"));
        ServerProcess one = both.get(0);
        ServerProcess two = both.get(1);
        String idOne = cluster(one).get("peer_id").asText();
        String idTwo = cluster(two).get("peer_id").asText();
        createOneShard(one, "slow", 1);
        boolean onOne = collectionCluster(one, "slow").get("local_shards").size() == 1;
        String holder = onOne ? idOne : idTwo;
        String target = onOne ? idTwo : idOne;
        ServerProcess targetPeer = onOne ? two : one;
        write(one, "PUT", "/collections/slow/points?wait=true", points(0, 2000), 40);
        String transfer = "{\"shard_id\":0,\"from_peer_id\":" + holder + ",\"to_peer_id\":" + target + "}";
        write(one, "POST", "/collections/slow/cluster", "{\"replicate_shard\":" + transfer + "}", 40);
        await(
                "the target replica is being filled",
                () -> collectionCluster(targetPeer, "slow"),
                c -> c.get("local_shards").size() == 1
                        && c.at("/local_shards/0/state").asText().equals("Partial"));

        RestCalls.Reply aborted =
                api(targetPeer).call("POST", "/collections/slow/cluster", "{\"abort_transfer\":" + transfer + "}");
        assertThat(aborted.status()).as(aborted.toString()).isEqualTo(200);
        JsonNode after =
                await("the target dropped its replica", () -> collectionCluster(targetPeer, "slow"), c -> c.get(
                                "local_shards")
                        .isEmpty());
        assertThat(after.get("remote_shards").size()).isEqualTo(1);
        Thread.sleep(2_000);
        assertThat(collectionCluster(targetPeer, "slow").get("local_shards").size())
                .as("the automatic recovery does not bring it back")
                .isZero();
        RestCalls.Reply again =
                api(one).call("POST", "/collections/slow/cluster", "{\"abort_transfer\":" + transfer + "}");
        assertThat(again.status()).as("nothing left to abort").isEqualTo(400);
        assertThat(api(targetPeer)
                        .call("POST", "/collections/slow/points/count", "{\"exact\":true}")
                        .body()
                        .at("/result/count")
                        .asLong())
                .isEqualTo(2000);
    }
}
