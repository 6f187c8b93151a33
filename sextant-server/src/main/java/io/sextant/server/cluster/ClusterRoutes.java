package io.sextant.server.cluster;

import static io.sextant.server.api.rest.ApiExchange.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sextant.cluster.ClusterNode;
import io.sextant.cluster.ClusterStatus;
import io.sextant.cluster.replica.ReplicaRecovery;
import io.sextant.cluster.replica.ReplicaSet;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.rest.ApiExchange;
import io.sextant.shard.Shard;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * {@code /cluster} endpoints in Qdrant's shapes. Standalone ({@code node == null}): only {@code GET
 * /cluster}, answering {@code {"status":"disabled"}}. Cluster mode: {@code GET /cluster} (this
 * peer's view: peers, Raft term, commit, leader, role), {@code DELETE /cluster/peer/{peer_id}}
 * (removes the peer from the Raft configuration; a peer holding shard replicas only with {@code
 * force}, which drops them first: {@link PeerRemoval}) and {@code POST /cluster/recover} (asks Ratis for a snapshot of the metadata state,
 * as Qdrant requests one). Both modes: {@code GET /collections/{c}/cluster} (the collection's
 * shards on this peer and on others with their replica states, and the transfers this peer runs)
 * and {@code POST /collections/{c}/cluster} ({@link CollectionClusterOperations}; 405 on a
 * standalone node). Access: GET needs global read, the others manage access (the default of
 * {@code RestAccessRules}). Thread-safe.
 */
public final class ClusterRoutes {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String ACTIVE = "Active";

    private final ClusterNode node;
    private final TableOfContents toc;
    private final Function<String, List<ReplicaRecovery.Transfer>> transfers;
    private final CollectionClusterOperations operations;
    private final ClusterShards shards;

    /** @param node this peer's cluster membership, or null on a standalone node */
    public ClusterRoutes(ClusterNode node) {
        this(node, null);
    }

    /**
     * @param node this peer's cluster membership, or null on a standalone node
     * @param toc the collections, for {@code GET /collections/{c}/cluster} (null: not served)
     */
    public ClusterRoutes(ClusterNode node, TableOfContents toc) {
        this(node, toc, collection -> List.of());
    }

    /**
     * @param node this peer's cluster membership, or null on a standalone node
     * @param toc the collections, for {@code GET /collections/{c}/cluster} (null: not served)
     * @param transfers the shard transfers this peer runs, by collection name
     */
    public ClusterRoutes(
            ClusterNode node, TableOfContents toc, Function<String, List<ReplicaRecovery.Transfer>> transfers) {
        this(node, toc, transfers, null);
    }

    /**
     * @param node this peer's cluster membership, or null on a standalone node
     * @param toc the collections (null: the collection routes are not served)
     * @param shards the replica sets' wiring, for the transfers and {@code POST /collections/{c}/cluster}
     *     (null on a standalone node)
     */
    public ClusterRoutes(ClusterNode node, TableOfContents toc, ClusterShards shards) {
        this(node, toc, shards == null ? collection -> List.of() : shards::transfers, shards);
    }

    private ClusterRoutes(
            ClusterNode node,
            TableOfContents toc,
            Function<String, List<ReplicaRecovery.Transfer>> transfers,
            ClusterShards shards) {
        this.node = node;
        this.toc = toc;
        this.transfers = transfers;
        this.operations = toc == null ? null : new CollectionClusterOperations(node, toc, shards);
        this.shards = shards;
    }

    public void register(RoutesConfig r) {
        r.get("/cluster", this::status);
        if (toc != null) {
            r.get("/collections/{collection_name}/cluster", this::collectionCluster);
            r.post("/collections/{collection_name}/cluster", operations::handle);
        }
        if (node != null) {
            r.delete("/cluster/peer/{peer_id}", this::removePeer);
            r.post("/cluster/recover", this::recover);
        } else {
            r.delete("/cluster/peer/{peer_id}", ClusterRoutes::standalone);
            r.post("/cluster/recover", ClusterRoutes::standalone);
        }
    }

    /** What Qdrant answers to an operation that needs consensus on a standalone node: 405. */
    private static void standalone(Context ctx) {
        io.sextant.server.api.rest.ApiExchange.error(ctx, 405, "Qdrant is running in standalone mode");
    }

    private void status(Context ctx) {
        if (node == null) {
            ObjectNode res = F.objectNode();
            res.put("status", "disabled");
            ok(ctx, res);
            return;
        }
        ok(ctx, statusJson(node.status()));
    }

    /** GET /cluster's result for a peer in cluster mode. */
    static ObjectNode statusJson(ClusterStatus s) {
        ObjectNode res = F.objectNode();
        res.put("status", "enabled");
        res.put("peer_id", unsigned(s.peerId()));
        ObjectNode peers = res.putObject("peers");
        s.peers()
                .forEach((id, uri) -> peers.putObject(Long.toUnsignedString(id)).put("uri", uri));
        ObjectNode raft = res.putObject("raft_info");
        raft.put("term", s.term());
        raft.put("commit", s.commit());
        raft.put("pending_operations", s.pendingOperations());
        if (s.leader() == null) {
            raft.putNull("leader");
        } else {
            raft.put("leader", unsigned(s.leader()));
        }
        raft.put("role", s.role());
        raft.put("is_voter", s.isVoter());
        ObjectNode thread = res.putObject("consensus_thread_status");
        thread.put("consensus_thread_status", "working");
        thread.put("last_update", Instant.now().toString());
        res.putObject("message_send_failures");
        return res;
    }

    /**
     * The {@code cluster} section of {@code GET /telemetry} in cluster mode, Qdrant's {@code
     * ClusterTelemetry}: {@code enabled}, {@code status} (number_of_peers, term, commit,
     * pending_operations, role, is_voter, peer_id, consensus_thread_status) and {@code peers} (id →
     * uri), from the same {@link ClusterStatus} as {@code GET /cluster}. No {@code config} section
     * (Qdrant's p2p pool and queue settings have no Ratis counterpart).
     */
    public static ObjectNode telemetryJson(ClusterStatus s) {
        ObjectNode res = F.objectNode();
        res.put("enabled", true);
        ObjectNode status = res.putObject("status");
        status.put("number_of_peers", s.peers().size());
        status.put("term", s.term());
        status.put("commit", s.commit());
        status.put("pending_operations", s.pendingOperations());
        status.put("role", s.role());
        status.put("is_voter", s.isVoter());
        status.put("peer_id", unsigned(s.peerId()));
        status.putObject("consensus_thread_status")
                .put("consensus_thread_status", "working")
                .put("last_update", Instant.now().toString());
        ObjectNode peers = res.putObject("peers");
        s.peers()
                .forEach((id, uri) -> peers.putObject(Long.toUnsignedString(id)).put("uri", uri));
        return res;
    }

    private static BigInteger unsigned(long id) {
        return new BigInteger(Long.toUnsignedString(id));
    }

    private void removePeer(Context ctx) {
        ApiExchange.checkCommonParams(ctx);
        String raw = ctx.pathParam("peer_id");
        long id;
        try {
            id = Long.parseUnsignedLong(raw);
        } catch (NumberFormatException e) {
            throw UserException.badRequest("Peer id must be an unsigned 64-bit integer, got " + raw);
        }
        boolean force = ApiExchange.boolParam(ctx, "force", false);
        if (shards == null) {
            node.removePeer(id);
        } else {
            new PeerRemoval(node, shards).remove(id, force);
        }
        ok(ctx, true);
    }

    /**
     * {@code GET /collections/{c}/cluster}: this peer's id, the shard count, the shards with a
     * replica here (with their point counts) and those on other peers, each with its replica state
     * as this peer knows it from the metadata log ({@code Active}, {@code Dead} …), and the shard
     * shard transfers the metadata log records (Qdrant's shape: {@code shard_id}, {@code from},
     * {@code to}, {@code sync}, {@code method}, {@code comment}; the same list on every peer, from its
     * {@code TransferBook}; the comment says whether it is a move and whether this peer runs it).
     * Sextant adds {@code finished_transfers} (not in Qdrant): the last transfers
     * this peer ran to their end, with method, writes or points sent ({@code items}), duration,
     * whether the replica became Active and, for a stream, why {@code wal_delta} was not possible;
     * a delta is often over before a client could see it running. A standalone node, or a collection without a
     * placement, holds every shard locally (peer id 0 on a standalone node).
     */
    private void collectionCluster(Context ctx) {
        Collection c = toc.get(ctx.pathParam("collection_name"));
        long self = node == null ? 0 : node.peerId();
        ObjectNode res = F.objectNode();
        res.put("peer_id", unsigned(self));
        res.put("shard_count", c.shards().size());
        ArrayNode local = res.putArray("local_shards");
        ArrayNode remote = res.putArray("remote_shards");
        List<ReplicaSet> sets = ClusterShards.replicaSets(c);
        List<Integer> ids = c.shardIds();
        java.util.Map<Integer, JsonNode> keyOf = new java.util.HashMap<>();
        c.shardKeys()
                .forEach((k, shardIds) ->
                        shardIds.forEach(s -> keyOf.put(s, io.sextant.server.api.convert.ShardKeyJson.write(k))));
        for (int i = 0; i < ids.size(); i++) {
            int id = ids.get(i);
            ReplicaSet rs = sets == null ? null : sets.get(i);
            Shard mine = rs == null ? c.shards().get(i) : rs.localReplica();
            if (mine != null) {
                ObjectNode l = local.addObject().put("shard_id", id);
                if (keyOf.containsKey(id)) {
                    l.set("shard_key", keyOf.get(id));
                }
                l.put("points_count", mine.info().pointsCount())
                        .put("state", rs == null ? ACTIVE : rs.state(self).wireName());
            }
            if (rs != null) {
                for (long peer : rs.layout().peers()) {
                    if (peer != self) {
                        ObjectNode r = remote.addObject().put("shard_id", id);
                        if (keyOf.containsKey(id)) {
                            r.set("shard_key", keyOf.get(id));
                        }
                        r.put("peer_id", unsigned(peer))
                                .put("state", rs.state(peer).wireName());
                    }
                }
            }
        }
        ArrayNode moving = res.putArray("shard_transfers");
        List<ReplicaRecovery.Transfer> runningHere = transfers.apply(c.name());
        if (shards == null) {
            for (ReplicaRecovery.Transfer t : runningHere) {
                moving.addObject()
                        .put("shard_id", t.shardId())
                        .put("from", unsigned(t.from()))
                        .put("to", unsigned(t.to()))
                        .put("sync", true)
                        .put("method", t.method());
            }
        } else {
            for (io.sextant.cluster.ShardTransfer t : shards.recordedTransfers(c.name())) {
                ObjectNode o = moving.addObject()
                        .put("shard_id", t.shardId())
                        .put("from", unsigned(t.from()))
                        .put("to", unsigned(t.to()))
                        .put("sync", t.sync());
                if (t.method() != null) {
                    o.put("method", t.method());
                }
                String comment = transferComment(t, runningHere, self);
                if (comment != null) {
                    o.put("comment", comment);
                }
            }
        }
        if (shards != null) {
            ArrayNode done = res.putArray("finished_transfers");
            for (ReplicaRecovery.Finished f : shards.finishedTransfers(c.name())) {
                ObjectNode o = done.addObject()
                        .put("shard_id", f.transfer().shardId())
                        .put("from", unsigned(f.transfer().from()))
                        .put("to", unsigned(f.transfer().to()))
                        .put("method", f.transfer().method())
                        .put("items", f.items())
                        .put("millis", f.millis())
                        .put("activated", f.activated())
                        .put("finished_at_ms", f.finishedAtMillis());
                if (f.fallbackReason() != null) {
                    o.put("fallback_reason", f.fallbackReason());
                }
            }
        }
        ok(ctx, res);
    }

    /**
     * The {@code comment} of a listed transfer: whether it is a move (its end drops the source
     * replica) and whether this peer, as the shard's primary, runs it now; null when neither.
     */
    private static String transferComment(
            io.sextant.cluster.ShardTransfer t, List<ReplicaRecovery.Transfer> runningHere, long self) {
        boolean here = runningHere.stream().anyMatch(r -> r.shardId() == t.shardId() && r.to() == t.to());
        String move = t.move()
                ? "move: the replica on peer " + Long.toUnsignedString(t.from()) + " is dropped at the end"
                : null;
        String run = here ? "running on peer " + Long.toUnsignedString(self) : null;
        return move == null ? run : run == null ? move : move + "; " + run;
    }

    private void recover(Context ctx) {
        node.requestSnapshot();
        ok(ctx, true);
    }
}
