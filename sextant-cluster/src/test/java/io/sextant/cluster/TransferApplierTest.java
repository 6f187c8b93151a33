package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shard transfers as metadata log entries: the entry codec (version 8), the {@link TransferApplier}
 * over the placement and replica state books, the durable {@link TransferBook} (and its corruption
 * handling) and the {@link MetadataLedger}'s record of them for snapshots.
 */
class TransferApplierTest {

    @TempDir
    Path dir;

    private final FakeApplier executor = new FakeApplier();
    private final List<String> events = new ArrayList<>();
    private PlacementBook placements;
    private ReplicaStateBook states;
    private TransferBook transfers;
    private TransferApplier applier;
    private final MetadataLedger ledger = new MetadataLedger();

    @BeforeEach
    void setUp() {
        placements = PlacementBook.open(dir);
        states = ReplicaStateBook.open(dir);
        transfers = TransferBook.open(dir);
        applier = new TransferApplier(
                new ReplicaPlacementApplier(
                        new ReplicaStateApplier(new PlacementApplier(executor, placements), placements, states),
                        placements,
                        states,
                        new ReplicaPlacementApplier.Listener() {
                            @Override
                            public void dropped(String c, int shard, long peer) {
                                events.add("-" + c + "/" + shard + "@" + peer);
                            }

                            @Override
                            public void added(String c, int shard, long peer) {
                                events.add("+" + c + "/" + shard + "@" + peer);
                            }
                        }),
                placements,
                states,
                transfers);
        MetadataCommand create = new MetadataCommand(
                MetadataCommand.Type.CREATE_COLLECTION,
                "c",
                null,
                JsonNodeFactory.instance.objectNode(),
                false,
                new ShardPlacement(List.of(List.of(1L), List.of(2L, 3L))));
        apply(create);
    }

    /** Applies as the state machine does: the applier, then the ledger on success. */
    private MetadataResult apply(MetadataCommand c) {
        MetadataResult r = applier.apply(c);
        if (r.succeeded()) {
            ledger.record(c);
        }
        return r;
    }

    @Test
    void transferEntriesAreVersion8AndRefuseMalformedBodies() {
        ShardTransfer t = new ShardTransfer(0, 1, -1L, "snapshot", true, true);
        MetadataCommand start = t.startCommand("c");
        assertThat(new String(start.toBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":8,\"type\":\"start_transfer\",\"collection\":\"c\",\"body\":{\"shard_id\":0,"
                        + "\"from\":\"1\",\"to\":\"18446744073709551615\",\"method\":\"snapshot\",\"sync\":true,"
                        + "\"move\":true},\"wait\":false}");
        assertThat(MetadataCommand.fromBytes(start.toBytes())).isEqualTo(start);
        assertThat(ShardTransfer.of(
                        MetadataCommand.fromBytes(t.finishCommand("c").toBytes())))
                .isEqualTo(t);
        assertThat(MetadataCommand.fromBytes(t.abortCommand("c").toBytes()).type())
                .isEqualTo(MetadataCommand.Type.ABORT_TRANSFER);
        assertThat(ShardTransfer.fromJson(MetadataStoreTest.json("{\"shard_id\":2,\"from\":3,\"to\":\"4\",\"x\":1}")))
                .as("no method: the primary picks; unknown fields are ignored")
                .isEqualTo(new ShardTransfer(2, 3, 4, null, true, false));
        assertThatThrownBy(() -> MetadataCommand.fromBytes(
                        "{\"v\":8,\"type\":\"start_transfer\",\"collection\":\"c\",\"body\":{\"shard_id\":0,\"from\":\"1\"}}"
                                .getBytes()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs to");
        assertThatThrownBy(() -> MetadataCommand.fromBytes(("{\"v\":8,\"type\":\"start_transfer\",\"collection\":\"c\","
                                + "\"body\":{\"shard_id\":0,\"from\":\"1\",\"to\":\"2\",\"method\":\"ftp\"}}")
                        .getBytes()))
                .hasMessageContaining("unknown shard transfer method ftp");
        assertThatThrownBy(() -> MetadataCommand.fromBytes(
                        "{\"v\":9,\"type\":\"start_transfer\",\"collection\":\"c\",\"body\":{}}".getBytes()))
                .hasMessageContaining("format 9 is not supported");
        assertThat(new String(new ReplicaPlacementChange(0, 1).command("c").toBytes()))
                .as("older kinds keep their versions")
                .contains("\"v\":5");
    }

    @Test
    void aMoveIsDecidedAtItsStartAndItsFinishDropsTheSource() {
        ShardTransfer move = new ShardTransfer(0, 1, 2, "stream_records", true, true);
        assertThat(apply(move.startCommand("c")).succeeded()).isTrue();
        assertThat(placements.get("c").replicas(0)).containsExactly(1L, 2L);
        assertThat(states.state("c", 0, 2)).isEqualTo(ReplicaState.PARTIAL);
        assertThat(events).containsExactly("+c/0@2");
        assertThat(transfers.list("c")).containsExactly(move);
        assertThat(TransferBook.open(dir).list("c")).as("durable").containsExactly(move);

        // a restarted primary changes the method; the move flag decided at the start stays
        assertThat(apply(move.withMethod("snapshot").startCommand("c")).succeeded())
                .isTrue();
        assertThat(transfers.get("c", 0, 2)).isEqualTo(move.withMethod("snapshot"));
        assertThat(events).as("no second add").hasSize(1);

        states.set("c", 0, 2, ReplicaState.ACTIVE);
        ledger.record(new ReplicaStateChange(0, 2, ReplicaState.ACTIVE, null).command("c"));
        assertThat(apply(new ShardTransfer(0, 1, 2, null, true, false).finishCommand("c"))
                        .succeeded())
                .isTrue();
        assertThat(placements.get("c").replicas(0)).as("the source is gone").containsExactly(2L);
        assertThat(events).containsExactly("+c/0@2", "-c/0@1");
        assertThat(transfers.list("c")).isEmpty();
        MetadataResult again = apply(move.finishCommand("c"));
        assertThat(again.succeeded()).isTrue();
        assertThat(again.result().asBoolean())
                .as("a replayed finish changes nothing")
                .isFalse();

        assertThat(ledger.collections().get("c"))
                .as("the ledger keeps the placement effects as replica adds and drops")
                .extracting(MetadataCommand::type)
                .containsExactly(
                        MetadataCommand.Type.CREATE_COLLECTION,
                        MetadataCommand.Type.ADD_REPLICA,
                        MetadataCommand.Type.DROP_REPLICA);
        assertThat(ledger.transfers()).isEmpty();
    }

    @Test
    void aFinishThatWouldDropTheLastActiveReplicaChangesNothing() {
        ShardTransfer move = new ShardTransfer(0, 1, 2, "stream_records", true, true);
        apply(move.startCommand("c"));
        // the target never became Active: dropping the source would leave no Active replica
        MetadataResult r = apply(move.finishCommand("c"));
        assertThat(r.succeeded()).isFalse();
        assertThat(placements.get("c").replicas(0)).containsExactly(1L, 2L);
        assertThat(transfers.list("c")).containsExactly(move);
    }

    @Test
    void anAbortDropsTheUnfinishedTargetAndARepairOfAPlacedReplicaKeepsIt() {
        ShardTransfer add = new ShardTransfer(0, 1, 3, "wal_delta", true, false);
        apply(add.startCommand("c"));
        assertThat(apply(add.abortCommand("c")).succeeded()).isTrue();
        assertThat(placements.get("c").replicas(0)).containsExactly(1L);
        assertThat(transfers.list("c")).isEmpty();
        assertThat(states.all()).isEmpty();

        // a repair of a Dead replica that is placed: recorded, nothing added
        MetadataResult active = apply(new ShardTransfer(1, 2, 3, "wal_delta", true, false).startCommand("c"));
        assertThat(active.succeeded()).as("an Active replica needs no transfer").isFalse();
        states.set("c", 1, 3, ReplicaState.DEAD);
        ledger.record(new ReplicaStateChange(1, 3, ReplicaState.DEAD, null).command("c"));
        ShardTransfer repair = new ShardTransfer(1, 2, 3, "wal_delta", true, false);
        assertThat(apply(repair.startCommand("c")).succeeded()).isTrue();
        assertThat(placements.get("c").replicas(1)).containsExactly(2L, 3L);
        assertThat(ledger.transfers()).isEqualTo(Map.of("c", List.of(repair)));
        assertThat(ledger.collections().get("c")).hasSize(3); // create, add, drop of the aborted one only

        // a snapshot of the ledger carries the transfer, and the restore installs it
        MetadataLedger back = MetadataLedger.fromJson(ledger.toJson());
        assertThat(back.transfers()).isEqualTo(Map.of("c", List.of(repair)));
        transfers.clear("c");
        applier.resetTransfers(back.transfers());
        assertThat(TransferBook.open(dir).list("c")).containsExactly(repair);

        // a drop of the target forgets its transfer; a delete of the collection forgets all
        apply(new ReplicaPlacementChange(1, 3).command("c"));
        assertThat(transfers.list("c")).isEmpty();
        apply(repair.startCommand("c")); // target no longer placed: joins again, recorded
        assertThat(transfers.list("c")).containsExactly(repair);
        executor.apply(MetadataCommand.of(MetadataCommand.Type.DELETE_COLLECTION, "c", null));
        apply(MetadataCommand.of(
                MetadataCommand.Type.UPDATE_ALIASES, null, MetadataStoreTest.json("{\"actions\":[]}")));
        assertThat(transfers.all()).isEmpty();
    }

    @Test
    void aCorruptTransferFileStopsTheStartWithItsName() throws Exception {
        transfers.put("c", new ShardTransfer(0, 1, 2, "snapshot", true, false));
        Path file = dir.resolve("cluster").resolve(TransferBook.FILE);
        byte[] good = Files.readAllBytes(file);
        assertThat(TransferBook.open(dir).list("c")).hasSize(1);

        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        byte[] bad = good.clone();
        int at = random.nextInt(bad.length);
        bad[at] = (byte) '#';
        Files.write(file, bad);
        try {
            TransferBook opened = TransferBook.open(dir);
            // a byte inside a string may still parse: then the row reads back as written or changed
            // in that string only, never as an empty book
            assertThat(opened.all()).as("seed %d, offset %d", seed, at).isNotEmpty();
        } catch (IllegalStateException e) {
            assertThat(e.getMessage()).as("seed %d, offset %d", seed, at).contains(file.toString());
        }

        Files.writeString(file, "{\"format\":1,\"collections\":{\"c\":[{\"shard_id\":0}]}}");
        assertThatThrownBy(() -> TransferBook.open(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("corrupt");
        Files.writeString(file, "{\"format\":2,\"collections\":{}}");
        assertThatThrownBy(() -> TransferBook.open(dir)).hasMessageContaining("format 2");
        Files.writeString(file, "{\"format\":1,\"collections\":{\"c\":{}}}");
        assertThatThrownBy(() -> TransferBook.open(dir)).hasMessageContaining("not a list");
        Files.writeString(file, "{\"format\":1,");
        assertThatThrownBy(() -> TransferBook.open(dir)).hasMessageContaining(file.toString());
    }
}
