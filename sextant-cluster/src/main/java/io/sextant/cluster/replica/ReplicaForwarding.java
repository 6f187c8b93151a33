package io.sextant.cluster.replica;

import io.sextant.cluster.ReplicaState;
import io.sextant.cluster.shard.OperationTag;
import io.sextant.cluster.shard.PrimaryFence;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.UpdateResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of sending writes to the other replicas of one shard: one single-threaded
 * queue per remote replica, fed in the order the primary applied the writes (so every replica sees
 * the same order), and the forward deadline ({@link #FORWARD_DEADLINE_MILLIS}) after which a
 * replica that has not applied a write counts as failed. A forward answered "not found" (the
 * replica's peer has not applied the collection's create yet) is retried for up to {@link
 * #NOT_FOUND_RETRY_MILLIS} ms; a Partial replica that lacks the point of a forwarded write is not a
 * failure (the transfer brings it). A forward whose replica was marked Dead while it waited in the
 * queue is not sent ({@link #skipped}). A failed forward is recorded ({@link #failedReplicaWrites()},
 * {@link RetainedOperations#missed}); marking the replica Dead is the {@link ReplicaSet}'s job. Every
 * call a queue makes carries the primary term ({@link PrimaryFence}) read when it was queued, so a
 * replica whose log has a newer primary refuses it ({@link PrimaryFence.Refused}, which is not a
 * failed forward: this peer was replaced).
 *
 * <p>Thread-safety: the queue map is guarded by the owning {@link ReplicaSet}'s write order lock:
 * {@link #open}, {@link #remove}, {@link #queueAll}, {@link #sendInOrder}, {@link #has}, {@link
 * #isEmpty} and {@link #all} are called holding it; {@link #awaitForward} and the counters are
 * thread-safe.
 */
final class ReplicaForwarding {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaForwarding.class);

    /** How long a forward answered "not found" is retried (the peer may lag the collection's create). */
    static final long NOT_FOUND_RETRY_MILLIS = 3_000;

    /**
     * The default bound on waiting for one replica's forward: a replica that has not applied a
     * write by then (e.g. a frozen process) is marked Dead and the write acknowledged without it.
     */
    static final long FORWARD_DEADLINE_MILLIS = 5_000;

    private final Map<Long, ExecutorService> queues = new LinkedHashMap<>();
    private final PeerReplicas remotes;
    private final ReplicaStates states;
    private final RetainedOperations retained;
    private final Supplier<ReplicaSet.Layout> layout;
    /** The primary term this peer's forwards carry, read when a forward is queued (under the order lock). */
    private final Supplier<PrimaryFence> fence;

    private final AtomicLong failedReplicaWrites = new AtomicLong();
    /** Peers whose queued forwards are being skipped (Dead), for one log line per run. */
    private final java.util.Set<Long> skipping = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** How long the primary waits for one replica's forward before counting it failed. */
    private volatile long forwardDeadlineMillis = FORWARD_DEADLINE_MILLIS;

    /**
     * @param layout the shard's current layout (names and messages)
     */
    ReplicaForwarding(
            PeerReplicas remotes,
            ReplicaStates states,
            RetainedOperations retained,
            Supplier<ReplicaSet.Layout> layout,
            Supplier<PrimaryFence> fence) {
        this.fence = fence;
        this.remotes = remotes;
        this.states = states;
        this.retained = retained;
        this.layout = layout;
    }

    /** Opens the ordered forwarding queue for the replica on {@code peer} (under the order lock). */
    void open(ReplicaSet.Layout l, long peer) {
        queues.put(
                peer,
                Executors.newSingleThreadExecutor(Thread.ofVirtual()
                        .name("replicate-" + l.collection() + "-" + l.shardId() + "-" + Long.toUnsignedString(peer))
                        .factory()));
    }

    /** Removes the queue of {@code peer} (under the order lock); the caller closes it. */
    ExecutorService remove(long peer) {
        return queues.remove(peer);
    }

    /** Whether a queue exists for {@code peer} (under the order lock). */
    boolean has(long peer) {
        return queues.containsKey(peer);
    }

    /** Whether there are no remote replicas (under the order lock). */
    boolean isEmpty() {
        return queues.isEmpty();
    }

    /** Every queue (under the order lock). */
    List<ExecutorService> all() {
        return new ArrayList<>(queues.values());
    }

    /** Writes that a replica failed to apply since start. */
    long failedReplicaWrites() {
        return failedReplicaWrites.get();
    }

    /**
     * Queues {@code operation} for every replica that receives writes (under the order lock).
     *
     * @return per peer, whether its forward succeeded
     */
    Map<Long, CompletableFuture<Boolean>> queueAll(PointOperation operation, boolean wait, OperationTag tag) {
        Map<Long, CompletableFuture<Boolean>> forwards = new LinkedHashMap<>();
        PrimaryFence f = fence.get();
        queues.forEach((peer, queue) -> {
            if (states.state(peer).receivesWrites()) {
                CompletableFuture<Boolean> done = new CompletableFuture<>();
                queue.execute(() -> ScopedValue.where(PrimaryFence.CURRENT, f).run(() -> {
                    if (!states.state(peer).receivesWrites()) {
                        done.complete(skipped(peer));
                        return;
                    }
                    try {
                        done.complete(forward(peer, operation, wait, tag));
                    } catch (PrimaryFence.Refused e) { // this peer was replaced as primary
                        LOG.warn("{}", e.getMessage());
                        done.completeExceptionally(e);
                    } catch (RuntimeException e) { // interrupted: counts as a failed forward
                        done.complete(failed(peer, e));
                    }
                }));
                forwards.put(peer, done);
            }
        });
        return forwards;
    }

    /**
     * Queues {@code operation} for {@code peer} in the write order (callers hold the order lock),
     * tagged when {@code tag} is not null.
     */
    CompletableFuture<Void> sendInOrder(long peer, PointOperation operation, OperationTag tag) {
        return inOrder(peer, () -> remotes.forwardTagged(peer, operation, true, tag));
    }

    /**
     * Runs {@code send} on {@code peer}'s ordered queue, after everything queued for it before
     * (callers hold the order lock): a tagged batch, a snapshot's shipping.
     */
    CompletableFuture<Void> inOrder(long peer, Runnable send) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ExecutorService queue = queues.get(peer);
        if (queue == null) { // the replica was dropped from the placement
            ReplicaSet.Layout l = layout.get();
            done.completeExceptionally(new ServiceException("peer " + Long.toUnsignedString(peer)
                    + " holds no replica of shard " + l.shardId() + " of collection " + l.collection()));
            return done;
        }
        PrimaryFence f = fence.get();
        queue.execute(() -> ScopedValue.where(PrimaryFence.CURRENT, f).run(() -> {
            try {
                send.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }));
        return done;
    }

    /** The deadline (nanoTime) for forwards queued now. */
    long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(forwardDeadlineMillis);
    }

    /**
     * Whether the forward to {@code peer} succeeded by {@code deadline} (nanoTime). A forward still
     * running then counts as failed (the replica is marked Dead before the write is acknowledged);
     * it stays in the replica's queue, so whatever it still applies comes before every later
     * operation queued for that replica (e.g. the clear that starts its recovery).
     *
     * @throws PrimaryFence.Refused when the replica's peer refused the forward: this peer is no
     *     longer the shard's primary in that peer's log
     */
    boolean awaitForward(long peer, CompletableFuture<Boolean> forward, long deadline) {
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException();
                }
                try {
                    return forward.get(
                            Math.min(left, TimeUnit.MILLISECONDS.toNanos(STATE_POLL_MILLIS)), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (!states.state(peer).receivesWrites()) { // marked Dead meanwhile (e.g. by PeerLiveness)
                        return failed(peer, new ServiceException("marked Dead while the forwarded write waited"));
                    }
                }
            }
        } catch (TimeoutException e) {
            return failed(
                    peer,
                    new ServiceException("no answer to the forwarded write within " + forwardDeadlineMillis + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(peer, new ServiceException("interrupted waiting for the forwarded write", e));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PrimaryFence.Refused r) {
                throw r;
            }
            return failed(peer, new ServiceException("forward failed", e.getCause()));
        }
    }

    /**
     * A write sent to another peer's primary with {@code PrimaryUpdate} was given up because that
     * replica stopped being able to act as primary (marked Dead) while the call ran.
     */
    static final class PrimaryLost extends ServiceException {
        PrimaryLost(String message) {
            super(message);
        }
    }

    /** How often a waiting write looks at the replica states (a Dead mark ends the wait). */
    static final long STATE_POLL_MILLIS = 25;

    /**
     * Sends {@code operation} to the primary on {@code peer} ({@code PrimaryUpdate}) and waits for
     * its answer, but not for a primary that stops being one: when the metadata log marks that
     * replica Dead meanwhile the call is cancelled and {@link PrimaryLost} thrown (the caller sends
     * the write to the next Active replica); when no answer came within twice the forward deadline
     * (the primary itself may wait one forward deadline for a frozen replica, then commit its Dead
     * mark) the call is cancelled and fails as a missed deadline ({@link
     * io.sextant.cluster.shard.ShardCallErrors#isDeadline}), so the caller marks it Dead.
     */
    UpdateResult writeThroughPrimary(long peer, PointOperation operation, boolean wait) {
        CompletableFuture<UpdateResult> answer = new CompletableFuture<>();
        Thread call = Thread.ofVirtual()
                .name("primary-update-" + Long.toUnsignedString(peer))
                .start(() -> {
                    try {
                        answer.complete(remotes.writeAsPrimary(peer, operation, wait));
                    } catch (RuntimeException | Error e) {
                        answer.completeExceptionally(e);
                    }
                });
        long limit = 2 * forwardDeadlineMillis;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limit);
        try {
            while (true) {
                try {
                    return answer.get(STATE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (!states.state(peer).canBePrimary()) {
                        ReplicaSet.Layout l = layout.get();
                        throw new PrimaryLost("Primary " + Long.toUnsignedString(peer) + " of shard " + l.shardId()
                                + " of collection " + l.collection() + " was marked "
                                + states.state(peer).wireName() + " while a write waited for it");
                    }
                    if (System.nanoTime() > deadline) {
                        throw new ServiceException(
                                "Primary " + Long.toUnsignedString(peer) + " did not answer a write within " + limit
                                        + " ms",
                                org.apache.ratis.thirdparty.io.grpc.Status.DEADLINE_EXCEEDED.asRuntimeException());
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ServiceException(
                    "PrimaryUpdate to peer " + Long.toUnsignedString(peer) + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("Interrupted waiting for the primary's answer", e);
        } finally {
            if (!answer.isDone()) {
                call.interrupt(); // cancels the internal gRPC call
            }
        }
    }

    /** Changes how long the primary waits for one replica's forward. */
    void forwardDeadline(java.time.Duration d) {
        forwardDeadlineMillis = Math.max(1, d.toMillis());
    }

    private boolean forward(long peer, PointOperation operation, boolean wait, OperationTag tag) {
        if (!skipping.isEmpty()) { // a forward goes out again: a later Dead run logs anew
            skipping.remove(peer);
        }
        long retryUntil = System.nanoTime() + NOT_FOUND_RETRY_MILLIS * 1_000_000L;
        while (true) {
            try {
                remotes.forwardTagged(peer, operation, wait, tag);
                return true;
            } catch (PrimaryFence.Refused e) {
                throw e;
            } catch (UserException e) {
                if (isMissingPoint(e) && states.state(peer) == ReplicaState.PARTIAL) {
                    return true; // a replica being filled may not have the point yet: the transfer brings it
                }
                if (e.kind() == UserException.Kind.NOT_FOUND && !isMissingPoint(e) && System.nanoTime() < retryUntil) {
                    pause(); // the peer may not have applied the collection's create yet
                    continue;
                }
                return failed(peer, e);
            } catch (RuntimeException e) {
                return failed(peer, e);
            }
        }
    }

    private static boolean isMissingPoint(UserException e) {
        return e.kind() == UserException.Kind.NOT_FOUND
                && e.getMessage() != null
                && e.getMessage().contains("No point with id");
    }

    /**
     * A forward not sent because its replica was marked Dead while the forward waited in the queue
     * (behind a call to a frozen or cut-off peer): it is missed (the writer already counted it
     * failed when its wait ended at the Dead mark or the deadline), but is not sent, so the replica's repair, queued after it, does not wait for one call per write
     * queued during the fault (each up to the call deadline while the peer stays unreachable, and a
     * round trip each once it answers again). The repair brings the write. Logged once per run of
     * skipped forwards, not per write.
     */
    private boolean skipped(long peer) {
        retained.missed(peer);
        if (skipping.add(peer)) {
            ReplicaSet.Layout l = layout.get();
            LOG.warn(
                    "Replica of shard {} of collection {} on peer {} is Dead: the writes queued for it are"
                            + " not sent (its repair brings them)",
                    l.shardId(),
                    l.collection(),
                    Long.toUnsignedString(peer));
        }
        return false;
    }

    private boolean failed(long peer, RuntimeException e) {
        retained.missed(peer);
        long n = failedReplicaWrites.incrementAndGet();
        ReplicaSet.Layout l = layout.get();
        LOG.warn(
                "Replica of shard {} of collection {} on peer {} missed a write ({} so far): {}",
                l.shardId(),
                l.collection(),
                Long.toUnsignedString(peer),
                n,
                e.getMessage());
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("Interrupted forwarding a write", e);
        }
    }
}
