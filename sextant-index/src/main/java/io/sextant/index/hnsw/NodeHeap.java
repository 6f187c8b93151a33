package io.sextant.index.hnsw;

import java.util.Arrays;

/**
 * A binary heap of (node, score) pairs packed into {@code long}s, so that no object is allocated per
 * entry: the high 32 bits hold the score as an order-preserving int, the low 32 bits the node.
 * {@link #minHeap()} keeps the worst score on top (a bounded result set); {@link #maxHeap()} the best
 * (a candidate frontier), by storing the bitwise complement of the packed value.
 *
 * <p>Not thread-safe.
 */
final class NodeHeap {
    private final boolean max;
    private long[] heap;
    private int size;

    private NodeHeap(boolean max, int initialCapacity) {
        this.max = max;
        this.heap = new long[Math.max(16, initialCapacity) + 1];
    }

    static NodeHeap minHeap() {
        return new NodeHeap(false, 64);
    }

    static NodeHeap maxHeap() {
        return new NodeHeap(true, 64);
    }

    /** Packs a pair so that packed order equals score order (ties by node). */
    static long encode(int node, float score) {
        return ((long) sortableInt(score) << 32) | (node & 0xFFFF_FFFFL);
    }

    static int node(long packed) {
        return (int) packed;
    }

    static float score(long packed) {
        return sortableFloat((int) (packed >> 32));
    }

    private static int sortableInt(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7FFF_FFFF);
    }

    private static float sortableFloat(int sortable) {
        return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7FFF_FFFF));
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    void push(int node, float score) {
        pushPacked(encode(node, score));
    }

    /** Pushes a pair and, when the heap then holds more than {@code capacity}, pops the top. */
    void pushBounded(int node, float score, int capacity) {
        long v = encode(node, score);
        if (size < capacity) {
            pushPacked(v);
        } else if (size > 0 && (max ? ~v : v) > heap[1]) {
            heap[1] = max ? ~v : v;
            siftDown(1);
        }
    }

    /** The top entry's packed (node, score), or garbage when empty. */
    long top() {
        long v = heap[1];
        return max ? ~v : v;
    }

    int topNode() {
        return node(top());
    }

    float topScore() {
        return score(top());
    }

    /** Removes and returns the top entry, packed. */
    long pop() {
        long v = heap[1];
        heap[1] = heap[size];
        size--;
        if (size > 1) {
            siftDown(1);
        }
        return max ? ~v : v;
    }

    /** The packed entries in heap order (index 0 .. size-1), for draining without popping. */
    long packedAt(int i) {
        long v = heap[i + 1];
        return max ? ~v : v;
    }

    private void pushPacked(long packed) {
        long v = max ? ~packed : packed;
        if (++size >= heap.length) {
            heap = Arrays.copyOf(heap, heap.length * 2);
        }
        int i = size;
        while (i > 1) {
            int parent = i >>> 1;
            long p = heap[parent];
            if (v >= p) {
                break;
            }
            heap[i] = p;
            i = parent;
        }
        heap[i] = v;
    }

    private void siftDown(int i) {
        long v = heap[i];
        int n = size;
        int child;
        while ((child = i << 1) <= n) {
            long c = heap[child];
            if (child < n) {
                long r = heap[child + 1];
                if (r < c) {
                    c = r;
                    child++;
                }
            }
            if (c >= v) {
                break;
            }
            heap[i] = c;
            i = child;
        }
        heap[i] = v;
    }
}
