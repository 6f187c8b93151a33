package io.sextant.segment.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Condition.GeoBoundingBoxCondition;
import io.sextant.segment.filter.Condition.GeoPoint;
import io.sextant.segment.filter.Condition.GeoPolygonCondition;
import io.sextant.segment.filter.Condition.GeoRadiusCondition;
import io.sextant.segment.filter.ValueMatchers;
import io.sextant.segment.payload.PayloadValues;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.roaringbitmap.RoaringBitmap;

/**
 * Geo index: the parsed points of each offset in a dense array, answering {@code geo_radius},
 * {@code geo_bounding_box} and {@code geo_polygon} exactly by scanning the offsets that have
 * points (no payload parsing at query time; a spatial grid can replace the scan without changing
 * results). Not thread-safe; see {@link FieldIndex}.
 */
final class GeoFieldIndex extends FieldIndex {
    private final ArrayList<GeoPoint[]> perOffset = new ArrayList<>();

    GeoFieldIndex(PayloadIndexSpec spec) {
        super(spec);
    }

    @Override
    void removeValues(int offset) {
        perOffset.set(offset, null);
    }

    @Override
    boolean addValues(int offset, List<JsonNode> values) {
        GeoPoint[] points = new GeoPoint[values.size()];
        for (int i = 0; i < points.length; i++) {
            points[i] = PayloadValues.asGeoPoint(values.get(i));
        }
        ensureSize(perOffset, offset);
        perOffset.set(offset, points);
        return true;
    }

    @Override
    RoaringBitmap answer(Condition condition) {
        return switch (condition) {
            case GeoRadiusCondition c -> scan(p -> ValueMatchers.inRadius(p, c));
            case GeoBoundingBoxCondition c -> scan(p -> ValueMatchers.inBox(p, c));
            case GeoPolygonCondition c -> scan(p -> ValueMatchers.inPolygon(p, c));
            default -> null;
        };
    }

    private RoaringBitmap scan(Predicate<GeoPoint> test) {
        RoaringBitmap result = new RoaringBitmap();
        withValues.forEach((int offset) -> {
            for (GeoPoint p : perOffset.get(offset)) {
                if (test.test(p)) {
                    result.add(offset);
                    return;
                }
            }
        });
        return result;
    }
}
