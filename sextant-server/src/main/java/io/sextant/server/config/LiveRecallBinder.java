package io.sextant.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.collection.quality.LiveRecall;

/**
 * Binds {@code quality.live_recall.*} (Sextant's own keys) to {@link LiveRecall.Settings}: {@code
 * sample_rate} (share of approximate searches re-run exactly, default 0.01; 0 turns sampling off),
 * {@code window} (samples per vector name, 200), {@code cpu_budget} (share of one core, 0.01),
 * {@code threshold} (recall under which {@code /issues} and the metric report the collection, 0.9)
 * and {@code min_samples} (20). Numbers may be given as text (environment variables). Stateless.
 */
final class LiveRecallBinder {
    private LiveRecallBinder() {}

    static LiveRecall.Settings bind(JsonNode tree) {
        JsonNode lr = tree.path("quality").path("live_recall");
        LiveRecall.Settings d = LiveRecall.Settings.DEFAULT;
        if (!lr.isObject()) {
            return d;
        }
        return new LiveRecall.Settings(
                number(lr, "sample_rate", d.sampleRate()),
                (int) number(lr, "window", d.window()),
                number(lr, "cpu_budget", d.cpuBudget()),
                number(lr, "threshold", d.threshold()),
                (int) number(lr, "min_samples", d.minSamples()));
    }

    private static double number(JsonNode section, String key, double fallback) {
        JsonNode n = section.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            try {
                return Double.parseDouble(n.asText().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("Config key quality.live_recall." + key + " must be a number, got " + n);
    }
}
