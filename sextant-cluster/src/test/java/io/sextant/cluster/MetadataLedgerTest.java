package io.sextant.cluster;

import static io.sextant.cluster.MetadataStoreTest.alias;
import static io.sextant.cluster.MetadataStoreTest.create;
import static io.sextant.cluster.MetadataStoreTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.cluster.MetadataCommand.Type;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetadataLedgerTest {

    @Test
    void keepsTheHistoryOfLiveCollectionsOnly() {
        MetadataLedger l = new MetadataLedger();
        l.record(create("a"));
        l.record(new MetadataCommand(Type.CREATE_INDEX, "a", null, json("{\"field_name\":\"city\"}"), true));
        l.record(create("b"));
        l.record(alias("b", "bee"));
        l.record(MetadataCommand.of(Type.UPDATE_COLLECTION, "bee", json("{\"optimizers_config\":{}}")));
        l.record(MetadataCommand.of(Type.DELETE_COLLECTION, "a", null));
        assertThat(l.collections()).containsOnlyKeys("b");
        assertThat(l.collections().get("b"))
                .extracting(MetadataCommand::type)
                .as("an update through the alias lands on its collection")
                .containsExactly(Type.CREATE_COLLECTION, Type.UPDATE_COLLECTION);
        l.record(MetadataCommand.of(Type.DELETE_COLLECTION, "bee", null));
        assertThat(l.collections()).isEmpty();
        assertThat(l.aliases()).as("aliases of a deleted collection go with it").isEmpty();
    }

    @Test
    void aliasRenameAndDelete() {
        MetadataLedger l = new MetadataLedger();
        l.record(create("c"));
        l.record(alias("c", "x"));
        l.record(MetadataCommand.of(
                Type.UPDATE_ALIASES,
                null,
                json("{\"actions\":[{\"rename_alias\":{\"old_alias_name\":\"x\",\"new_alias_name\":\"y\"}},"
                        + "{\"create_alias\":{\"collection_name\":\"c\",\"alias_name\":\"z\"}},"
                        + "{\"delete_alias\":{\"alias_name\":\"z\"}}]}")));
        assertThat(l.aliases()).containsExactly(Map.entry("y", "c"));
    }

    @Test
    void jsonRoundTripKeepsEverything() {
        MetadataLedger l = new MetadataLedger();
        l.record(create("c"));
        l.record(new MetadataCommand(Type.DELETE_INDEX, "c", "city", null, false));
        l.record(alias("c", "x"));
        MetadataLedger back = MetadataLedger.fromJson(l.toJson());
        assertThat(back.toJson()).isEqualTo(l.toJson());
        assertThat(back.collections().get("c").get(1).name()).isEqualTo("city");
    }

    @Test
    void reconcileDeletesExtraReplaysMissingAndFixesAliases() {
        MetadataLedger l = new MetadataLedger();
        l.record(create("both"));
        l.record(MetadataCommand.of(Type.UPDATE_COLLECTION, "both", json("{}")));
        l.record(create("missing"));
        l.record(alias("missing", "m"));
        List<MetadataCommand> plan = l.reconcile(Set.of("both", "extra"), Map.of("old", "extra", "m", "both"));
        assertThat(plan)
                .extracting(c -> c.type() + ":" + c.collection())
                .containsExactly(
                        "DELETE_COLLECTION:extra",
                        "UPDATE_COLLECTION:both",
                        "CREATE_COLLECTION:missing",
                        "UPDATE_ALIASES:null");
        assertThat(plan.get(3).body().toString())
                .contains("{\"delete_alias\":{\"alias_name\":\"old\"}}")
                .contains("{\"delete_alias\":{\"alias_name\":\"m\"}}")
                .contains("{\"create_alias\":{\"collection_name\":\"missing\",\"alias_name\":\"m\"}}");
        assertThat(l.reconcile(Set.of("both", "missing"), Map.of("m", "missing")))
                .as("an up-to-date peer only re-applies idempotent updates")
                .extracting(MetadataCommand::type)
                .containsExactly(Type.UPDATE_COLLECTION);
    }

    @Test
    void commandEncodingRoundTripsAndRefusesNewerVersions() {
        MetadataCommand c = new MetadataCommand(Type.CREATE_INDEX, "c", null, json("{\"field_name\":\"f\"}"), true);
        assertThat(MetadataCommand.fromBytes(c.toBytes())).isEqualTo(c);
        assertThatThrownBy(() -> MetadataCommand.fromBytes(
                        "{\"v\":9,\"type\":\"create_collection\",\"collection\":\"c\"}".getBytes()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format 9");
        assertThatThrownBy(() ->
                        MetadataCommand.fromBytes("{\"v\":1,\"type\":\"drop_table\",\"collection\":\"c\"}".getBytes()))
                .hasMessageContaining("drop_table");
    }

    @Test
    void aGrpcFormCommandIsVersion3AndCarriesTheMessageBytes() {
        byte[] message = {0, 1, 2, (byte) 0xff, 10, 13};
        MetadataCommand c = MetadataCommand.grpc(Type.CREATE_COLLECTION, "c", null, message, false);
        assertThat(c.form()).isEqualTo(MetadataCommand.Form.GRPC);
        String encoded = new String(c.toBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(encoded)
                .isEqualTo("{\"v\":3,\"form\":\"grpc\",\"type\":\"create_collection\",\"collection\":\"c\","
                        + "\"body\":\"AAEC/woN\",\"wait\":false}");
        MetadataCommand back = MetadataCommand.fromBytes(c.toBytes());
        assertThat(back).isEqualTo(c);
        assertThat(back.grpcMessage()).containsExactly(message);
        MetadataCommand placed = c.with(c.body(), new ShardPlacement(List.of(List.of(7L))));
        assertThat(MetadataCommand.fromBytes(placed.toBytes())).isEqualTo(placed);
        assertThat(new MetadataCommand(Type.DELETE_COLLECTION, "c", null, null, false).form())
                .isEqualTo(MetadataCommand.Form.REST);
        assertThatThrownBy(() -> new MetadataCommand(Type.DELETE_COLLECTION, "c", null, null, false).grpcMessage())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MetadataCommand.fromBytes(
                        "{\"v\":3,\"form\":\"xml\",\"type\":\"create_collection\",\"collection\":\"c\"}".getBytes()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("xml");
        assertThatThrownBy(() -> MetadataCommand.fromBytes(
                        "{\"v\":3,\"form\":\"grpc\",\"type\":\"create_collection\",\"collection\":\"c\",\"body\":{}}"
                                .getBytes()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base64 string");
    }

    @Test
    void aCreateWithAPlacementIsVersion2AndOthersStayVersion1() {
        ShardPlacement placement = new ShardPlacement(java.util.List.of(java.util.List.of(1L, -1L)));
        MetadataCommand plain = MetadataCommand.of(Type.CREATE_COLLECTION, "c", json("{\"shard_number\":1}"));
        MetadataCommand placed = plain.with(plain.body(), placement);
        assertThat(new String(plain.toBytes())).contains("\"v\":1").doesNotContain("placement");
        assertThat(new String(placed.toBytes()))
                .contains("\"v\":2")
                .contains("\"placement\":[[\"1\",\"18446744073709551615\"]]");
        assertThat(MetadataCommand.fromBytes(placed.toBytes())).isEqualTo(placed);
        assertThat(MetadataCommand.fromBytes(placed.toBytes()).placement()).isEqualTo(placement);
        MetadataLedger l = new MetadataLedger();
        l.record(placed);
        assertThat(MetadataLedger.fromJson(l.toJson()).collections().get("c"))
                .as("snapshots keep the placement")
                .containsExactly(placed);
        assertThatThrownBy(() -> new MetadataCommand(Type.DELETE_COLLECTION, "c", null, null, false, placement))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetadataCommand.fromBytes(
                        "{\"v\":2,\"type\":\"create_collection\",\"collection\":\"c\",\"placement\":[[\"1\",\"1\"]]}"
                                .getBytes()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("distinct");
    }

    @Test
    void namedVectorChangesAreVersion6AndJoinTheCollectionsHistory() {
        MetadataCommand add = new MetadataCommand(
                Type.CREATE_VECTOR, "c", "b", json("{\"dense\":{\"size\":6,\"distance\":\"Dot\"}}"), true);
        assertThat(new String(add.toBytes(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":6,\"type\":\"create_vector\",\"collection\":\"c\",\"name\":\"b\","
                        + "\"body\":{\"dense\":{\"size\":6,\"distance\":\"Dot\"}},\"wait\":true}");
        assertThat(MetadataCommand.fromBytes(add.toBytes())).isEqualTo(add);
        MetadataCommand drop = new MetadataCommand(Type.DELETE_VECTOR, "c", "b", null, true);
        assertThat(new String(drop.toBytes())).startsWith("{\"v\":6,\"type\":\"delete_vector\"");
        assertThat(MetadataCommand.fromBytes(drop.toBytes())).isEqualTo(drop);
        assertThatThrownBy(() -> new MetadataCommand(Type.DELETE_VECTOR, "c", null, null, true))
                .as("the vector name is required")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vector name");

        MetadataLedger l = new MetadataLedger();
        MetadataCommand create = MetadataCommand.of(Type.CREATE_COLLECTION, "c", json("{}"));
        l.record(create);
        l.record(add);
        l.record(drop);
        assertThat(l.reconcile(Set.of(), Map.of()))
                .as("a peer without the collection replays the vector changes after the create")
                .containsExactly(create, add, drop);
        MetadataCommand addAgain = new MetadataCommand(
                Type.CREATE_VECTOR, "c", "b", json("{\"dense\":{\"size\":8,\"distance\":\"Dot\"}}"), true);
        l.record(addAgain);
        assertThat(l.reconcile(Set.of("c"), Map.of()))
                .as("a peer holding it gets only the last change per vector: an older delete would wipe b")
                .containsExactly(addAgain);
    }

    @Test
    void aReplicaStateChangeIsVersion4AndOlderEntriesStayReadable() {
        MetadataCommand c = new ReplicaStateChange(2, -1L, ReplicaState.DEAD, ReplicaState.ACTIVE).command("c");
        String encoded = new String(c.toBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(encoded)
                .isEqualTo("{\"v\":4,\"type\":\"set_replica_state\",\"collection\":\"c\",\"body\":{\"shard_id\":2,"
                        + "\"peer_id\":\"18446744073709551615\",\"state\":\"Dead\",\"from_state\":\"Active\"},"
                        + "\"wait\":false}");
        assertThat(MetadataCommand.fromBytes(c.toBytes())).isEqualTo(c);
        assertThat(ReplicaStateChange.of(MetadataCommand.fromBytes(c.toBytes())))
                .isEqualTo(new ReplicaStateChange(2, -1L, ReplicaState.DEAD, ReplicaState.ACTIVE));
        MetadataCommand noPrecondition = new ReplicaStateChange(0, 5, ReplicaState.PARTIAL, null).command("c");
        assertThat(new String(noPrecondition.toBytes())).doesNotContain("from_state");
        assertThat(ReplicaStateChange.of(MetadataCommand.fromBytes(noPrecondition.toBytes()))
                        .fromState())
                .isNull();

        // entries as version 1-3 binaries wrote them still decode
        MetadataCommand v1 = MetadataCommand.fromBytes(
                "{\"v\":1,\"type\":\"delete_index\",\"collection\":\"c\",\"name\":\"f\",\"body\":{},\"wait\":true}"
                        .getBytes());
        assertThat(v1).isEqualTo(new MetadataCommand(Type.DELETE_INDEX, "c", "f", json("{}"), true));
        MetadataCommand v2 = MetadataCommand.fromBytes(
                ("{\"v\":2,\"type\":\"create_collection\",\"collection\":\"c\",\"body\":{\"shard_number\":1},"
                                + "\"wait\":false,\"placement\":[[\"1\",\"2\"]]}")
                        .getBytes());
        assertThat(v2.placement()).isEqualTo(new ShardPlacement(List.of(List.of(1L, 2L))));
        MetadataCommand v3 = MetadataCommand.fromBytes(
                "{\"v\":3,\"form\":\"grpc\",\"type\":\"update_collection\",\"collection\":\"c\",\"body\":\"AAE=\"}"
                        .getBytes());
        assertThat(v3.grpcMessage()).containsExactly(0, 1);
        assertThat(new String(v1.toBytes()))
                .as("old kinds are still written as before")
                .contains("\"v\":1");

        assertThatThrownBy(() -> MetadataCommand.fromBytes(
                        "{\"v\":4,\"type\":\"set_replica_state\",\"collection\":\"c\",\"body\":{\"shard_id\":0}}"
                                .getBytes()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("peer_id");
        assertThatThrownBy(() -> MetadataCommand.fromBytes(
                        ("{\"v\":4,\"type\":\"set_replica_state\",\"collection\":\"c\",\"body\":{\"shard_id\":0,"
                                        + "\"peer_id\":\"1\",\"state\":\"Sleepy\"}}")
                                .getBytes()))
                .hasMessageContaining("Sleepy");
    }

    @Test
    void shardKeyCommandsAreVersion7AndStayInTheCollectionsHistory() {
        com.fasterxml.jackson.databind.node.ObjectNode body =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        body.put("shard_key", "acme").put("shards_number", 2);
        MetadataCommand create = new MetadataCommand(
                MetadataCommand.Type.CREATE_SHARD_KEY,
                "c",
                null,
                body,
                true,
                new ShardPlacement(java.util.List.of(java.util.List.of(1L, 2L), java.util.List.of(2L, 3L))));
        assertThat(new String(create.toBytes(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":7,\"type\":\"create_shard_key\",\"collection\":\"c\",\"body\":{\"shard_key\":"
                        + "\"acme\",\"shards_number\":2},\"wait\":true,\"placement\":[[\"1\",\"2\"],[\"2\",\"3\"]]}");
        assertThat(MetadataCommand.fromBytes(create.toBytes())).isEqualTo(create);
        MetadataCommand drop = MetadataCommand.of(
                MetadataCommand.Type.DROP_SHARD_KEY,
                "c",
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                        .objectNode()
                        .put("shard_key", 5));
        assertThat(new String(drop.toBytes())).startsWith("{\"v\":7,\"type\":\"drop_shard_key\"");
        assertThatThrownBy(() -> MetadataCommand.of(
                        MetadataCommand.Type.DROP_SHARD_KEY,
                        "c",
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shard_key");

        MetadataLedger ledger = new MetadataLedger();
        ledger.record(MetadataCommand.of(MetadataCommand.Type.CREATE_COLLECTION, "c", null));
        ledger.record(create);
        ledger.record(drop);
        assertThat(MetadataLedger.fromJson(ledger.toJson()).collections().get("c"))
                .extracting(MetadataCommand::type)
                .containsExactly(
                        MetadataCommand.Type.CREATE_COLLECTION,
                        MetadataCommand.Type.CREATE_SHARD_KEY,
                        MetadataCommand.Type.DROP_SHARD_KEY);
    }

    @Test
    void aReplicaDropIsVersion5AndIsReplayedFromTheLedger() {
        MetadataCommand c = new ReplicaPlacementChange(1, -1L).command("c");
        assertThat(new String(c.toBytes(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":5,\"type\":\"drop_replica\",\"collection\":\"c\",\"body\":{\"shard_id\":1,"
                        + "\"peer_id\":\"18446744073709551615\"},\"wait\":false}");
        assertThat(MetadataCommand.fromBytes(c.toBytes())).isEqualTo(c);
        assertThat(ReplicaPlacementChange.of(MetadataCommand.fromBytes(c.toBytes())))
                .isEqualTo(new ReplicaPlacementChange(1, -1L));
        assertThat(new String(new ReplicaStateChange(0, 1, ReplicaState.DEAD, null)
                        .command("c")
                        .toBytes()))
                .as("set_replica_state is still written as version 4")
                .contains("\"v\":4");
        assertThatThrownBy(() -> MetadataCommand.fromBytes(
                        "{\"v\":9,\"type\":\"drop_replica\",\"collection\":\"c\",\"body\":{}}".getBytes()))
                .hasMessageContaining("format 9 is not supported");
        assertThatThrownBy(() -> MetadataCommand.fromBytes(
                        "{\"v\":5,\"type\":\"drop_replica\",\"collection\":\"c\",\"body\":{\"shard_id\":0}}"
                                .getBytes()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a replica placement change needs shard_id and peer_id");
        assertThatThrownBy(() -> MetadataCommand.fromBytes(("{\"v\":5,\"type\":\"drop_replica\",\"collection\":\"c\","
                                + "\"body\":{\"shard_id\":-1,\"peer_id\":\"1\"}}")
                        .getBytes()))
                .hasMessageContaining("shard id must be >= 0");

        MetadataLedger l = new MetadataLedger();
        MetadataCommand create = MetadataCommand.of(Type.CREATE_COLLECTION, "c", json("{}"));
        l.record(create);
        l.record(new ReplicaStateChange(1, 7, ReplicaState.DEAD, null).command("c"));
        l.record(new ReplicaPlacementChange(1, 7).command("c"));
        l.record(new ReplicaPlacementChange(0, 7).command("gone"));
        assertThat(l.replicaStates())
                .as("the dropped replica's state is forgotten")
                .isEmpty();
        MetadataLedger back = MetadataLedger.fromJson(l.toJson());
        assertThat(back.collections())
                .isEqualTo(java.util.Map.of("c", List.of(create, new ReplicaPlacementChange(1, 7).command("c"))));
        assertThat(back.reconcile(java.util.Set.of("c"), java.util.Map.of()))
                .as("a peer that has the collection re-applies the drop (a no-op when it already did)")
                .containsExactly(new ReplicaPlacementChange(1, 7).command("c"));
    }

    @Test
    void theLedgerKeepsReplicaStatesInSnapshotsAndReconcilesThem() {
        MetadataLedger l = new MetadataLedger();
        l.record(MetadataCommand.of(Type.CREATE_COLLECTION, "c", json("{}")));
        l.record(MetadataCommand.of(Type.CREATE_COLLECTION, "d", json("{}")));
        l.record(new ReplicaStateChange(0, 7, ReplicaState.DEAD, ReplicaState.ACTIVE).command("c"));
        l.record(new ReplicaStateChange(1, 8, ReplicaState.PARTIAL, null).command("c"));
        l.record(new ReplicaStateChange(0, 9, ReplicaState.DEAD, null).command("d"));
        l.record(new ReplicaStateChange(0, 9, ReplicaState.DEAD, null).command("unknown"));
        l.record(MetadataCommand.of(Type.DELETE_COLLECTION, "d", null));
        assertThat(l.toJson().get("replica_states"))
                .isEqualTo(json("{\"c\":{\"0\":{\"7\":\"Dead\"},\"1\":{\"8\":\"Partial\"}}}"));
        MetadataLedger back = MetadataLedger.fromJson(l.toJson());
        assertThat(back.replicaStates()).isEqualTo(l.replicaStates());
        assertThat(back.collections().get("c"))
                .as("state changes are not history")
                .hasSize(1);
        assertThat(MetadataLedger.fromJson(json("{\"collections\":{},\"aliases\":{}}"))
                        .replicaStates())
                .as("a snapshot from before replica states")
                .isEmpty();

        // a peer that has c with 7 Active, 8 Dead and a stray Listener on 6
        List<MetadataCommand> fix = l.reconcile(
                java.util.Set.of("c"),
                java.util.Map.of(),
                java.util.Map.of(
                        "c",
                        java.util.Map.of(
                                0,
                                java.util.Map.of(6L, ReplicaState.LISTENER),
                                1,
                                java.util.Map.of(8L, ReplicaState.DEAD))));
        assertThat(fix)
                .containsExactlyInAnyOrder(
                        new ReplicaStateChange(0, 6, ReplicaState.ACTIVE, null).command("c"),
                        new ReplicaStateChange(0, 7, ReplicaState.DEAD, null).command("c"),
                        new ReplicaStateChange(1, 8, ReplicaState.PARTIAL, null).command("c"));
        l.record(new ReplicaStateChange(0, 7, ReplicaState.ACTIVE, null).command("c"));
        assertThat(l.replicaStates())
                .isEqualTo(java.util.Map.of("c", java.util.Map.of(1, java.util.Map.of(8L, ReplicaState.PARTIAL))));
    }

    @Test
    void resultEncodingRoundTrips() {
        MetadataResult ok = MetadataResult.ok(json("{\"operation_id\":3,\"status\":\"completed\"}"));
        assertThat(MetadataResult.fromBytes(ok.toBytes())).isEqualTo(ok);
        MetadataResult failed = MetadataResult.failed("NOT_FOUND", "Collection `x` doesn't exist!");
        assertThat(MetadataResult.fromBytes(failed.toBytes())).isEqualTo(failed);
    }
}
