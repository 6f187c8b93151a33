package io.sextant.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Whether one resource of a soak run stays flat: the average of the first window of the load
 * against the average of the last window, and the least-squares slope per hour (over the whole
 * load, and after the first window, i.e. without the warm-up). The resource is "flat" when both
 * the first-to-last growth and the after-warm-up slope per hour are within {@code tolerance} =
 * max({@code relative} x first average, {@code absolute}); a decrease is flat. Immutable.
 *
 * @param name what was measured, with its unit
 * @param firstAvg average over samples with 0 < t <= window
 * @param lastAvg average over samples with end - window < t <= end
 * @param slopePerHour least-squares slope over all samples with t > 0, per hour
 * @param slopeAfterWarmupPerHour least-squares slope over samples with t > window, per hour
 * @param tolerance allowed growth, in the unit of the resource
 * @param flat the verdict
 */
record Trend(
        String name,
        double firstAvg,
        double lastAvg,
        double slopePerHour,
        double slopeAfterWarmupPerHour,
        double tolerance,
        boolean flat) {

    /**
     * The trend of {@code value} over {@code samples} (ordered by time; unread values, -1, left
     * out), scaled by {@code scale} (e.g. 1/MiB), compared over first and last {@code
     * windowSeconds}.
     */
    static Trend of(
            String name,
            List<ResourceSample> samples,
            ToLongFunction<ResourceSample> value,
            double scale,
            long windowSeconds,
            double relative,
            double absolute) {
        if (windowSeconds <= 0) {
            throw new IllegalArgumentException("window must be positive, got " + windowSeconds + " s");
        }
        List<double[]> pts = new ArrayList<>();
        for (ResourceSample s : samples) {
            long v = value.applyAsLong(s);
            if (s.atSeconds() > 0 && v >= 0) {
                pts.add(new double[] {s.atSeconds(), v * scale});
            }
        }
        if (pts.isEmpty()) {
            return new Trend(name, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false);
        }
        double end = pts.getLast()[0];
        double first = mean(pts.stream().filter(p -> p[0] <= windowSeconds).toList());
        double last = mean(pts.stream().filter(p -> p[0] > end - windowSeconds).toList());
        double slope = slope(pts) * 3600;
        List<double[]> settled = pts.stream().filter(p -> p[0] > windowSeconds).toList();
        double settledSlope = settled.size() >= 3 ? slope(settled) * 3600 : slope;
        double tolerance = Math.max(relative * first, absolute);
        boolean flat = last - first <= tolerance && settledSlope <= tolerance;
        return new Trend(name, first, last, slope, settledSlope, tolerance, flat);
    }

    static double mean(List<double[]> pts) {
        return pts.stream().mapToDouble(p -> p[1]).average().orElse(Double.NaN);
    }

    /** Least-squares slope of y over x, in y units per x unit; 0 for fewer than two distinct x. */
    static double slope(List<double[]> pts) {
        double mx = pts.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = mean(pts);
        double sxy = 0;
        double sxx = 0;
        for (double[] p : pts) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }
}
