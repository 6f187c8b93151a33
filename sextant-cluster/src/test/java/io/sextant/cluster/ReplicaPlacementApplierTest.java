package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** drop_replica entries applied to the placement and replica state books. */
class ReplicaPlacementApplierTest {

    @TempDir
    Path dir;

    private final FakeApplier executor = new FakeApplier();
    private final List<String> dropped = new ArrayList<>();
    private PlacementBook placements;
    private ReplicaStateBook states;
    private ReplicaPlacementApplier applier;

    @BeforeEach
    void setUp() {
        placements = PlacementBook.open(dir);
        states = ReplicaStateBook.open(dir);
        applier = new ReplicaPlacementApplier(
                new ReplicaStateApplier(new PlacementApplier(executor, placements), placements, states),
                placements,
                states,
                new ReplicaPlacementApplier.Listener() {
                    @Override
                    public void dropped(String c, int shard, long peer) {
                        dropped.add(c + "/" + shard + "@" + peer);
                    }

                    @Override
                    public void added(String c, int shard, long peer) {
                        dropped.add("+" + c + "/" + shard + "@" + peer);
                    }
                });
        MetadataCommand create = new MetadataCommand(
                MetadataCommand.Type.CREATE_COLLECTION,
                "c",
                null,
                JsonNodeFactory.instance.objectNode(),
                false,
                new ShardPlacement(List.of(List.of(1L, 2L), List.of(2L, 3L))));
        assertThat(applier.apply(create).succeeded()).isTrue();
    }

    @Test
    void aDropLeavesThePlacementDurablyAndTellsTheListenerOnce() {
        states.set("c", 0, 1, ReplicaState.DEAD);
        MetadataResult r = applier.apply(new ReplicaPlacementChange(0, 1).command("c"));
        assertThat(r.succeeded()).isTrue();
        assertThat(r.result().asBoolean()).isTrue();
        assertThat(placements.get("c")).isEqualTo(new ShardPlacement(List.of(List.of(2L), List.of(2L, 3L))));
        assertThat(PlacementBook.open(dir).get("c")).as("persisted").isEqualTo(placements.get("c"));
        assertThat(states.all()).as("the dropped replica's Dead entry is gone").isEmpty();
        assertThat(dropped).containsExactly("c/0@1");
        assertThat(executor.executed)
                .as("the executor never sees a drop")
                .extracting(MetadataCommand::type)
                .containsExactly(MetadataCommand.Type.CREATE_COLLECTION);

        MetadataResult replay = applier.apply(new ReplicaPlacementChange(0, 1).command("c"));
        assertThat(replay.succeeded()).as("a replayed drop is harmless").isTrue();
        assertThat(replay.result().asBoolean()).isFalse();
        assertThat(dropped).hasSize(1);
    }

    @Test
    void theLastActiveReplicaIsNeverDropped() {
        applier.apply(new ReplicaPlacementChange(0, 1).command("c"));
        MetadataResult last = applier.apply(new ReplicaPlacementChange(0, 2).command("c"));
        assertThat(last.succeeded()).isFalse();
        assertThat(last.errorKind()).isEqualTo("BAD_REQUEST");
        assertThat(last.error()).contains("last active replica of shard 0");
        assertThat(placements.get("c").replicas(0)).containsExactly(2L);

        states.set("c", 1, 3, ReplicaState.DEAD);
        MetadataResult onlyActive = applier.apply(new ReplicaPlacementChange(1, 2).command("c"));
        assertThat(onlyActive.errorKind())
                .as("the other replica is Dead: 2 is the last Active one")
                .isEqualTo("BAD_REQUEST");
        assertThat(placements.get("c").replicas(1)).containsExactly(2L, 3L);
        assertThat(applier.apply(new ReplicaPlacementChange(1, 3).command("c")).succeeded())
                .as("dropping the Dead one is fine")
                .isTrue();
        assertThat(dropped).containsExactly("c/0@1", "c/1@3");
    }

    @Test
    void badShardAndUnknownCollectionChangeNothing() {
        MetadataResult badShard = applier.apply(new ReplicaPlacementChange(2, 1).command("c"));
        assertThat(badShard.errorKind()).isEqualTo("BAD_REQUEST");
        assertThat(badShard.error()).contains("Shard 2 of c does not exist");
        assertThat(applier.apply(new ReplicaPlacementChange(0, 1).command("nope"))
                        .errorKind())
                .isEqualTo("NOT_FOUND");
        assertThat(placements.get("c")).isEqualTo(new ShardPlacement(List.of(List.of(1L, 2L), List.of(2L, 3L))));
        assertThat(dropped).isEmpty();
    }

    @Test
    void theLedgerAndTheDeleteOfTheCollectionForgetTheDroppedPlacement() {
        applier.apply(new ReplicaPlacementChange(0, 1).command("c"));
        applier.apply(MetadataCommand.of(MetadataCommand.Type.DELETE_COLLECTION, "c", null));
        assertThat(placements.get("c")).isNull();
    }

    @Test
    void anAddedReplicaJoinsLastAndPartialOnce() {
        MetadataResult r = applier.apply(new ReplicaPlacementChange(0, 3).addCommand("c"));
        assertThat(r.succeeded()).isTrue();
        assertThat(r.result().asBoolean()).isTrue();
        assertThat(PlacementBook.open(dir).get("c"))
                .as("persisted, last in placement order (the primary does not change)")
                .isEqualTo(new ShardPlacement(List.of(List.of(1L, 2L, 3L), List.of(2L, 3L))));
        assertThat(states.state("c", 0, 3)).isEqualTo(ReplicaState.PARTIAL);
        assertThat(dropped).containsExactly("+c/0@3");
        MetadataResult replay = applier.apply(new ReplicaPlacementChange(0, 3).addCommand("c"));
        assertThat(replay.result().asBoolean()).isFalse();
        assertThat(dropped).hasSize(1);

        assertThat(applier.apply(new ReplicaPlacementChange(5, 3).addCommand("c"))
                        .errorKind())
                .isEqualTo("BAD_REQUEST");
        assertThat(applier.apply(new ReplicaPlacementChange(0, 3).addCommand("nope"))
                        .errorKind())
                .isEqualTo("NOT_FOUND");
        assertThat(executor.executed)
                .extracting(MetadataCommand::type)
                .containsExactly(MetadataCommand.Type.CREATE_COLLECTION);

        MetadataLedger ledger = new MetadataLedger();
        ledger.record(MetadataCommand.of(MetadataCommand.Type.CREATE_COLLECTION, "c", null));
        ledger.record(new ReplicaPlacementChange(0, 3).addCommand("c"));
        assertThat(ledger.replicaStates().get("c").get(0).get(3L))
                .as("the ledger knows the new replica is Partial")
                .isEqualTo(ReplicaState.PARTIAL);
        assertThat(new String(new ReplicaPlacementChange(0, 3).addCommand("c").toBytes()))
                .startsWith("{\"v\":5,\"type\":\"add_replica\"");
    }
}
