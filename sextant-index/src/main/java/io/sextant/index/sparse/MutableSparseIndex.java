package io.sextant.index.sparse;

import io.sextant.vector.sparse.SparseVector;
import java.util.function.IntPredicate;

/**
 * The sparse inverted index of an appendable segment: posting lists on the heap, one {@link
 * MutablePostingList} per dimension id, found through an open-addressing table keyed by the id.
 *
 * <p>Thread-safety: one writer calls {@link #add} with strictly increasing ordinals; any number of
 * readers search concurrently and never block. A search first reads the published ordinal limit
 * (volatile, stored after the whole vector is in place), then looks only at postings below it, so
 * it sees every vector added before it started and never part of one. The dimension table is
 * replaced, not rehashed in place, when it grows. Deleted or replaced ordinals stay in the lists;
 * callers filter them with the search's {@code accept}.
 *
 * <p>Memory: about 8 bytes per posting plus growth slack (at most half again), and one small
 * object per dimension.
 */
public final class MutableSparseIndex implements SparseIndexReader {
    private volatile int limit;
    private volatile long postings;
    private volatile MutablePostingList[] table = new MutablePostingList[16];
    private int dimCount;
    private int lastOrdinal = -1;

    /**
     * Writer only: indexes {@code vector} under {@code ordinal}, which must be above every ordinal
     * added before. An empty vector only advances {@link #ordinalLimit()}.
     *
     * @throws IllegalArgumentException when the ordinal is not increasing or negative, or a weight is
     *     not finite (nothing is indexed then)
     */
    public void add(int ordinal, SparseVector vector) {
        if (ordinal <= lastOrdinal || ordinal == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ordinal " + ordinal + " must be above the last added ordinal "
                    + lastOrdinal + " and below " + Integer.MAX_VALUE);
        }
        int[] ids = vector.indices();
        float[] values = vector.values();
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("sparse weight of ordinal " + ordinal + " must be finite, got " + v);
            }
        }
        for (int i = 0; i < ids.length; i++) {
            listForWrite(ids[i]).append(ordinal, values[i]);
        }
        lastOrdinal = ordinal;
        postings = postings + ids.length;
        limit = ordinal + 1;
    }

    @Override
    public int ordinalLimit() {
        return limit;
    }

    @Override
    public int docFrequency(int dimId) {
        int l = limit;
        MutablePostingList list = find(table, dimId);
        MutablePostingList.View view = list == null ? null : list.view(l);
        return view == null ? 0 : view.size();
    }

    /** Postings added so far (may include a vector whose add has not returned yet). */
    @Override
    public long postingCount() {
        return postings;
    }

    /** The number of distinct dimension ids seen. Writer thread only. */
    int dimCount() {
        return dimCount;
    }

    @Override
    public SparseTopK search(SparseVector query, int k, IntPredicate accept) {
        int l = limit;
        MutablePostingList[] t = table;
        return BlockMaxScoreSearch.search(query, k, accept, l, id -> {
            MutablePostingList list = find(t, id);
            return list == null ? null : list.view(l);
        });
    }

    /** Nothing to release: the lists are on the heap. */
    @Override
    public void close() {}

    private MutablePostingList listForWrite(int dimId) {
        MutablePostingList[] t = table;
        int mask = t.length - 1;
        for (int slot = hash(dimId) & mask; ; slot = (slot + 1) & mask) {
            MutablePostingList list = t[slot];
            if (list == null) {
                list = new MutablePostingList(dimId);
                if (2 * (dimCount + 1) > t.length) {
                    MutablePostingList[] grown = rehash(t, t.length * 2);
                    insert(grown, list);
                    table = grown;
                } else {
                    t[slot] = list;
                }
                dimCount++;
                return list;
            }
            if (list.dimId == dimId) {
                return list;
            }
        }
    }

    private static MutablePostingList[] rehash(MutablePostingList[] old, int capacity) {
        MutablePostingList[] grown = new MutablePostingList[capacity];
        for (MutablePostingList list : old) {
            if (list != null) {
                insert(grown, list);
            }
        }
        return grown;
    }

    private static void insert(MutablePostingList[] t, MutablePostingList list) {
        int mask = t.length - 1;
        int slot = hash(list.dimId) & mask;
        while (t[slot] != null) {
            slot = (slot + 1) & mask;
        }
        t[slot] = list;
    }

    /**
     * Looks {@code dimId} up; readers may race with an insert into the same table, in which case
     * they see either nothing or the new list (whose {@code dimId} is final), both fine: the list
     * has no posting below their limit yet.
     */
    private static MutablePostingList find(MutablePostingList[] t, int dimId) {
        int mask = t.length - 1;
        for (int slot = hash(dimId) & mask; ; slot = (slot + 1) & mask) {
            MutablePostingList list = t[slot];
            if (list == null || list.dimId == dimId) {
                return list;
            }
        }
    }

    /** Murmur3's 32-bit finaliser: dimension ids are often small consecutive integers or hashes. */
    private static int hash(int x) {
        x ^= x >>> 16;
        x *= 0x85eb_ca6b;
        x ^= x >>> 13;
        x *= 0xc2b2_ae35;
        return x ^ (x >>> 16);
    }
}
