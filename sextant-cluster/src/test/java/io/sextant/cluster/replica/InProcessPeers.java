package io.sextant.cluster.replica;

import io.sextant.segment.error.ServiceException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.Shard;
import io.sextant.shard.UpdateResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.thirdparty.io.grpc.Status;

/**
 * Peers of one shard wired in process: every peer has a {@link RecordingShard} replica and a
 * {@link ReplicaSet}; a peer marked down answers like an unreachable gRPC peer (UNAVAILABLE).
 */
final class InProcessPeers {
    final Map<Long, RecordingShard> replicas = new ConcurrentHashMap<>();
    final Map<Long, ReplicaSet> sets = new ConcurrentHashMap<>();
    final Set<Long> down = ConcurrentHashMap.newKeySet();
    final AtomicInteger primaryCalls = new AtomicInteger();
    volatile int writeConsistency = 1;

    /** Peers {@code peers} (placement order) hold replicas; {@code others} only route. */
    InProcessPeers(List<Long> peers, List<Long> others) {
        for (long p : peers) {
            replicas.put(p, new RecordingShard("peer-" + p));
        }
        for (long p : concat(peers, others)) {
            ReplicaSet.Layout layout = new ReplicaSet.Layout("c", 0, p, peers);
            sets.put(p, new ReplicaSet(layout, replicas.get(p), view(p), () -> writeConsistency));
        }
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** Peer {@code peer} stops answering: its replica and its primary writes are unreachable. */
    void kill(long peer) {
        down.add(peer);
        RecordingShard r = replicas.get(peer);
        if (r != null) {
            r.failUpdates = () -> unreachable(peer);
            r.failReads = () -> unreachable(peer);
        }
    }

    static ServiceException unreachable(long peer) {
        return new ServiceException(
                "Peer " + peer + " is unreachable",
                Status.UNAVAILABLE.withDescription("down").asRuntimeException());
    }

    /** What peer {@code self} sees of the others. */
    private PeerReplicas view(long self) {
        return new PeerReplicas() {
            @Override
            public Shard replica(long peerId) {
                return replicas.get(peerId);
            }

            @Override
            public UpdateResult writeAsPrimary(long peerId, PointOperation operation, boolean wait) {
                if (down.contains(peerId)) {
                    throw unreachable(peerId);
                }
                primaryCalls.incrementAndGet();
                return sets.get(peerId).writeAsPrimary(operation, wait, -1);
            }
        };
    }
}
