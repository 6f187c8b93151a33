package io.sextant.segment.filter;

import io.sextant.segment.PointId;
import java.util.List;
import java.util.Set;

/**
 * One condition of a {@link Filter}, mirroring Qdrant's condition kinds. Payload keys use Qdrant's
 * path syntax: {@code a.b} for nested objects, {@code a[].b} for every element of an array,
 * {@code a[2]} for one element. All records are immutable.
 */
public sealed interface Condition {

    /** {@code {"key": k, "match": …}}. */
    record MatchCondition(String key, Match match) implements Condition {}

    /**
     * {@code {"key": k, "range": …}} on numbers, or on RFC 3339 datetimes when {@code datetime} is
     * true (bounds are then epoch microseconds, UTC). Null bounds are absent.
     */
    record RangeCondition(String key, Double gt, Double gte, Double lt, Double lte, boolean datetime)
            implements Condition {}

    /** {@code geo_bounding_box}: top-left and bottom-right corners. */
    record GeoBoundingBoxCondition(String key, GeoPoint topLeft, GeoPoint bottomRight) implements Condition {}

    /** {@code geo_radius}: within {@code radiusMeters} of {@code center}. */
    record GeoRadiusCondition(String key, GeoPoint center, double radiusMeters) implements Condition {}

    /** {@code geo_polygon}: inside {@code exterior} and outside every interior ring. */
    record GeoPolygonCondition(String key, List<GeoPoint> exterior, List<List<GeoPoint>> interiors)
            implements Condition {}

    /** {@code values_count}: number of values at {@code key}; null bounds are absent. */
    record ValuesCountCondition(String key, Long gt, Long gte, Long lt, Long lte) implements Condition {}

    /** {@code is_empty}: the key is missing, null, or an empty array. */
    record IsEmptyCondition(String key) implements Condition {}

    /** {@code is_null}: the key exists and is null. */
    record IsNullCondition(String key) implements Condition {}

    /** {@code has_id}: the point's id is one of {@code ids}. */
    record HasIdCondition(Set<PointId> ids) implements Condition {}

    /**
     * Qdrant's {@code slice}: the points whose id hashes to slot {@code index} of {@code total}
     * disjoint slots covering every point (a stable hash of the id, the same on every shard and
     * run), for splitting a scan over workers.
     */
    record SliceCondition(int total, int index) implements Condition {
        public SliceCondition {
            if (total < 1 || index < 0 || index >= total) {
                throw new IllegalArgumentException(
                        "slice index must be in [0, total), total >= 1; got index " + index + ", total " + total);
            }
        }

        /** Whether {@code id} falls in this slice. */
        public boolean contains(PointId id) {
            long h =
                    switch (id) {
                        case PointId.Num n -> mix(n.value());
                        case PointId.Uuid u ->
                            mix(u.value().getMostSignificantBits()
                                    ^ mix(u.value().getLeastSignificantBits()));
                    };
            return Long.remainderUnsigned(h, total) == index;
        }

        /** SplitMix64's finalizer: spreads consecutive ids evenly over the slots. */
        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }
    }

    /** {@code has_vector}: the point has the named vector ("" is the unnamed default vector). */
    record HasVectorCondition(String vectorName) implements Condition {}

    /**
     * {@code nested}: some element of the array at {@code key} satisfies {@code filter} as a whole,
     * with keys inside {@code filter} relative to the element.
     */
    record NestedCondition(String key, Filter filter) implements Condition {}

    /** A nested {@link Filter} used as a condition. */
    record FilterCondition(Filter filter) implements Condition {}

    /** A geographic point in degrees. */
    record GeoPoint(double lon, double lat) {
        public GeoPoint {
            if (lon < -180 || lon > 180 || lat < -90 || lat > 90 || Double.isNaN(lon) || Double.isNaN(lat)) {
                throw new IllegalArgumentException("Geo point out of range: lon " + lon
                        + " must be in [-180, 180], lat " + lat + " must be in [-90, 90]");
            }
        }
    }
}
