package io.sextant.segment.storage;

import io.sextant.segment.PointId;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * {@link Segment#liveOffsetsById}: live offsets in ascending id order from a start id. An
 * appendable segment walks its sorted live-id map; an immutable one (offsets in id order) binary
 * searches the start and skips deleted offsets. Stateless.
 */
final class LiveOffsetsById {

    private LiveOffsetsById() {}

    static PrimitiveIterator.OfInt iterator(Segment s, PointId from) {

        if (s.liveIds != null) {
            Iterator<Integer> it = (from == null ? s.liveIds : s.liveIds.tailMap(from, true))
                    .values()
                    .iterator();
            return new PrimitiveIterator.OfInt() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public int nextInt() {
                    return it.next();
                }
            };
        }
        int n = s.count;
        int start = 0;
        if (from != null) {
            int p = Arrays.binarySearch(s.ids, 0, n, from);
            start = p >= 0 ? p : -p - 1;
        }
        int first = start;
        return new PrimitiveIterator.OfInt() {
            int next = advance(first);

            private int advance(int o) {
                while (o < n && !s.isLive(o)) {
                    o++;
                }
                return o;
            }

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public int nextInt() {
                if (next >= n) {
                    throw new NoSuchElementException();
                }
                int o = next;
                next = advance(o + 1);
                return o;
            }
        };
    }
}
