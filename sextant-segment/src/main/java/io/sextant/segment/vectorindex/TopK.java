package io.sextant.segment.vectorindex;

/**
 * The {@code k} entries with the highest keys seen so far: a binary min-heap over parallel arrays
 * of offsets and keys, so collecting candidates allocates nothing per entry. Not thread-safe.
 */
final class TopK {
    private final int k;
    private final int[] offsets;
    private final float[] keys;
    private int size;

    TopK(int k) {
        this.k = Math.max(1, k);
        this.offsets = new int[this.k];
        this.keys = new float[this.k];
    }

    /** Offers an entry; kept when fewer than k are held or its key beats the worst held. */
    void offer(int offset, float key) {
        if (size < k) {
            int i = size++;
            offsets[i] = offset;
            keys[i] = key;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (keys[parent] <= keys[i]) {
                    break;
                }
                swap(i, parent);
                i = parent;
            }
        } else if (key > keys[0]) {
            offsets[0] = offset;
            keys[0] = key;
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                if (l >= size) {
                    break;
                }
                int c = l + 1 < size && keys[l + 1] < keys[l] ? l + 1 : l;
                if (keys[i] <= keys[c]) {
                    break;
                }
                swap(i, c);
                i = c;
            }
        }
    }

    private void swap(int a, int b) {
        int o = offsets[a];
        offsets[a] = offsets[b];
        offsets[b] = o;
        float s = keys[a];
        keys[a] = keys[b];
        keys[b] = s;
    }

    int size() {
        return size;
    }

    int offset(int i) {
        return offsets[i];
    }

    float key(int i) {
        return keys[i];
    }
}
