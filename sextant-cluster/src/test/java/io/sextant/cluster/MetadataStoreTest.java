package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.cluster.MetadataCommand.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {

    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path dir;

    static JsonNode json(String s) {
        try {
            return M.readTree(s);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static MetadataCommand create(String name) {
        return MetadataCommand.of(
                Type.CREATE_COLLECTION, name, json("{\"vectors\":{\"size\":4,\"distance\":\"Dot\"}}"));
    }

    static MetadataCommand alias(String collection, String alias) {
        return MetadataCommand.of(
                Type.UPDATE_ALIASES,
                null,
                json("{\"actions\":[{\"create_alias\":{\"collection_name\":\"" + collection + "\",\"alias_name\":\""
                        + alias + "\"}}]}"));
    }

    @Test
    void appliesEachEntryOnceAndReportsTheApplierResult() {
        FakeApplier peer = new FakeApplier();
        MetadataStore store = new MetadataStore(dir, peer);
        assertThat(store.apply(1, 1, create("a")).succeeded()).isTrue();
        MetadataResult dup = store.apply(1, 2, create("a"));
        assertThat(dup.succeeded()).isFalse();
        assertThat(dup.errorKind()).isEqualTo("CONFLICT");
        assertThat(store.apply(1, 2, create("b"))).as("index 2 again: a replay").isNull();
        assertThat(peer.executed).hasSize(2);
        assertThat(store.appliedIndex()).isEqualTo(2);
        assertThat(store.appliedTerm()).isEqualTo(1);
    }

    @Test
    void stateSurvivesReopenAndReplayedEntriesAreSkipped() {
        FakeApplier peer = new FakeApplier();
        MetadataStore store = new MetadataStore(dir, peer);
        store.apply(1, 1, create("a"));
        store.skip(1, 2); // a configuration entry
        store.apply(2, 3, create("b"));
        store.apply(2, 4, alias("b", "bee"));

        MetadataStore reopened = new MetadataStore(dir, peer);
        assertThat(reopened.appliedIndex()).isEqualTo(4);
        assertThat(reopened.appliedTerm()).isEqualTo(2);
        assertThat(reopened.ledger().collections()).containsOnlyKeys("a", "b");
        assertThat(reopened.ledger().aliases()).containsEntry("bee", "b");
        int before = peer.executed.size();
        for (long i = 1; i <= 4; i++) { // Ratis replays its log after a restart
            assertThat(reopened.apply(2, i, create("replayed-" + i))).isNull();
        }
        assertThat(peer.executed).hasSize(before);
        reopened.apply(2, 5, create("c"));
        assertThat(peer.collections).containsExactly("a", "b", "c");
    }

    @Test
    void failedCommandsDoNotEnterTheLedger() {
        MetadataStore store = new MetadataStore(dir, new FakeApplier());
        store.apply(1, 1, MetadataCommand.of(Type.UPDATE_COLLECTION, "missing", json("{}")));
        assertThat(store.ledger().collections()).isEmpty();
        assertThat(store.appliedIndex()).isEqualTo(1);
    }

    @Test
    void snapshotRestoreMakesALaggingPeerMatch() throws Exception {
        FakeApplier leader = new FakeApplier();
        MetadataStore leaderStore = new MetadataStore(dir.resolve("leader"), leader);
        leaderStore.apply(1, 1, create("kept"));
        leaderStore.apply(1, 2, create("gone"));
        leaderStore.apply(1, 3, MetadataCommand.of(Type.UPDATE_COLLECTION, "kept", json("{\"optimizers_config\":{}}")));
        leaderStore.apply(1, 4, MetadataCommand.of(Type.DELETE_COLLECTION, "gone", null));
        leaderStore.apply(1, 5, create("new"));
        leaderStore.apply(1, 6, alias("new", "fresh"));
        Path snapshot = dir.resolve("snapshot.1_6");
        leaderStore.writeSnapshot(snapshot);

        // the follower saw entries 1..2 only, and has a stray alias
        FakeApplier follower = new FakeApplier();
        MetadataStore followerStore = new MetadataStore(dir.resolve("follower"), follower);
        followerStore.apply(1, 1, create("kept"));
        followerStore.apply(1, 2, create("gone"));
        follower.aliases.put("stale", "gone");
        follower.executed.clear();

        followerStore.restore(snapshot);
        assertThat(follower.collections).containsExactly("kept", "new");
        assertThat(follower.aliases).containsExactly(java.util.Map.entry("fresh", "new"));
        assertThat(follower.executed)
                .as("kept is updated, not re-created")
                .noneMatch(c ->
                        c.type() == Type.CREATE_COLLECTION && c.collection().equals("kept"));
        assertThat(followerStore.appliedIndex()).isEqualTo(6);
        assertThat(new MetadataStore(dir.resolve("follower"), follower).ledger().toJson())
                .isEqualTo(leaderStore.ledger().toJson());
    }

    @Test
    void aLaggingPeerGetsTheReplicaStatesFromTheSnapshot() {
        java.util.function.Function<String, ReplicaStateApplier> peer = name -> {
            Path storage = dir.resolve(name);
            PlacementBook placements = PlacementBook.open(storage);
            return new ReplicaStateApplier(
                    new PlacementApplier(new FakeApplier(), placements), placements, ReplicaStateBook.open(storage));
        };
        MetadataCommand create = create("c")
                .with(create("c").body(), new ShardPlacement(java.util.List.of(java.util.List.of(1L, 2L, 3L))));
        MetadataStore leader = new MetadataStore(dir.resolve("leader"), peer.apply("leader"));
        leader.apply(1, 1, create);
        leader.apply(1, 2, new ReplicaStateChange(0, 2, ReplicaState.DEAD, ReplicaState.ACTIVE).command("c"));
        leader.apply(1, 3, new ReplicaStateChange(0, 3, ReplicaState.PARTIAL, null).command("c"));
        leader.apply(1, 4, new ReplicaStateChange(0, 3, ReplicaState.ACTIVE, ReplicaState.PARTIAL).command("c"));
        Path snapshot = dir.resolve("snapshot.1_4");
        leader.writeSnapshot(snapshot);

        ReplicaStateApplier lagging = peer.apply("follower");
        MetadataStore follower = new MetadataStore(dir.resolve("follower"), lagging);
        follower.apply(1, 1, create);
        follower.apply(1, 2, new ReplicaStateChange(0, 1, ReplicaState.LISTENER, null).command("c")); // stale
        follower.restore(snapshot);
        ReplicaStateBook reopened = ReplicaStateBook.open(dir.resolve("follower"));
        assertThat(reopened.all())
                .isEqualTo(java.util.Map.of("c", java.util.Map.of(0, java.util.Map.of(2L, ReplicaState.DEAD))));
        assertThat(follower.ledger().toJson()).isEqualTo(leader.ledger().toJson());
    }

    @Test
    void newerStateFormatIsRefusedWithAMessage() throws Exception {
        Files.writeString(
                dir.resolve(MetadataStore.STATE_FILE),
                "{\"format\":99,\"term\":1,\"index\":1,\"ledger\":{}}",
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new MetadataStore(dir, new FakeApplier()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("format 99")
                .hasMessageContaining("reads up to 1");
    }
}
