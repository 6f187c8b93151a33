package io.sextant.segment.index;

import org.roaringbitmap.RoaringBitmap;

/**
 * A filter compiled for one segment by {@link FieldIndexSet#compile}: answers over segment-local
 * offsets. Immutable once compiled; safe to use from several threads when the {@code pointAt}
 * function it was compiled with is.
 */
public interface OffsetFilter {

    /** Whether the live point at {@code offset} matches (exact). */
    boolean test(int offset);

    /** Cardinality estimate of the matching live offsets; an upper bound. */
    long estimate();

    /** The exact matching live offsets when cheaply known from indexes, else null. Callers must not mutate it. */
    RoaringBitmap exactOrNull();
}
