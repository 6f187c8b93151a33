package io.sextant.server.cluster;

import static io.sextant.server.api.rest.ApiExchange.ok;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.sextant.cluster.ClusterNode;
import io.sextant.cluster.ClusterStatus;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.rest.ApiExchange;
import java.math.BigInteger;
import java.time.Instant;

/**
 * {@code /cluster} endpoints in Qdrant's shapes. Standalone ({@code node == null}): only {@code GET
 * /cluster}, answering {@code {"status":"disabled"}}. Cluster mode: {@code GET /cluster} (this
 * peer's view: peers, Raft term, commit, leader, role), {@code DELETE /cluster/peer/{peer_id}}
 * (removes the peer from the Raft configuration; {@code force} is accepted; no shards live on
 * peers yet) and {@code POST /cluster/recover} (asks Ratis for a snapshot of the metadata state,
 * as Qdrant requests one). Access: GET needs global read, the others manage access (the default of
 * {@code RestAccessRules}). Thread-safe.
 */
public final class ClusterRoutes {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final ClusterNode node;

    /** @param node this peer's cluster membership, or null on a standalone node */
    public ClusterRoutes(ClusterNode node) {
        this.node = node;
    }

    public void register(RoutesConfig r) {
        r.get("/cluster", this::status);
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
        ApiExchange.boolParam(ctx, "force", false); // validated; no shards live on peers in this version
        node.removePeer(id);
        ok(ctx, true);
    }

    private void recover(Context ctx) {
        node.requestSnapshot();
        ok(ctx, true);
    }
}
