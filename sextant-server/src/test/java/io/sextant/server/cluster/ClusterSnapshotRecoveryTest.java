package io.sextant.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collection snapshot recovery on three in-process peers goes through the metadata log: a missing
 * collection is created on every peer from the snapshot's config and every replica converges to the
 * snapshot's points (priority {@code snapshot}); an existing collection with other vectors or
 * another shard number is refused with 400 and left as it was; priority {@code replica} (uploaded) keeps the
 * replicas' data.
 */
class ClusterSnapshotRecoveryTest {
    @TempDir
    Path dir;

    private final List<TestServer> peers = new ArrayList<>();

    @AfterEach
    void stop() {
        peers.forEach(TestServer::close);
    }

    private void start() throws Exception {
        start(Map.of());
    }

    private void start(Map<String, String> env) throws Exception {
        peers.addAll(InProcessCluster.start(dir, 3, "http", i -> {
            Map<String, String> all = new java.util.HashMap<>(env);
            all.put("SEXTANT__STORAGE__SNAPSHOTS_PATH", snapshots(i).toString());
            return all;
        }));
    }

    private Path snapshots(int peer) {
        return dir.resolve("snapshots-" + peer);
    }

    private static void ok(TestServer.Response r) {
        assertThat(r.status()).as("%s", r.text()).isEqualTo(200);
    }

    private static void create(TestServer p, String name, int size, int shards) {
        create(p, name, size, shards, 2);
    }

    private static void create(TestServer p, String name, int size, int shards, int replicationFactor) {
        ok(p.put(
                "/collections/" + name,
                "{\"vectors\":{\"size\":" + size + ",\"distance\":\"Dot\"},\"shard_number\":" + shards
                        + ",\"replication_factor\":" + replicationFactor + "}"));
    }

    private static void upsert(TestServer p, String name, int from, int to) {
        StringBuilder b = new StringBuilder("{\"points\":[");
        for (int i = from; i < to; i++) {
            b.append(i == from ? "" : ",")
                    .append("{\"id\":")
                    .append(i)
                    .append(",\"vector\":[1,0,0,")
                    .append(i)
                    .append("],\"payload\":{\"i\":")
                    .append(i)
                    .append("}}");
        }
        ok(p.put("/collections/" + name + "/points?wait=true", b.append("]}").toString()));
    }

    /** A collection snapshot taken through {@code p}, as a {@code file://} location in its snapshots dir. */
    private String snapshot(int peer, String name) {
        TestServer.Response r = peers.get(peer).post("/collections/" + name + "/snapshots", null);
        ok(r);
        return snapshots(peer)
                .resolve(name)
                .resolve(r.json().at("/result/name").asText())
                .toUri()
                .toString();
    }

    /** The point ids read through {@code p} with consistency=all (null while the read fails). */
    private static SortedSet<Integer> ids(TestServer p, String name) {
        TestServer.Response r = p.post(
                "/collections/" + name + "/points/scroll?consistency=all", "{\"limit\":10000,\"with_payload\":true}");
        if (r.status() != 200) {
            return null;
        }
        SortedSet<Integer> out = new TreeSet<>();
        r.json().at("/result/points").forEach(pt -> out.add(pt.get("id").asInt()));
        return out;
    }

    private static boolean allActive(TestServer p, String name) {
        JsonNode c = p.get("/collections/" + name + "/cluster").json().get("result");
        if (c == null || !c.has("local_shards")) {
            return false;
        }
        for (String kind : List.of("local_shards", "remote_shards")) {
            for (JsonNode s : c.get(kind)) {
                if (!s.get("state").asText().equals("Active")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void eventually(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within 30 s");
            }
            Thread.sleep(100);
        }
    }

    /** The shard ids {@code p} holds a replica of. */
    private static SortedSet<Integer> localShards(TestServer p, String name) {
        SortedSet<Integer> out = new TreeSet<>();
        p.get("/collections/" + name + "/cluster")
                .json()
                .at("/result/local_shards")
                .forEach(s -> out.add(s.get("shard_id").asInt()));
        return out;
    }

    /** The index of the peer holding a replica of both shards of {@code name} (3 peers, 4 replicas: one). */
    private int holderOfAll(String name) {
        for (int i = 0; i < peers.size(); i++) {
            if (localShards(peers.get(i), name).size() == 2) {
                return i;
            }
        }
        throw new AssertionError("no peer holds both shards of " + name);
    }

    /**
     * The snapshot at {@code file} (in peer 0's snapshots dir) copied into peer {@code peer}'s, whose
     * {@code file://} recovery is confined to its own directory.
     */
    private String snapshotsCopy(String file, int peer) throws java.io.IOException {
        Path from = Path.of(java.net.URI.create(file));
        Path to = snapshots(peer).resolve("copied").resolve(from.getFileName());
        if (!java.nio.file.Files.exists(to)) {
            java.nio.file.Files.createDirectories(to.getParent());
            java.nio.file.Files.copy(from, to);
        }
        return to.toUri().toString();
    }

    private static SortedSet<Integer> range(int from, int to) {
        SortedSet<Integer> out = new TreeSet<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void aMissingCollectionIsCreatedOnEveryPeerAndAnExistingOneConvergesToTheSnapshot() throws Exception {
        start();
        create(peers.get(0), "c", 4, 2);
        upsert(peers.get(0), "c", 0, 100);
        String file = snapshot(0, "c");
        upsert(peers.get(1), "c", 100, 150);
        ok(peers.get(2).post("/collections/c/points/delete?wait=true", "{\"points\":[0,1,2,3,4]}"));

        // a collection no peer has: created through the log with the snapshot's config; each peer
        // installs the shards it holds (as Qdrant), so the recovery is repeated where shards are missing
        ok(peers.get(0).put("/collections/copy/snapshots/recover", "{\"location\":\"" + file + "\"}"));
        SortedSet<Integer> covered = localShards(peers.get(0), "copy");
        for (int i = 1; i < peers.size() && covered.size() < 2; i++) {
            SortedSet<Integer> here = localShards(peers.get(i), "copy");
            if (!covered.containsAll(here)) {
                String copy = snapshotsCopy(file, i);
                ok(peers.get(i).put("/collections/copy/snapshots/recover", "{\"location\":\"" + copy + "\"}"));
                covered.addAll(here);
            }
        }
        // the existing one, priority snapshot, on the peer that holds both shards: the later writes
        // and deletes are undone
        int all = holderOfAll("c");
        ok(peers.get(all)
                .put(
                        "/collections/c/snapshots/recover",
                        "{\"location\":\"" + snapshotsCopy(file, all) + "\",\"priority\":\"snapshot\"}"));

        for (String name : List.of("copy", "c")) {
            for (TestServer p : peers) {
                assertThat(p.get("/collections/" + name)
                                .json()
                                .at("/result/config/params/shard_number")
                                .asInt())
                        .isEqualTo(2);
                eventually(
                        () -> range(0, 100).equals(ids(p, name)) && allActive(p, name),
                        name + " converged to the snapshot's points through " + p);
            }
        }
        // writes go on through any peer after the recovery
        upsert(peers.get(2), "c", 200, 210);
        SortedSet<Integer> expected = range(0, 100);
        expected.addAll(range(200, 210));
        for (TestServer p : peers) {
            eventually(() -> expected.equals(ids(p, "c")), "the later write everywhere");
        }
    }

    /** The point ids of shard key {@code key} read through {@code p} with consistency=all (null while it fails). */
    private static SortedSet<Integer> keyIds(TestServer p, String name, String key) {
        TestServer.Response r = p.post(
                "/collections/" + name + "/points/scroll?consistency=all",
                "{\"limit\":10000,\"shard_key\":\"" + key + "\"}");
        if (r.status() != 200) {
            return null;
        }
        SortedSet<Integer> out = new TreeSet<>();
        r.json().at("/result/points").forEach(pt -> out.add(pt.get("id").asInt()));
        return out;
    }

    private static void upsertKey(TestServer p, String name, String key, int from, int to) {
        StringBuilder b = new StringBuilder("{\"shard_key\":\"" + key + "\",\"points\":[");
        for (int i = from; i < to; i++) {
            b.append(i == from ? "" : ",")
                    .append("{\"id\":")
                    .append(i)
                    .append(",\"vector\":[1,0,0,")
                    .append(i)
                    .append("]}");
        }
        ok(p.put("/collections/" + name + "/points?wait=true", b.append("]}").toString()));
    }

    /**
     * A custom-sharded snapshot: the recovered collection gets the snapshot's shard keys through the
     * log, and each key's points land in that key's shards although the ids differ (the source's
     * first key was dropped, so its keys hold shards 1 and 2, the new collection's 0 and 1).
     */
    @Test
    void aCustomShardedSnapshotRecreatesItsShardKeysAndRoutesEachKeysPoints() throws Exception {
        start();
        ok(peers.get(0)
                .put(
                        "/collections/ck",
                        "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},\"sharding_method\":\"custom\","
                                + "\"shard_number\":1,\"replication_factor\":3}"));
        ok(peers.get(0).put("/collections/ck/shards", "{\"shard_key\":\"gone\"}"));
        ok(peers.get(0).post("/collections/ck/shards/delete", "{\"shard_key\":\"gone\"}"));
        ok(peers.get(0).put("/collections/ck/shards", "{\"shard_key\":\"a\"}"));
        ok(peers.get(0).put("/collections/ck/shards", "{\"shard_key\":\"b\"}"));
        upsertKey(peers.get(1), "ck", "a", 0, 50);
        upsertKey(peers.get(2), "ck", "b", 50, 80);
        String file = snapshot(0, "ck");

        ok(peers.get(0).put("/collections/ck2/snapshots/recover", "{\"location\":\"" + file + "\"}"));
        for (TestServer p : peers) {
            eventually(
                    () -> range(0, 50).equals(keyIds(p, "ck2", "a"))
                            && range(50, 80).equals(keyIds(p, "ck2", "b"))
                            && allActive(p, "ck2"),
                    "each key's points in its shards through " + p);
        }
        // the keys route new writes as before
        upsertKey(peers.get(2), "ck2", "b", 80, 90);
        eventually(() -> range(50, 90).equals(keyIds(peers.get(0), "ck2", "b")), "a later write to key b");
        // an existing collection whose key has another number of shards is refused
        ok(peers.get(0)
                .put(
                        "/collections/ck3",
                        "{\"vectors\":{\"size\":4,\"distance\":\"Dot\"},\"sharding_method\":\"custom\","
                                + "\"shard_number\":1,\"replication_factor\":3}"));
        ok(peers.get(0).put("/collections/ck3/shards", "{\"shard_key\":\"a\",\"shards_number\":2}"));
        TestServer.Response refused =
                peers.get(0).put("/collections/ck3/snapshots/recover", "{\"location\":\"" + file + "\"}");
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.text()).contains("shard key").contains("has 2 shards, the snapshot 1");
    }

    @Test
    void anIncompatibleSnapshotIsRefusedWith400AndChangesNothing() throws Exception {
        start();
        create(peers.get(0), "c", 4, 2);
        create(peers.get(0), "wide", 8, 2);
        create(peers.get(0), "three", 4, 3);
        upsert(peers.get(0), "c", 0, 20);
        String wide = snapshot(0, "wide");
        String three = snapshot(0, "three");

        TestServer.Response vectors =
                peers.get(0).put("/collections/c/snapshots/recover", "{\"location\":\"" + wide + "\"}");
        assertThat(vectors.status()).as("%s", vectors.text()).isEqualTo(400);
        assertThat(vectors.json().at("/status/error").asText())
                .startsWith("Wrong input: Snapshot is not compatible with existing collection: Collection vectors:");
        TestServer.Response shards =
                peers.get(0).put("/collections/c/snapshots/recover", "{\"location\":\"" + three + "\"}");
        assertThat(shards.status()).as("%s", shards.text()).isEqualTo(400);
        assertThat(shards.json().at("/status/error").asText())
                .contains("Collection shard number: 2 Snapshot shard number: 3");
        for (TestServer p : peers) {
            assertThat(ids(p, "c")).isEqualTo(range(0, 20));
            assertThat(allActive(p, "c")).isTrue();
        }
    }

    @Test
    void replicaPriorityKeepsTheReplicasData() throws Exception {
        start();
        create(peers.get(0), "c", 4, 2);
        upsert(peers.get(0), "c", 0, 30);
        String file = snapshot(0, "c");
        upsert(peers.get(0), "c", 30, 40);

        int all = holderOfAll("c"); // through the upload route this time
        java.net.http.HttpResponse<String> up = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                                        + peers.get(all).server().httpPort()
                                        + "/collections/c/snapshots/upload?priority=replica"))
                                .header("Content-Type", "multipart/form-data; boundary=j1")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                                        io.sextant.server.snapshot.RestoreSafetyApiTest.multipart(
                                                "j1",
                                                java.nio.file.Files.readAllBytes(Path.of(java.net.URI.create(file))))))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as("%s", up.body()).isEqualTo(200);

        for (TestServer p : peers) {
            eventually(
                    () -> range(0, 40).equals(ids(p, "c")) && allActive(p, "c"),
                    "every replica back to the replicas' data through " + p);
        }
    }

    @Test
    void aShardSnapshotIsInstalledIntoTheShardThroughAPeerWithoutAReplica() throws Exception {
        start();
        create(peers.get(0), "c", 4, 2);
        upsert(peers.get(0), "c", 0, 60);
        int holder = -1;
        int other = -1;
        for (int i = 0; i < peers.size(); i++) {
            if (localShards(peers.get(i), "c").contains(0)) {
                holder = holder < 0 ? i : holder;
            } else {
                other = i;
            }
        }
        TestServer.Response snap = peers.get(holder).post("/collections/c/shards/0/snapshots", null);
        ok(snap);
        String file = snapshots(holder)
                .resolve("c")
                .resolve("shards")
                .resolve("0")
                .resolve(snap.json().at("/result/name").asText())
                .toUri()
                .toString();
        SortedSet<Integer> before = ids(peers.get(0), "c");
        SortedSet<Integer> inShard0 = shardPoints(peers.get(holder), 0);
        ok(peers.get(0).post("/collections/c/points/delete?wait=true", "{\"points\":[0,1,2,3,4,5,6,7,8,9]}"));

        // recovered through the peer without a replica of shard 0 (it used to be refused with 400):
        // the files are shipped to a peer that holds one and installed there
        ok(peers.get(other)
                .put(
                        "/collections/c/shards/0/snapshots/recover",
                        "{\"location\":\"" + snapshotsCopy(file, other) + "\",\"priority\":\"snapshot\"}"));
        // shard 0's deleted points come back on every replica; shard 1 keeps its deletes
        SortedSet<Integer> expected = new TreeSet<>(before);
        SortedSet<Integer> deletedInShard1 = new TreeSet<>(range(0, 10));
        deletedInShard1.removeAll(inShard0);
        expected.removeAll(deletedInShard1);
        for (TestServer p : peers) {
            eventually(
                    () -> expected.equals(ids(p, "c")) && allActive(p, "c"),
                    "shard 0 back to its snapshot through " + p);
        }
    }

    @Test
    void aCollectionSnapshotRecoveredOnOnePeerRestoresTheShardsOtherPeersHold() throws Exception {
        start();
        create(peers.get(0), "c", 4, 3, 1);
        upsert(peers.get(0), "c", 0, 90);
        assertThat(localShards(peers.get(0), "c"))
                .as("peer 0 holds one shard of three")
                .hasSize(1);
        String file = snapshot(0, "c");
        ok(peers.get(0).delete("/collections/c"));

        ok(peers.get(0).put("/collections/c/snapshots/recover", "{\"location\":\"" + file + "\"}"));

        for (TestServer p : peers) {
            eventually(() -> range(0, 90).equals(ids(p, "c")), "all 90 points back through " + p);
        }
    }

    @Test
    void aRecoveryThatMakesATransfersTargetTheSourceOfTruthEndsThatTransfer() throws Exception {
        start(Map.of("SEXTANT__CLUSTER__TRANSFER__POINTS_PER_SECOND", "20"));
        create(peers.get(0), "c", 4, 1, 1);
        upsert(peers.get(0), "c", 0, 1000);
        int holder = -1;
        int target = -1;
        for (int i = 0; i < peers.size(); i++) {
            if (localShards(peers.get(i), "c").contains(0)) {
                holder = i;
            } else if (target < 0) {
                target = i;
            }
        }
        String file = snapshotsCopy(snapshot(holder, "c"), target);
        String from =
                peers.get(holder).get("/cluster").json().at("/result/peer_id").asText();
        String to =
                peers.get(target).get("/cluster").json().at("/result/peer_id").asText();
        // 1000 points at 20 per second: the transfer runs for most of a minute
        ok(peers.get(holder)
                .post(
                        "/collections/c/cluster",
                        "{\"replicate_shard\":{\"shard_id\":0,\"from_peer_id\":" + from + ",\"to_peer_id\":" + to
                                + ",\"method\":\"stream_records\"}}"));
        TestServer t = peers.get(target);
        eventually(() -> transfersTo(t, to) == 1, "the transfer listed");

        ok(t.put("/collections/c/snapshots/recover", "{\"location\":\"" + file + "\",\"priority\":\"snapshot\"}"));

        for (TestServer p : peers) {
            eventually(() -> transfersTo(p, to) == 0, "the transfer to the recovered replica ended on " + p);
        }
        // read from the recovered replica, the only Active one while it repairs the other at 20 points/s
        TestServer.Response page = t.post("/collections/c/points/scroll", "{\"limit\":5000}");
        ok(page);
        assertThat(page.json().at("/result/points").size()).isEqualTo(1000);
    }

    /** How many transfers to peer {@code to} {@code p} lists for collection c. */
    private static int transfersTo(TestServer p, String to) {
        int n = 0;
        for (JsonNode tr : p.get("/collections/c/cluster").json().at("/result/shard_transfers")) {
            if (tr.get("to").asText().equals(to)) {
                n++;
            }
        }
        return n;
    }

    /** The point ids {@code p}'s local replica of shard {@code shard} holds (read by shard key-less scroll of that replica). */
    private static SortedSet<Integer> shardPoints(TestServer p, int shard) {
        var rs = (io.sextant.cluster.replica.ReplicaSet)
                p.server().tableOfContents().get("c").shard(shard);
        SortedSet<Integer> out = new TreeSet<>();
        rs.localReplica()
                .scroll(new io.sextant.shard.ScrollRequest(
                        null,
                        10_000,
                        null,
                        null,
                        io.sextant.segment.query.PayloadSelector.NONE,
                        io.sextant.segment.query.VectorSelector.NONE))
                .points()
                .forEach(r -> out.add((int) Long.parseLong(r.id().toString())));
        return out;
    }
}
