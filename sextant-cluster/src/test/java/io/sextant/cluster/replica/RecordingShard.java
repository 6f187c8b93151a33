package io.sextant.cluster.replica;

import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.ScoredPoint;
import io.sextant.segment.query.SparseStats;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import io.sextant.shard.Shard;
import io.sextant.shard.ShardInfo;
import io.sextant.shard.UpdateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One replica in process: records the operations applied to it, in order; {@code count} answers
 * how many; updates can be made to fail (when the supplier returns an exception) or to block until
 * released.
 */
final class RecordingShard implements Shard {
    final String name;
    private final List<PointOperation> applied = new ArrayList<>();
    /** The points the applied upserts and deletes leave (other operations do not touch them). */
    private final java.util.TreeMap<PointId, PointOperation.PointStruct> points = new java.util.TreeMap<>();

    final AtomicInteger updateAttempts = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    volatile Supplier<RuntimeException> failUpdates;
    volatile Supplier<RuntimeException> failReads;
    volatile CountDownLatch gate;
    /** Runs at the start of every scroll (with the page's offset). */
    volatile java.util.function.Consumer<PointId> onScroll = offset -> {};

    volatile boolean closed;
    /** How long every count and search takes (a slow or frozen replica). */
    volatile long readDelayMillis;
    /** Set when a slow read was interrupted (its caller cancelled it). */
    final java.util.concurrent.atomic.AtomicBoolean readCancelled = new java.util.concurrent.atomic.AtomicBoolean();
    /** What search answers. */
    volatile List<ScoredPoint> hits = List.of();

    private void slowRead() {
        long d = readDelayMillis;
        if (d > 0) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                readCancelled.set(true);
                Thread.currentThread().interrupt();
                throw new io.sextant.segment.error.ServiceException("read cancelled");
            }
        }
    }

    RecordingShard(String name) {
        this.name = name;
    }

    synchronized List<PointOperation> applied() {
        return List.copyOf(applied);
    }

    /** Writes are numbered 1, 2, 3 … in the order applied, as a WAL numbers them. */
    @Override
    public synchronized long lastOperationId() {
        return applied.size();
    }

    @Override
    public UpdateResult update(PointOperation operation, boolean wait) {
        updateAttempts.incrementAndGet();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Supplier<RuntimeException> fail = failUpdates;
        RuntimeException failure = fail == null ? null : fail.get();
        if (failure != null) { // a supplier may return null: this update succeeds
            throw failure;
        }
        synchronized (this) {
            switch (operation) {
                case PointOperation.Upsert u -> u.points().forEach(p -> points.put(p.id(), p));
                case PointOperation.Delete d -> {
                    if (d.selector() instanceof io.sextant.segment.ops.PointsSelector.Ids ids) {
                        ids.ids().forEach(points::remove);
                    } else {
                        points.clear(); // only the transfer's delete-all uses a filter here
                    }
                }
                default -> {}
            }
            applied.add(operation);
            return new UpdateResult(applied.size(), wait);
        }
    }

    @Override
    public long count(Filter filter, boolean exact) {
        reads.incrementAndGet();
        slowRead();
        if (failReads != null) {
            throw failReads.get();
        }
        return applied().size();
    }

    @Override
    public List<ScoredPoint> search(CoreSearch request) {
        reads.incrementAndGet();
        slowRead();
        if (failReads != null) {
            throw failReads.get();
        }
        return hits;
    }

    @Override
    public SparseStats sparseStats(String n, int[] dims, Filter corpus) {
        throw new UnsupportedOperationException("sparseStats");
    }

    @Override
    public List<PointRecord> retrieve(List<PointId> ids, PayloadSelector withPayload, VectorSelector withVector) {
        throw new UnsupportedOperationException("retrieve");
    }

    /** Point id to payload of the stored points, in id order. */
    synchronized java.util.Map<PointId, com.fasterxml.jackson.databind.node.ObjectNode> points() {
        java.util.Map<PointId, com.fasterxml.jackson.databind.node.ObjectNode> out = new java.util.LinkedHashMap<>();
        points.forEach((id, p) -> out.put(id, p.payload()));
        return out;
    }

    /** Stores a point without recording an operation (data a replica had before it died). */
    synchronized void plant(PointOperation.PointStruct p) {
        points.put(p.id(), p);
    }

    @Override
    public synchronized ScrollPage scroll(ScrollRequest request) {
        reads.incrementAndGet();
        onScroll.accept(request.offset());
        List<PointRecord> page = new ArrayList<>();
        PointId next = null;
        var tail = request.offset() == null ? points : points.tailMap(request.offset(), true);
        for (PointOperation.PointStruct p : tail.values()) {
            if (page.size() == request.limit()) {
                next = p.id();
                break;
            }
            page.add(new PointRecord(p.id(), p.payload(), p.vectors(), p.sparseVectors()));
        }
        return new ScrollPage(page, next);
    }

    @Override
    public ShardInfo info() {
        throw new UnsupportedOperationException("info");
    }

    @Override
    public void updateConfig(ShardConfig config) {}

    @Override
    public void changeVectors(ShardConfig config) {}

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "RecordingShard[" + name + "]";
    }
}
