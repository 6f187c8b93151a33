package io.sextant.index.hnsw;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HNSW graph on the Java heap, as built by {@link HnswGraphBuilder}: for each ordinal, an array
 * of {@link NeighborList}s, one per level the node lives on (the writers' view, with the links'
 * scores), and a flat copy of every level-0 list for readers.
 *
 * <p>Level-0 mirror: one {@code int[]} with a slot of {@code 2m + 1} ints per node, the count then
 * the neighbour ordinals. A beam search reads a node's neighbours with one access to contiguous
 * memory instead of three dependent loads (levels array, list object, its ordinals); on
 * wordnet-bge384 those loads were 44 % of the build's CPU samples. A list longer than {@code 2m}
 * (payload links merged into level 0) stores count -1 and readers fall back to the list object.
 * Without the mirror (more than {@code Integer.MAX_VALUE} slots) every read goes to the lists.
 *
 * <p>Thread-safety: readers never lock. Every list is immutable and published with release/acquire
 * semantics, so a reader sees either the old or the new list of a node, and a node reached through
 * a published link has its level arrays visible. A mirror slot is rewritten in place: a concurrent
 * reader may see a mix of the old and the new ordinals (each one a node already in the graph),
 * which a search tolerates as a graph being built does anyway. Writers (the builder) serialize per
 * node through {@link #lockFor(int)}, a striped lock.
 */
public final class OnHeapHnswGraph implements HnswGraph {
    private static final VarHandle NODES = MethodHandles.arrayElementVarHandle(NeighborList[][].class);
    private static final VarHandle LISTS = MethodHandles.arrayElementVarHandle(NeighborList[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int LOCK_STRIPES = 1 << 12;

    private final NeighborList[][] nodes;
    private final Object[] locks = new Object[LOCK_STRIPES];
    private final int m;
    private volatile int entryPoint = -1;
    private volatile int maxDegree0;
    private final AtomicInteger nodeCount = new AtomicInteger();
    /** Ints per node in {@link #level0}: the count, then up to {@code 2m} ordinals. */
    private final int stride0;
    /** The level-0 mirror, or null when it would not fit in one array. */
    private final int[] level0;

    OnHeapHnswGraph(int capacity, int m) {
        this.nodes = new NeighborList[capacity][];
        this.m = m;
        this.maxDegree0 = 2 * m;
        this.stride0 = 2 * m + 1;
        this.level0 = (long) capacity * stride0 <= Integer.MAX_VALUE - 16 ? new int[capacity * stride0] : null;
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
        int[] flat = level0;
        if (level == 0 && flat != null) {
            int base = node * stride0;
            int count = (int) INTS.getAcquire(flat, base);
            if (count >= 0) {
                int n = Math.min(count, dest.length);
                System.arraycopy(flat, base + 1, dest, 0, n);
                return n;
            }
        }
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
        int[] flat = level0;
        if (level == 0 && flat != null) {
            int base = node * stride0;
            int n = list.size();
            if (n < stride0) {
                System.arraycopy(list.nodes, 0, flat, base + 1, n);
                INTS.setRelease(flat, base, n);
            } else {
                INTS.setRelease(flat, base, -1);
            }
        }
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
