package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated metadata state in compacted form: for every live collection the successful
 * commands that shaped it (its create, then config updates, payload index changes and replica
 * drops, in log order), the states of its shard replicas that are not Active, and the alias table. Deleting a collection drops its history, so the ledger stays as
 * small as the metadata itself. It is what a state machine snapshot holds; replaying it onto an
 * empty node rebuilds the same collections, configs, indexes and aliases. Not thread-safe (owned
 * by the state machine's apply thread; {@link #toJson()} copies).
 *
 * <p>JSON form: {@code {"collections":{name:[command…]},"aliases":{alias:collection},
 * "replica_states":{name:{shard id:{peer id:state}}},"transfers":{name:[transfer…]}}}, commands as
 * in {@link MetadataCommand}, replica states as in {@link ReplicaStateTable} (absent in snapshots
 * written before replica states: read as all Active), transfers as in {@link TransferBook} (absent
 * in snapshots written before transfers were log entries: none). A transfer entry's effect on the
 * placement enters the history as the equivalent replica add or drop; a snapshot's reconcile then
 * installs the transfer table itself ({@link MetadataApplier#resetTransfers}).
 */
public final class MetadataLedger {

    private final Map<String, List<MetadataCommand>> collections = new TreeMap<>();
    private final Map<String, String> aliases = new TreeMap<>();
    private ReplicaStateTable states = new ReplicaStateTable();
    private TransferBook transfers = TransferBook.inMemory();

    /** Records a command that was applied successfully. */
    public void record(MetadataCommand c) {
        switch (c.type()) {
            case CREATE_COLLECTION -> {
                List<MetadataCommand> history = new ArrayList<>();
                history.add(c);
                collections.put(c.collection(), history);
                states.remove(c.collection());
                transfers.clear(c.collection());
            }
            case DELETE_COLLECTION -> {
                String name = resolve(c.collection());
                collections.remove(name);
                states.remove(name);
                transfers.clear(name);
                aliases.values().removeIf(name::equals);
            }
            case UPDATE_COLLECTION,
                    CREATE_INDEX,
                    DELETE_INDEX,
                    CREATE_VECTOR,
                    DELETE_VECTOR,
                    CREATE_SHARD_KEY,
                    DROP_SHARD_KEY -> {
                List<MetadataCommand> history = collections.get(resolve(c.collection()));
                if (history != null) {
                    history.add(c);
                }
            }
            case UPDATE_ALIASES -> applyAliasActions(c.body());
            case DROP_REPLICA, ADD_REPLICA -> {
                List<MetadataCommand> history = collections.get(c.collection());
                if (history != null) {
                    history.add(c); // replayed after the create; a repeated change is a no-op
                    ReplicaPlacementChange change = ReplicaPlacementChange.of(c);
                    states.set(
                            c.collection(),
                            change.shardId(),
                            change.peerId(),
                            c.type() == MetadataCommand.Type.ADD_REPLICA ? ReplicaState.PARTIAL : ReplicaState.ACTIVE);
                    if (c.type() == MetadataCommand.Type.DROP_REPLICA) {
                        transfers.remove(c.collection(), change.shardId(), change.peerId());
                    }
                }
            }
            case START_TRANSFER, FINISH_TRANSFER, ABORT_TRANSFER -> recordTransfer(c);
            case SET_REPLICA_STATE -> {
                if (collections.containsKey(c.collection())) {
                    ReplicaStateChange change = ReplicaStateChange.of(c);
                    states.set(c.collection(), change.shardId(), change.peerId(), change.state());
                }
            }
        }
    }

    /**
     * A transfer entry that applied successfully ({@link TransferApplier}): the transfer table
     * changes, and the entry's effect on the placement enters the collection's history as the
     * equivalent placement entry, so a snapshot's reconcile replays it like any replica add or drop:
     * a start whose target was Active here (so it was not placed: the apply refuses a placed Active
     * target without a recorded transfer) is an {@code add_replica} of the target; a move's finish is a
     * {@code drop_replica} of its source; an abort of a target that was not Active is a {@code
     * drop_replica} of the target. Starts and finishes without such an effect (repairs of a replica
     * that is placed) leave no history, so repeated repairs do not grow it.
     */
    private void recordTransfer(MetadataCommand c) {
        List<MetadataCommand> history = collections.get(c.collection());
        if (history == null) {
            return;
        }
        ShardTransfer t = ShardTransfer.of(c);
        ShardTransfer before = transfers.get(c.collection(), t.shardId(), t.to());
        switch (c.type()) {
            case START_TRANSFER -> {
                if (before == null && states.get(c.collection(), t.shardId(), t.to()) == ReplicaState.ACTIVE) {
                    record(new ReplicaPlacementChange(t.shardId(), t.to()).addCommand(c.collection()));
                }
                transfers.put(c.collection(), t);
            }
            case FINISH_TRANSFER -> {
                if (before != null && before.move() && before.from() != before.to()) {
                    record(new ReplicaPlacementChange(t.shardId(), before.from()).command(c.collection()));
                }
                transfers.remove(c.collection(), t.shardId(), t.to());
            }
            default -> {
                if (states.get(c.collection(), t.shardId(), t.to()) != ReplicaState.ACTIVE) {
                    record(new ReplicaPlacementChange(t.shardId(), t.to()).command(c.collection()));
                }
                transfers.remove(c.collection(), t.shardId(), t.to());
            }
        }
    }

    /** The recorded shard transfers: collection → transfers (immutable). */
    public Map<String, List<ShardTransfer>> transfers() {
        return transfers.all();
    }

    /** The replica states that are not Active: collection → shard id → peer id → state. */
    public Map<String, Map<Integer, Map<Long, ReplicaState>>> replicaStates() {
        return states.copy();
    }

    private String resolve(String nameOrAlias) {
        return collections.containsKey(nameOrAlias) ? nameOrAlias : aliases.getOrDefault(nameOrAlias, nameOrAlias);
    }

    private void applyAliasActions(JsonNode body) {
        for (JsonNode action : body.path("actions")) {
            if (action.has("create_alias")) {
                JsonNode a = action.get("create_alias");
                aliases.put(
                        a.path("alias_name").asText(), a.path("collection_name").asText());
            } else if (action.has("delete_alias")) {
                aliases.remove(action.get("delete_alias").path("alias_name").asText());
            } else if (action.has("rename_alias")) {
                JsonNode a = action.get("rename_alias");
                String target = aliases.remove(a.path("old_alias_name").asText());
                if (target != null) {
                    aliases.put(a.path("new_alias_name").asText(), target);
                }
            }
        }
    }

    /** Live collections and their command history, in name order. */
    public Map<String, List<MetadataCommand>> collections() {
        Map<String, List<MetadataCommand>> out = new LinkedHashMap<>();
        collections.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }

    /** Alias name to collection name. */
    public Map<String, String> aliases() {
        return Collections.unmodifiableMap(new TreeMap<>(aliases));
    }

    public ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode colls = root.putObject("collections");
        collections.forEach((name, history) -> {
            ArrayNode arr = colls.putArray(name);
            history.forEach(c -> arr.add(c.toJson()));
        });
        ObjectNode al = root.putObject("aliases");
        aliases.forEach(al::put);
        root.set("replica_states", states.toJson());
        root.set("transfers", TransferBook.toJson(transfers.all()));
        return root;
    }

    public static MetadataLedger fromJson(JsonNode root) {
        MetadataLedger ledger = new MetadataLedger();
        root.path("collections").properties().forEach(e -> {
            List<MetadataCommand> history = new ArrayList<>();
            e.getValue().forEach(c -> history.add(MetadataCommand.fromJson(c)));
            ledger.collections.put(e.getKey(), history);
        });
        root.path("aliases")
                .properties()
                .forEach(e -> ledger.aliases.put(e.getKey(), e.getValue().asText()));
        ledger.states = ReplicaStateTable.fromJson(root.path("replica_states"));
        ledger.transfers = TransferBook.fromJson(root.path("transfers"));
        return ledger;
    }

    /**
     * The commands that bring a peer holding {@code local} collections and aliases to this
     * ledger's state: delete the collections the ledger does not have, replay the history of the
     * ones the peer lacks, re-apply the updates of the ones it has (updates and index changes are
     * idempotent; of the named vector changes only the last per vector), then one alias batch that removes stale aliases and creates the ledger's.
     */
    public List<MetadataCommand> reconcile(java.util.Set<String> local, Map<String, String> localAliases) {
        return reconcile(local, localAliases, Map.of());
    }

    /**
     * Whether {@code history[i]} is not a named vector change or is the last one of its vector.
     * For a collection the peer holds, only that last change is replayed: a delete of an absent
     * vector and a create of a present one change nothing, while replaying an older delete would
     * wipe the vector's data on a peer that already had the later create. (A peer still holding an
     * older vector of the same name with a different size keeps it: the create is refused there.)
     */
    private static boolean lastVectorChange(List<MetadataCommand> history, int i) {
        MetadataCommand c = history.get(i);
        if (c.type() != MetadataCommand.Type.CREATE_VECTOR && c.type() != MetadataCommand.Type.DELETE_VECTOR) {
            return true;
        }
        for (int j = i + 1; j < history.size(); j++) {
            MetadataCommand later = history.get(j);
            if ((later.type() == MetadataCommand.Type.CREATE_VECTOR
                            || later.type() == MetadataCommand.Type.DELETE_VECTOR)
                    && later.name().equals(c.name())) {
                return false;
            }
        }
        return true;
    }

    /**
     * As {@link #reconcile(java.util.Set, Map)}, then the replica state changes that make the peer's
     * {@code localStates} (its non-Active states) match the ledger's: the ledger's states that differ
     * and Active for the peer's states the ledger does not have, without preconditions.
     */
    public List<MetadataCommand> reconcile(
            java.util.Set<String> local,
            Map<String, String> localAliases,
            Map<String, Map<Integer, Map<Long, ReplicaState>>> localStates) {
        List<MetadataCommand> out = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(local)) {
            if (!collections.containsKey(name)) {
                out.add(MetadataCommand.of(MetadataCommand.Type.DELETE_COLLECTION, name, null));
            }
        }
        collections.forEach((name, history) -> {
            boolean held = local.contains(name);
            for (int i = 0; i < history.size(); i++) {
                MetadataCommand c = history.get(i);
                if (held && (c.type() == MetadataCommand.Type.CREATE_COLLECTION || !lastVectorChange(history, i))) {
                    continue;
                }
                out.add(c);
            }
        });
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode actions = body.putArray("actions");
        localAliases.forEach((alias, coll) -> {
            if (!coll.equals(aliases.get(alias))) {
                actions.addObject().putObject("delete_alias").put("alias_name", alias);
            }
        });
        aliases.forEach((alias, coll) -> {
            if (!coll.equals(localAliases.get(alias))) {
                actions.addObject()
                        .putObject("create_alias")
                        .put("collection_name", coll)
                        .put("alias_name", alias);
            }
        });
        if (!actions.isEmpty()) {
            out.add(MetadataCommand.of(MetadataCommand.Type.UPDATE_ALIASES, null, body));
        }
        localStates.forEach((name, shards) -> shards.forEach((shard, peers) -> peers.forEach((peer, state) -> {
            if (collections.containsKey(name) && states.get(name, shard, peer) == ReplicaState.ACTIVE) {
                out.add(new ReplicaStateChange(shard, peer, ReplicaState.ACTIVE, null).command(name));
            }
        })));
        states.copy()
                .forEach((name, shards) -> shards.forEach((shard, peers) -> peers.forEach((peer, state) -> {
                    Map<Long, ReplicaState> mine =
                            localStates.getOrDefault(name, Map.of()).getOrDefault(shard, Map.of());
                    if (mine.get(peer) != state) {
                        out.add(new ReplicaStateChange(shard, peer, state, null).command(name));
                    }
                })));
        return out;
    }
}
