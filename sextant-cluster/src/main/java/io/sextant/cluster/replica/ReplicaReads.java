package io.sextant.cluster.replica;

import io.sextant.collection.config.ReadFanOut;
import io.sextant.segment.error.ServiceException;
import io.sextant.shard.Shard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The read side of a {@link ReplicaSet}: which replicas may answer a read (readable ones only, the
 * local one first, then the remote ones in random order, to spread the load) and how many are asked
 * ({@link ReadConsistency} plus the collection's read fan-out, run by {@link FanOutRead}).
 * Thread-safe: it keeps no state of its own besides the remote order (volatile).
 */
final class ReplicaReads {
    private final PeerReplicas remotes;
    private final ReplicaStates states;
    private final Supplier<ReadFanOut> fanOut;
    /** The order remote replicas are asked in (shuffled, to spread reads; tests fix it). */
    private volatile UnaryOperator<List<Long>> remoteOrder = ReplicaReads::shuffled;

    ReplicaReads(PeerReplicas remotes, ReplicaStates states, Supplier<ReadFanOut> fanOut) {
        this.remotes = remotes;
        this.states = states;
        this.fanOut = fanOut;
    }

    /** Fixes the order remote replicas are asked in (tests; by default shuffled per read). */
    void orderRemotes(UnaryOperator<List<Long>> order) {
        remoteOrder = order;
    }

    private static List<Long> shuffled(List<Long> peers) {
        List<Long> copy = new ArrayList<>(peers);
        Collections.shuffle(copy, ThreadLocalRandom.current());
        return copy;
    }

    /**
     * Runs {@code read} on as many readable replicas as {@code consistency} needs, spread and hedged
     * by the collection's read fan-out ({@link FanOutRead}): the local replica first when it is
     * readable, then the remote readable ones in random order. {@code read_fan_out_factor} unset
     * means none extra with a readable local replica, one otherwise (Qdrant's automatic value);
     * without {@code fanOut}, replicas are asked one after another only.
     *
     * @param l the shard's layout
     * @param mine the local replica, or null
     */
    <T> List<T> read(
            ReplicaSet.Layout l,
            Shard mine,
            String what,
            Function<Shard, T> read,
            ReadConsistency consistency,
            boolean fanOut) {
        List<FanOutRead.Candidate> candidates = new ArrayList<>(l.peers().size());
        boolean localReadable = mine != null && states.state(l.self()).readable();
        if (localReadable) {
            candidates.add(new FanOutRead.Candidate(l.self(), mine, true));
        }
        List<Long> others = new ArrayList<>(l.peers().size());
        for (long peer : l.peers()) {
            if (peer != l.self() && states.state(peer).readable() && remotes.replica(peer) != null) {
                others.add(peer);
            }
        }
        for (long peer : remoteOrder.apply(others)) {
            Shard replica = remotes.replica(peer);
            if (replica != null) {
                candidates.add(new FanOutRead.Candidate(peer, replica));
            }
        }
        int required = consistency.required(l.peers().size());
        if (candidates.isEmpty()) {
            throw new ServiceException("No readable replica of shard " + l.shardId() + " of collection "
                    + l.collection() + " answered " + what);
        }
        if (candidates.size() < required) {
            throw new ServiceException("Shard " + l.shardId() + " of collection " + l.collection() + " has "
                    + candidates.size() + " readable replicas reachable from peer " + Long.toUnsignedString(l.self())
                    + ", the " + what + " needs " + required);
        }
        ReadFanOut f = fanOut ? this.fanOut.get() : new ReadFanOut(0, 0L);
        int extra = f.factor() != null ? f.factor() : (localReadable ? 0 : 1);
        String name = what + " on shard " + l.shardId() + " of collection " + l.collection();
        return new FanOutRead<>(name, candidates, read).run(required, extra, f.delayOrZero());
    }
}
