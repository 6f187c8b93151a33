package io.sextant.cluster;

import java.util.Map;

/**
 * A peer's view of the cluster for {@code GET /cluster}. Immutable.
 *
 * @param peerId this peer's id (unsigned 64-bit)
 * @param peers every peer of the current Raft configuration: id to p2p URI
 * @param term current Raft term
 * @param commit index of the last committed log entry
 * @param pendingOperations committed entries not yet applied on this peer
 * @param leader the leader's id, or null when none is known
 * @param role Raft role in Qdrant's words: Leader, Follower, Candidate, Listener
 * @param isVoter whether this peer votes (is in the configuration as a voter)
 */
public record ClusterStatus(
        long peerId,
        Map<Long, String> peers,
        long term,
        long commit,
        long pendingOperations,
        Long leader,
        String role,
        boolean isVoter) {}
