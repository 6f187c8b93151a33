package io.sextant.cluster.replica;

import io.sextant.cluster.MetadataApplier;
import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.MetadataResult;
import io.sextant.cluster.PlacementBook;
import io.sextant.cluster.ReplicaState;
import io.sextant.cluster.ReplicaStateApplier;
import io.sextant.cluster.ReplicaStateBook;
import io.sextant.cluster.ShardPlacement;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.Shard;
import io.sextant.shard.UpdateResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.thirdparty.io.grpc.Status;

/**
 * Peers of one shard wired in process: every peer has a {@link RecordingShard} replica and a
 * {@link ReplicaSet}; a peer marked down answers like an unreachable gRPC peer (UNAVAILABLE).
 * Replica states live in one {@link ReplicaStateBook} (in {@code dir}) shared by all peers, changed
 * through the real {@link ReplicaStateApplier} by a proposer that stands in for the metadata group
 * (every peer applies at once); {@link #consensusDown} makes proposals fail as when no majority is
 * reachable.
 */
final class InProcessPeers {
    final Map<Long, RecordingShard> replicas = new ConcurrentHashMap<>();
    final Map<Long, ReplicaSet> sets = new ConcurrentHashMap<>();
    final Set<Long> down = ConcurrentHashMap.newKeySet();
    final Set<Long> frozen = ConcurrentHashMap.newKeySet();
    final AtomicInteger primaryCalls = new AtomicInteger();
    volatile int writeConsistency = 1;
    /** The collection's read fan-out (default: none, so reads ask one replica after another). */
    volatile io.sextant.collection.config.ReadFanOut fanOut = new io.sextant.collection.config.ReadFanOut(0, 0L);

    final ReplicaStateBook states;
    /** The primary terms every peer derives from the log (one copy: every peer applies at once). */
    final io.sextant.cluster.PrimaryTerms terms = io.sextant.cluster.PrimaryTerms.inMemory();
    /** The index of the last entry the stand-in metadata group applied. */
    final java.util.concurrent.atomic.AtomicLong logIndex = new java.util.concurrent.atomic.AtomicLong();
    /** How every replica's peer admits forwarded writes (fencing), from the shared books. */
    final io.sextant.cluster.PrimaryFenceCheck fence;
    /** Forwards sent by a peer in this map wait for its latch (a primary frozen with forwards queued). */
    final Map<Long, java.util.concurrent.CountDownLatch> heldForwards = new ConcurrentHashMap<>();
    /** Each peer's view of the replica states (a test can make one lag: {@link StaleView#stale}). */
    final Map<Long, StaleView> views = new ConcurrentHashMap<>();
    /** Peers whose log still names the old primary: they admit every forward without the fence check. */
    final java.util.Set<Long> laggingLogs = ConcurrentHashMap.newKeySet();
    /** Forwards refused by the fence check, by sending peer. */
    final Map<Long, AtomicInteger> refusedForwards = new ConcurrentHashMap<>();

    final List<MetadataCommand> proposals = new CopyOnWriteArrayList<>();
    volatile boolean consensusDown;
    /** Runs inside every proposal before it applies (tests check what replicas hold at that moment). */
    volatile Runnable onProposal = () -> {};
    /**
     * Each peer's replica clock, when tests turn them on ({@link #withClocks}): forwards are then
     * tagged and recovery points known, as over the internal service; off, every point is unknown.
     */
    final Map<Long, io.sextant.cluster.shard.ReplicaClocks> clocks = new ConcurrentHashMap<>();

    /**
     * Peers {@code peers} (placement order) hold replicas of shard 0 of collection {@code c};
     * {@code others} only route; the books live in {@code dir}.
     */
    InProcessPeers(List<Long> peers, List<Long> others, Path dir) {
        PlacementBook placements = PlacementBook.open(dir);
        placements.put("c", new ShardPlacement(List.of(peers)));
        states = ReplicaStateBook.open(dir);
        io.sextant.cluster.MetadataApplier applier = new io.sextant.cluster.PrimaryTermApplier(
                new ReplicaStateApplier(new OneCollection(), placements, states), placements, states, terms);
        fence = new io.sextant.cluster.PrimaryFenceCheck(placements, states, terms, logIndex::get);
        for (long p : peers) {
            replicas.put(p, new RecordingShard("peer-" + p));
        }
        for (long p : concat(peers, others)) {
            ReplicaSet.Layout layout = new ReplicaSet.Layout("c", 0, p, peers);
            ReplicaStates view = new ConsensusReplicaStates(
                    states,
                    "c",
                    0,
                    command -> {
                        if (consensusDown) {
                            throw new ServiceException("Consensus did not commit the operation: no majority");
                        }
                        onProposal.run();
                        proposals.add(command);
                        synchronized (applier) {
                            return applier.apply(logIndex.incrementAndGet(), command);
                        }
                    },
                    terms);
            StaleView seen = new StaleView(view);
            views.put(p, seen);
            ReplicaSet set =
                    new ReplicaSet(layout, replicas.get(p), view(p), () -> writeConsistency, seen, () -> fanOut);
            set.orderRemotes(order -> order); // placement order, so tests know who is asked first
            sets.put(p, set);
        }
    }

    /** The collection {@code c} exists; nothing else is applied. */
    private static final class OneCollection implements MetadataApplier {
        @Override
        public MetadataResult apply(MetadataCommand command) {
            return MetadataResult.failed("BAD_REQUEST", "not in this test");
        }

        @Override
        public Set<String> localCollections() {
            return Set.of("c");
        }

        @Override
        public Map<String, String> localAliases() {
            return Map.of();
        }
    }

    /** Gives every replica peer an in-memory replica clock (the {@code wal_delta} transfer's). */
    InProcessPeers withClocks() {
        for (long p : replicas.keySet()) {
            io.sextant.cluster.shard.ReplicaClocks clock = io.sextant.cluster.shard.ReplicaClocks.inMemory();
            clocks.put(p, clock);
            ClusterShardFactory.withClocks(sets.get(p), clock); // as the shard factory does
        }
        return this;
    }

    /** Waits up to 20 s for {@code done}. */
    static void eventually(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within 20 s");
            }
            Thread.sleep(10);
        }
    }

    /** The state of the replica on {@code peer} in the shared book. */
    ReplicaState state(long peer) {
        return states.state("c", 0, peer);
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

    /** Peer {@code peer} is frozen (SIGSTOP): it takes calls but answers none before their deadline. */
    void freeze(long peer) {
        frozen.add(peer);
        RecordingShard r = replicas.get(peer);
        r.failUpdates = () -> deadline(peer);
        r.failReads = () -> deadline(peer);
    }

    static ServiceException deadline(long peer) {
        return new ServiceException(
                "Peer " + peer + " did not answer within 30000 ms",
                Status.DEADLINE_EXCEEDED.withDescription("deadline").asRuntimeException());
    }

    /** Peer {@code peer} answers again (its replica keeps what it had). */
    void revive(long peer) {
        down.remove(peer);
        RecordingShard r = replicas.get(peer);
        r.failUpdates = null;
        r.failReads = null;
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
                if (frozen.contains(peerId)) {
                    throw deadline(peerId);
                }
                primaryCalls.incrementAndGet();
                // served on its own thread, as a gRPC server does: cancelling (interrupting) the
                // caller does not interrupt the primary's work
                java.util.concurrent.CompletableFuture<UpdateResult> served =
                        java.util.concurrent.CompletableFuture.supplyAsync(
                                () -> sets.get(peerId).writeAsPrimary(operation, wait, -1),
                                r -> Thread.ofVirtual().start(r));
                try {
                    return served.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new ServiceException("primary write failed", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ServiceException(
                            "cancelled",
                            Status.CANCELLED.withDescription("cancelled").asRuntimeException());
                }
            }

            @Override
            public UpdateResult forwardTagged(
                    long peerId, PointOperation operation, boolean wait, io.sextant.cluster.shard.OperationTag tag) {
                java.util.concurrent.CountDownLatch held = heldForwards.get(self);
                if (held != null) {
                    try {
                        held.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ServiceException("interrupted while held");
                    }
                }
                if (io.sextant.cluster.shard.PrimaryFence.CURRENT.isBound() // as the shard service does
                        && !laggingLogs.contains(peerId)) {
                    try {
                        fence.admit("c", 0, io.sextant.cluster.shard.PrimaryFence.CURRENT.get());
                    } catch (io.sextant.cluster.shard.PrimaryFence.Refused e) {
                        refusedForwards
                                .computeIfAbsent(self, k -> new AtomicInteger())
                                .incrementAndGet();
                        throw e;
                    }
                }
                io.sextant.cluster.shard.ReplicaClocks clock = clocks.get(peerId);
                if (clock == null) {
                    return PeerReplicas.super.forwardTagged(peerId, operation, wait, tag);
                }
                if (down.contains(peerId)) {
                    throw unreachable(peerId); // the call never reaches the peer: its clock is untouched
                }
                Shard replica = replicas.get(peerId);
                return tag == null
                        ? clock.applyUntagged("c", 0, () -> replica.update(operation, wait))
                        : clock.applyTagged("c", 0, tag, () -> replica.update(operation, wait));
            }

            @Override
            public io.sextant.cluster.shard.RecoveryPoint recoveryPoint(long peerId) {
                io.sextant.cluster.shard.ReplicaClocks clock = clocks.get(peerId);
                if (clock == null) {
                    return PeerReplicas.super.recoveryPoint(peerId);
                }
                if (down.contains(peerId)) {
                    throw unreachable(peerId);
                }
                // as the shard service answers: the run the peer ordered, else its replica clock
                io.sextant.cluster.shard.RecoveryPoint ordered =
                        sets.get(peerId).orderedRun();
                return ordered != null ? ordered : clock.point("c", 0);
            }
        };
    }
}
