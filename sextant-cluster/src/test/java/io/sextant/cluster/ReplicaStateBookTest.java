package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.BooleanNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaStateBookTest {
    @TempDir
    Path storage;

    private static final long BIG = -2L; // 18446744073709551614 unsigned

    private Path file() {
        return storage.resolve("cluster").resolve(ReplicaStateBook.FILE);
    }

    @Test
    void missingEntriesAreActiveAndStatesSurviveReopening() throws Exception {
        ReplicaStateBook book = ReplicaStateBook.open(storage);
        assertThat(book.state("c", 0, 1)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(Files.exists(file())).isFalse();
        book.set("c", 0, 1, ReplicaState.DEAD);
        book.set("c", 1, BIG, ReplicaState.PARTIAL);
        book.set("d", 0, 2, ReplicaState.LISTENER);
        book.retainOnly(Set.of("c"));

        assertThat(Files.readString(file()))
                .isEqualTo("{\"format\":1,\"collections\":{\"c\":{\"0\":{\"1\":\"Dead\"},"
                        + "\"1\":{\"18446744073709551614\":\"Partial\"}}}}");
        ReplicaStateBook reopened = ReplicaStateBook.open(storage);
        assertThat(reopened.state("c", 0, 1)).isEqualTo(ReplicaState.DEAD);
        assertThat(reopened.state("c", 1, BIG)).isEqualTo(ReplicaState.PARTIAL);
        assertThat(reopened.state("c", 0, 2)).isEqualTo(ReplicaState.ACTIVE);
        assertThat(reopened.state("d", 0, 2)).as("dropped with its collection").isEqualTo(ReplicaState.ACTIVE);

        reopened.set("c", 0, 1, ReplicaState.ACTIVE);
        reopened.clear("c");
        assertThat(Files.readString(file())).isEqualTo("{\"format\":1,\"collections\":{}}");
        assertThat(ReplicaStateBook.open(storage).all()).isEmpty();
    }

    @Test
    void aGarbledFileIsRefusedWithItsNameNeverReadAsEmpty() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        ReplicaStateBook.open(storage).set("c", 0, 1, ReplicaState.DEAD);
        byte[] good = Files.readAllBytes(file());
        for (int i = 0; i < 20; i++) {
            byte[] bytes = good.clone();
            int at = random.nextInt(bytes.length);
            bytes[at] = (byte) "#{}\":,x\u0000".charAt(random.nextInt(8));
            Files.write(file(), bytes);
            String garbled = new String(bytes, StandardCharsets.UTF_8);
            try {
                ReplicaStateBook book = ReplicaStateBook.open(storage);
                // a change that still parses must still say what it says: nothing silently lost
                assertThat(book.all()).as("seed %d, file %s", seed, garbled).isNotEmpty();
            } catch (IllegalStateException e) {
                assertThat(e).as("seed %d, file %s", seed, garbled).hasMessageContaining(file().toString());
            }
        }
        Files.writeString(file(), "not json at all", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ReplicaStateBook.open(storage))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file().toString());
        Files.writeString(file(), "{\"format\":1,\"collections\":{\"c\":{\"0\":{\"1\":\"Zombie\"}}}}");
        assertThatThrownBy(() -> ReplicaStateBook.open(storage))
                .hasMessageContaining(file().toString())
                .hasMessageContaining("Zombie");
        Files.writeString(file(), "{\"format\":1,\"collections\":{\"c\":{\"zero\":{\"1\":\"Dead\"}}}}");
        assertThatThrownBy(() -> ReplicaStateBook.open(storage)).hasMessageContaining(file().toString());
        Files.writeString(file(), "{\"format\":1}");
        assertThatThrownBy(() -> ReplicaStateBook.open(storage)).hasMessageContaining(file().toString());
        Files.writeString(file(), "", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ReplicaStateBook.open(storage)).hasMessageContaining(file().toString());
    }

    @Test
    void aNewerFormatIsRefused() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"format\":2,\"collections\":{}}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ReplicaStateBook.open(storage))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("format 2")
                .hasMessageContaining("reads up to 1");
    }

    @Test
    void theApplierChecksTheChangeAgainstThePlacementAndTheFromState() {
        PlacementBook placements = PlacementBook.open(storage);
        ReplicaStateBook states = ReplicaStateBook.open(storage);
        FakeApplier collections = new FakeApplier();
        ReplicaStateApplier applier =
                new ReplicaStateApplier(new PlacementApplier(collections, placements), placements, states);
        MetadataCommand create = MetadataStoreTest.create("c")
                .with(MetadataStoreTest.create("c").body(), new ShardPlacement(List.of(List.of(1L, 2L))));
        assertThat(applier.apply(create).succeeded()).isTrue();

        MetadataResult r = applier.apply(dead(0, 2, ReplicaState.ACTIVE).command("c"));
        assertThat(r).isEqualTo(MetadataResult.ok(BooleanNode.TRUE));
        assertThat(states.state("c", 0, 2)).isEqualTo(ReplicaState.DEAD);
        assertThat(applier.localReplicaStates()).isEqualTo(Map.of("c", Map.of(0, Map.of(2L, ReplicaState.DEAD))));
        assertThat(collections.executed)
                .as("state changes stay in the cluster layer")
                .containsExactly(create);

        assertThat(applier.apply(dead(0, 2, ReplicaState.ACTIVE).command("c")).errorKind())
                .as("the from_state precondition fails")
                .isEqualTo("CONFLICT");
        assertThat(applier.apply(dead(0, 3, null).command("c")).error()).contains("holds no replica");
        assertThat(applier.apply(dead(1, 1, null).command("c")).error()).contains("Shard 1 does not exist");
        assertThat(applier.apply(dead(0, 1, null).command("nope")).errorKind()).isEqualTo("NOT_FOUND");
        assertThat(states.state("c", 0, 1)).isEqualTo(ReplicaState.ACTIVE);

        applier.apply(MetadataCommand.of(MetadataCommand.Type.DELETE_COLLECTION, "c", null));
        assertThat(states.all()).as("forgotten with the collection").isEmpty();
    }

    @Test
    void aRecreatedCollectionStartsWithEveryReplicaActive() {
        PlacementBook placements = PlacementBook.open(storage);
        ReplicaStateBook states = ReplicaStateBook.open(storage);
        ReplicaStateApplier applier =
                new ReplicaStateApplier(new PlacementApplier(new FakeApplier(), placements), placements, states);
        MetadataCommand create = MetadataStoreTest.create("c")
                .with(MetadataStoreTest.create("c").body(), new ShardPlacement(List.of(List.of(1L, 2L))));
        applier.apply(create);
        applier.apply(dead(0, 1, null).command("c"));
        assertThat(applier.apply(create).errorKind()).isEqualTo("CONFLICT");
        assertThat(states.state("c", 0, 1))
                .as("a failed create changes nothing")
                .isEqualTo(ReplicaState.DEAD);
        states.retainOnly(Set.of()); // as after a crash that lost the delete's cleanup
        states.set("c", 0, 1, ReplicaState.DEAD);
        placements.retainOnly(Set.of());
        applier.apply(MetadataCommand.of(MetadataCommand.Type.DELETE_COLLECTION, "c", null));
        states.set("c", 0, 1, ReplicaState.DEAD);
        applier.apply(create);
        assertThat(states.state("c", 0, 1)).isEqualTo(ReplicaState.ACTIVE);
    }

    private static ReplicaStateChange dead(int shard, long peer, ReplicaState from) {
        return new ReplicaStateChange(shard, peer, ReplicaState.DEAD, from);
    }
}
