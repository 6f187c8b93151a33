package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrimaryTermsTest {
    @TempDir
    Path storage;

    private static final long BIG = -2L; // 18446744073709551614 unsigned

    private PlacementBook placements;
    private ReplicaStateBook states;
    private PrimaryTerms terms;
    private PrimaryTermApplier applier;

    private void open() {
        placements = PlacementBook.open(storage);
        states = ReplicaStateBook.open(storage);
        terms = PrimaryTerms.open(storage);
        applier = new PrimaryTermApplier(
                new ReplicaStateApplier(new PlacementApplier(new FakeApplier(), placements), placements, states),
                placements,
                states,
                terms);
    }

    private Path file() {
        return storage.resolve("cluster").resolve(PrimaryTerms.FILE);
    }

    private static MetadataCommand create(String name, ShardPlacement p) {
        return new MetadataCommand(
                MetadataCommand.Type.CREATE_COLLECTION, name, null, JsonNodeFactory.instance.objectNode(), false, p);
    }

    private static MetadataCommand state(int shard, long peer, ReplicaState s) {
        return new ReplicaStateChange(shard, peer, s, null).command("c");
    }

    @Test
    void theEntryThatChangesAShardsPrimaryGivesItsTerm() {
        open();
        applier.apply(5, create("c", new ShardPlacement(List.of(List.of(1L, BIG), List.of(BIG, 1L)))));
        assertThat(terms.term("c", 0)).isEqualTo(new PrimaryTerms.Term(1, 5));
        assertThat(terms.term("c", 1)).isEqualTo(new PrimaryTerms.Term(BIG, 5));

        applier.apply(9, state(0, 1, ReplicaState.DEAD)); // shard 0's primary goes: BIG from 9
        applier.apply(11, state(1, 1, ReplicaState.DEAD)); // not shard 1's primary: no change
        assertThat(terms.index("c", 0, BIG)).isEqualTo(9);
        assertThat(terms.index("c", 0, 1))
                .as("not the recorded primary: unknown")
                .isZero();
        assertThat(terms.index("c", 1, BIG)).isEqualTo(5);

        applier.apply(12, state(0, 1, ReplicaState.PARTIAL)); // receives writes, cannot be primary
        assertThat(terms.index("c", 0, BIG)).isEqualTo(9);
        applier.apply(13, state(0, 1, ReplicaState.ACTIVE)); // first in placement order again
        assertThat(terms.term("c", 0)).isEqualTo(new PrimaryTerms.Term(1, 13));

        open(); // survives a restart
        assertThat(terms.term("c", 0)).isEqualTo(new PrimaryTerms.Term(1, 13));
        assertThat(terms.term("c", 1)).isEqualTo(new PrimaryTerms.Term(BIG, 5));
    }

    @Test
    void changesWithoutAnIndexAreUnknownAndDeletedCollectionsAreForgotten() throws Exception {
        open();
        applier.apply(3, create("c", new ShardPlacement(List.of(List.of(1L, 2L)))));
        applier.apply(state(0, 1, ReplicaState.DEAD)); // a snapshot's reconcile: no index
        assertThat(terms.term("c", 0)).isEqualTo(new PrimaryTerms.Term(2, 0));
        assertThat(Files.readString(file()))
                .isEqualTo("{\"format\":1,\"collections\":{\"c\":{\"0\":{\"primary\":\"2\",\"index\":0}}}}");
        applier.apply(
                4,
                new MetadataCommand(
                        MetadataCommand.Type.DELETE_COLLECTION,
                        "c",
                        null,
                        JsonNodeFactory.instance.objectNode(),
                        false));
        assertThat(terms.term("c", 0)).isNull();
    }

    @Test
    void aCorruptFileIsRefusedWithItsNameNeverReadAsEmpty() throws Exception {
        open();
        applier.apply(5, create("c", new ShardPlacement(List.of(List.of(1L, BIG)))));
        byte[] good = Files.readAllBytes(file());
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            byte[] bad = good.clone();
            bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            Files.write(file(), bad);
            try {
                PrimaryTerms t = PrimaryTerms.open(storage);
                // a flip that still parses (e.g. inside a digit) reads as some term, never throws otherwise
                assertThat(t.term("c", 0) == null || t.term("c", 0).index() >= 0)
                        .as("seed " + seed)
                        .isTrue();
            } catch (IllegalStateException e) {
                assertThat(e.getMessage()).as("seed " + seed).contains(file().toString());
            }
        }
        Files.write(
                file(),
                "{\"format\":1,\"collections\":{\"c\":{\"0\":{\"primary\":1,\"index\":2}}}}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> PrimaryTerms.open(storage))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("corrupt")
                .hasMessageContaining(file().toString());
        Files.write(file(), "{\"format\":2,\"collections\":{}}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> PrimaryTerms.open(storage)).hasMessageContaining("format 2");
    }

    @Test
    void aDeadMarkProposedByAReplacedPrimaryChangesNothing() {
        open();
        applier.apply(1, create("c", new ShardPlacement(List.of(List.of(1L, BIG, 3L)))));
        applier.apply(2, state(0, 1, ReplicaState.DEAD)); // the leader's liveness: BIG is the primary now
        // peer 1 wakes up, its forward to BIG missed the deadline, and it still believes it is primary
        ReplicaStateChange stale = new ReplicaStateChange(0, BIG, ReplicaState.DEAD, ReplicaState.ACTIVE, null, 1);
        MetadataResult r = applier.apply(3, stale.command("c"));
        assertThat(r.succeeded()).isFalse();
        assertThat(r.errorKind()).isEqualTo("CONFLICT");
        assertThat(r.error()).contains("the log names peer 18446744073709551614");
        assertThat(states.state("c", 0, BIG)).isEqualTo(ReplicaState.ACTIVE);

        ReplicaStateChange fresh = new ReplicaStateChange(0, 3, ReplicaState.DEAD, ReplicaState.ACTIVE, null, BIG);
        assertThat(applier.apply(4, fresh.command("c")).succeeded()).isTrue();
        assertThat(states.state("c", 0, 3)).isEqualTo(ReplicaState.DEAD);
        assertThat(fresh.toJson().get("by_primary").asText()).isEqualTo("18446744073709551614");
        assertThat(ReplicaStateChange.fromJson(fresh.toJson())).isEqualTo(fresh);
        assertThat(ReplicaStateChange.fromJson(state(0, 3, ReplicaState.DEAD).body())
                        .byPrimary())
                .as("absent: not proposed by a primary")
                .isZero();
    }

    @Test
    void aWhileActiveMarkAppliesOnlyWhileOneOfItsPeersIsActive() {
        open();
        applier.apply(1, create("c", new ShardPlacement(List.of(List.of(1L, BIG, 3L)))));
        applier.apply(2, state(0, 1, ReplicaState.PARTIAL));
        // peer 1 (Partial) refused, 3 admitted: 3 is marked Dead only while 1 is Active
        ReplicaStateChange mark =
                new ReplicaStateChange(0, 3, ReplicaState.DEAD, ReplicaState.ACTIVE, null, 0, List.of(1L));
        MetadataResult r = applier.apply(3, mark.command("c"));
        assertThat(r.errorKind()).isEqualTo("CONFLICT");
        assertThat(r.error()).contains("on peers [1] is Active");
        assertThat(states.state("c", 0, 3)).isEqualTo(ReplicaState.ACTIVE);
        // a peer outside the placement never counts (the book answers Active for unknown replicas)
        ReplicaStateChange stranger =
                new ReplicaStateChange(0, 3, ReplicaState.DEAD, ReplicaState.ACTIVE, null, 0, List.of(7L));
        assertThat(applier.apply(4, stranger.command("c")).succeeded()).isFalse();

        applier.apply(5, state(0, 1, ReplicaState.ACTIVE));
        assertThat(applier.apply(6, mark.command("c")).succeeded()).isTrue();
        assertThat(states.state("c", 0, 3)).isEqualTo(ReplicaState.DEAD);

        ReplicaStateChange big = new ReplicaStateChange(0, 3, ReplicaState.DEAD, null, null, 0, List.of(1L, BIG));
        assertThat(big.toJson().get("while_active").toString()).isEqualTo("[\"1\",\"18446744073709551614\"]");
        assertThat(ReplicaStateChange.fromJson(big.toJson())).isEqualTo(big);
        assertThat(ReplicaStateChange.fromJson(state(0, 3, ReplicaState.DEAD).body())
                        .whileActive())
                .as("absent: no condition")
                .isEmpty();
        assertThatThrownBy(() -> ReplicaStateChange.fromJson(
                        ((com.fasterxml.jackson.databind.node.ObjectNode) big.toJson()).put("while_active", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("while_active");
    }
}
