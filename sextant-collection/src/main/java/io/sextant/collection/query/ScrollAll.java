package io.sextant.collection.query;

import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.ScrollPage;
import io.sextant.shard.ScrollRequest;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Visits every point matching a filter, in id order, page by page (without vectors), so callers
 * that aggregate over points hold one page at a time. Stateless and thread-safe.
 */
public final class ScrollAll {
    /** Points per scroll page. */
    public static final int PAGE = 1_000;

    private ScrollAll() {}

    public static void forEach(
            Function<ScrollRequest, ScrollPage> scroll,
            Filter filter,
            PayloadSelector withPayload,
            Consumer<PointRecord> each) {
        PointId offset = null;
        do {
            ScrollPage page =
                    scroll.apply(new ScrollRequest(filter, PAGE, offset, null, withPayload, VectorSelector.NONE));
            page.points().forEach(each);
            offset = page.nextOffset();
        } while (offset != null);
    }
}
