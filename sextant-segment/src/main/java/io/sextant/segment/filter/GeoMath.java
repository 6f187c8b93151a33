package io.sextant.segment.filter;

import io.sextant.segment.filter.Condition.GeoPoint;
import java.util.List;

/**
 * Geographic predicates used by the geo conditions: haversine distance on a sphere of the mean
 * Earth radius, bounding boxes that may cross the antimeridian, and even-odd point-in-polygon.
 * Stateless and thread-safe.
 */
public final class GeoMath {
    /** Mean Earth radius in meters (IUGG). */
    public static final double EARTH_RADIUS_M = 6_371_008.8;

    private GeoMath() {}

    /** Great-circle distance in meters. */
    public static double haversineMeters(GeoPoint a, GeoPoint b) {
        double lat1 = Math.toRadians(a.lat());
        double lat2 = Math.toRadians(b.lat());
        double dLat = lat2 - lat1;
        double dLon = Math.toRadians(b.lon() - a.lon());
        double h = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    /** Whether {@code p} is within {@code radius} meters of {@code center} (inclusive). */
    public static boolean inRadius(GeoPoint p, GeoPoint center, double radius) {
        return haversineMeters(p, center) <= radius;
    }

    /**
     * Whether {@code p} is inside the box (edges inclusive). When {@code topLeft.lon >
     * bottomRight.lon} the box crosses the antimeridian.
     */
    public static boolean inBox(GeoPoint p, GeoPoint topLeft, GeoPoint bottomRight) {
        if (p.lat() > topLeft.lat() || p.lat() < bottomRight.lat()) {
            return false;
        }
        if (topLeft.lon() <= bottomRight.lon()) {
            return p.lon() >= topLeft.lon() && p.lon() <= bottomRight.lon();
        }
        return p.lon() >= topLeft.lon() || p.lon() <= bottomRight.lon();
    }

    /** Whether {@code p} is inside {@code exterior} and not strictly inside any interior ring. */
    public static boolean inPolygon(GeoPoint p, List<GeoPoint> exterior, List<List<GeoPoint>> interiors) {
        if (!inRing(p, exterior)) {
            return false;
        }
        if (interiors != null) {
            for (List<GeoPoint> hole : interiors) {
                if (inRing(p, hole)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Even-odd ray casting in the lon/lat plane; the ring may or may not repeat its first point. */
    static boolean inRing(GeoPoint p, List<GeoPoint> ring) {
        boolean inside = false;
        int n = ring.size();
        for (int i = 0, j = n - 1; i < n; j = i++) {
            GeoPoint a = ring.get(i);
            GeoPoint b = ring.get(j);
            if ((a.lat() > p.lat()) != (b.lat() > p.lat())) {
                double x = (b.lon() - a.lon()) * (p.lat() - a.lat()) / (b.lat() - a.lat()) + a.lon();
                if (p.lon() < x) {
                    inside = !inside;
                }
            }
        }
        return inside;
    }
}
