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
class ReplicaDropApplierTest {

    @TempDir
    Path dir;

    private final FakeApplier executor = new FakeApplier();
    private final List<String> dropped = new ArrayList<>();
    private PlacementBook placements;
    private ReplicaStateBook states;
    private ReplicaDropApplier applier;

    @BeforeEach
    void setUp() {
        placements = PlacementBook.open(dir);
        states = ReplicaStateBook.open(dir);
        applier = new ReplicaDropApplier(
                new ReplicaStateApplier(new PlacementApplier(executor, placements), placements, states),
                placements,
                states,
                (c, shard, peer) -> dropped.add(c + "/" + shard + "@" + peer));
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
        MetadataResult r = applier.apply(new ReplicaDrop(0, 1).command("c"));
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

        MetadataResult replay = applier.apply(new ReplicaDrop(0, 1).command("c"));
        assertThat(replay.succeeded()).as("a replayed drop is harmless").isTrue();
        assertThat(replay.result().asBoolean()).isFalse();
        assertThat(dropped).hasSize(1);
    }

    @Test
    void theLastActiveReplicaIsNeverDropped() {
        applier.apply(new ReplicaDrop(0, 1).command("c"));
        MetadataResult last = applier.apply(new ReplicaDrop(0, 2).command("c"));
        assertThat(last.succeeded()).isFalse();
        assertThat(last.errorKind()).isEqualTo("BAD_REQUEST");
        assertThat(last.error()).contains("last active replica of shard 0");
        assertThat(placements.get("c").replicas(0)).containsExactly(2L);

        states.set("c", 1, 3, ReplicaState.DEAD);
        MetadataResult onlyActive = applier.apply(new ReplicaDrop(1, 2).command("c"));
        assertThat(onlyActive.errorKind())
                .as("the other replica is Dead: 2 is the last Active one")
                .isEqualTo("BAD_REQUEST");
        assertThat(placements.get("c").replicas(1)).containsExactly(2L, 3L);
        assertThat(applier.apply(new ReplicaDrop(1, 3).command("c")).succeeded())
                .as("dropping the Dead one is fine")
                .isTrue();
        assertThat(dropped).containsExactly("c/0@1", "c/1@3");
    }

    @Test
    void badShardAndUnknownCollectionChangeNothing() {
        MetadataResult badShard = applier.apply(new ReplicaDrop(2, 1).command("c"));
        assertThat(badShard.errorKind()).isEqualTo("BAD_REQUEST");
        assertThat(badShard.error()).contains("Shard 2 of c does not exist");
        assertThat(applier.apply(new ReplicaDrop(0, 1).command("nope")).errorKind())
                .isEqualTo("NOT_FOUND");
        assertThat(placements.get("c")).isEqualTo(new ShardPlacement(List.of(List.of(1L, 2L), List.of(2L, 3L))));
        assertThat(dropped).isEmpty();
    }

    @Test
    void theLedgerAndTheDeleteOfTheCollectionForgetTheDroppedPlacement() {
        applier.apply(new ReplicaDrop(0, 1).command("c"));
        applier.apply(MetadataCommand.of(MetadataCommand.Type.DELETE_COLLECTION, "c", null));
        assertThat(placements.get("c")).isNull();
    }
}
