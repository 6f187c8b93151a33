package io.sextant.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the metadata group's leader: drops the Raft connection to a follower that has been silent on
 * Raft for longer than {@link #SILENT_MILLIS} while its internal shard service answers the
 * leader's probes (so the peer runs and the network carries packets: the Raft connection is what
 * is stuck), at most once per {@link #EVERY_MILLIS} per follower, so the leader's next append goes
 * over a new connection.
 *
 * <p>Why: Ratis's server-to-server channels have no keepalive. A connection that held unacknowledged
 * data while a network partition dropped its packets stays open after the heal until TCP's next
 * retransmission, whose interval doubles (0.2 s, 0.4 s, ... 12.8 s): after a 15 s partition the
 * follower heard from the leader again only about 13 s after the heal, and until then its metadata
 * log lagged while the shard service (whose channels do reconnect, {@code PeerChannels}) had
 * already repaired its replicas, which the leader then marked Dead again for the Raft silence. A
 * new connection's first packet goes out at once. The drop goes through Ratis's own error path
 * ({@code RaftServerRpc.handleException} with {@code reconnect}: the peer's proxy is closed and
 * made again on its next use; the caller runs it off the poll thread, as closing waits for the old
 * channel). A peer that answers neither (frozen, cut off) is left alone: dropping its connection
 * would not make it answer, and Ratis then restarts its record of the follower's last answer,
 * which delayed the failure detector's verdict (9 s instead of 3 s after a SIGSTOP, when this
 * dropped every silent follower's connection). Called at every liveness poll; not thread-safe on
 * its own (the poll is serialized).
 */
final class SilentFollowerReconnect {
    private static final Logger LOG = LoggerFactory.getLogger(SilentFollowerReconnect.class);

    /** How long a follower may be silent before its connection is dropped. */
    static final long SILENT_MILLIS = 1_500;

    /** The least time between two drops of the same follower's connection. */
    static final long EVERY_MILLIS = 3_000;

    /** How recently the follower's shard service must have answered a probe. */
    static final long SHARD_ANSWERED_MILLIS = 1_000;

    private final LongConsumer reconnect;
    /** Per follower, nanoTime of the last drop. */
    private final Map<Long, Long> dropped = new HashMap<>();

    /** @param reconnect drops this node's Raft connection to the given peer */
    SilentFollowerReconnect(LongConsumer reconnect) {
        this.reconnect = reconnect;
    }

    /**
     * Drops the connection of each follower in {@code silentMillis} (per follower, how long ago it
     * last answered the leader) silent for longer than {@link #SILENT_MILLIS} whose shard service
     * answered within {@link #SHARD_ANSWERED_MILLIS} ({@code shardSilentMillis}, per follower, how
     * long ago it last answered a probe; a follower missing there is not judged) and whose last drop
     * is at least {@link #EVERY_MILLIS} old.
     *
     * @return how many connections were dropped
     */
    int check(Map<Long, Long> silentMillis, Map<Long, Long> shardSilentMillis, long nowNanos) {
        dropped.keySet().retainAll(silentMillis.keySet());
        int n = 0;
        for (Map.Entry<Long, Long> f : silentMillis.entrySet()) {
            long peer = f.getKey();
            Long shardSilent = shardSilentMillis.get(peer);
            if (shardSilent == null || shardSilent > SHARD_ANSWERED_MILLIS) {
                continue; // not running or not reachable: nothing a new connection would change
            }
            if (f.getValue() <= SILENT_MILLIS) {
                if (dropped.remove(peer) != null) {
                    LOG.info("Peer {} answers the Raft leader again", Long.toUnsignedString(peer));
                }
                continue;
            }
            Long last = dropped.get(peer);
            if (last != null && nowNanos - last < EVERY_MILLIS * 1_000_000) {
                continue;
            }
            if (last == null) {
                LOG.info(
                        "Peer {} has not answered the Raft leader for {} ms although its shard service answers:"
                                + " reconnecting to it every {} ms until it does",
                        Long.toUnsignedString(peer),
                        f.getValue(),
                        EVERY_MILLIS);
            }
            dropped.put(peer, nowNanos);
            try {
                reconnect.accept(peer);
                n++;
            } catch (RuntimeException e) {
                LOG.debug("Reconnecting to peer {}: {}", Long.toUnsignedString(peer), e.toString());
            }
        }
        return n;
    }
}
