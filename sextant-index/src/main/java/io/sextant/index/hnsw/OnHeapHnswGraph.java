package io.sextant.index.hnsw;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HNSW graph on the Java heap, as built by {@link HnswGraphBuilder}: for each ordinal, an array
 * of {@link NeighborList}s, one per level the node lives on.
 *
 * <p>Thread-safety: readers never lock. Every list is immutable and published with release/acquire
 * semantics, so a reader sees either the old or the new list of a node, and a node reached through
 * a published link has its level arrays visible. Writers (the builder) serialize per node through
 * {@link #lockFor(int)}, a striped lock.
 */
public final class OnHeapHnswGraph implements HnswGraph {
    private static final VarHandle NODES = MethodHandles.arrayElementVarHandle(NeighborList[][].class);
    private static final VarHandle LISTS = MethodHandles.arrayElementVarHandle(NeighborList[].class);
    private static final int LOCK_STRIPES = 1 << 12;

    private final NeighborList[][] nodes;
    private final Object[] locks = new Object[LOCK_STRIPES];
    private final int m;
    private volatile int entryPoint = -1;
    private volatile int maxDegree0;
    private final AtomicInteger nodeCount = new AtomicInteger();

    OnHeapHnswGraph(int capacity, int m) {
        this.nodes = new NeighborList[capacity][];
        this.m = m;
        this.maxDegree0 = 2 * m;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    @Override
    public int size() {
        return nodes.length;
    }

    /** The number of nodes inserted so far. */
    public int nodeCount() {
        return nodeCount.get();
    }

    /** The {@code m} the graph was built with. */
    public int m() {
        return m;
    }

    @Override
    public int entryPoint() {
        return entryPoint;
    }

    @Override
    public int levelOf(int node) {
        NeighborList[] levels = levels(node);
        return levels == null ? -1 : levels.length - 1;
    }

    @Override
    public int maxDegree(int level) {
        return level == 0 ? maxDegree0 : m;
    }

    @Override
    public int neighbors(int level, int node, int[] dest) {
        NeighborList list = list(node, level);
        int n = Math.min(list.nodes.length, dest.length);
        System.arraycopy(list.nodes, 0, dest, 0, n);
        return n;
    }

    NeighborList[] levels(int node) {
        return (NeighborList[]) NODES.getAcquire(nodes, node);
    }

    /** The node's list on {@code level}; empty when the node is absent from that level. */
    NeighborList list(int node, int level) {
        NeighborList[] levels = levels(node);
        if (levels == null || level >= levels.length) {
            return NeighborList.EMPTY;
        }
        return (NeighborList) LISTS.getAcquire(levels, level);
    }

    /** Publishes a new list; the caller holds {@link #lockFor(int)} of {@code node}. */
    void setList(int node, int level, NeighborList list) {
        NeighborList[] levels = levels(node);
        if (level == 0 && list.size() > maxDegree0) {
            raiseMaxDegree0(list.size());
        }
        LISTS.setRelease(levels, level, list);
    }

    private synchronized void raiseMaxDegree0(int degree) {
        if (degree > maxDegree0) {
            maxDegree0 = degree;
        }
    }

    /** Creates the node's (empty) levels; returns false when the node already exists. */
    boolean addNode(int node, int level) {
        NeighborList[] levels = new NeighborList[level + 1];
        Arrays.fill(levels, NeighborList.EMPTY);
        if (NODES.compareAndSet(nodes, node, null, levels)) {
            nodeCount.incrementAndGet();
            return true;
        }
        return false;
    }

    void setEntryPoint(int node) {
        entryPoint = node;
    }

    Object lockFor(int node) {
        return locks[node & (LOCK_STRIPES - 1)];
    }
}
