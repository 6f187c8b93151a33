package io.sextant.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters one finished REST request updates ({@code rest_responses_total} and {@code
 * rest_responses_duration_seconds}, globally and per collection), looked up once per (method, route
 * template, status, collection) and kept: registering through Micrometer's builders on every
 * request (sorting the tags, building the meter id, looking it up in the registry) cost more CPU
 * than the updates themselves under search load ({@code docs/server-path.md}). The keys are as
 * bounded as the registries' meters: route templates, never raw paths, and only collections that
 * exist. {@link #forgetCollectionsOtherThan} drops the entries of deleted collections when their
 * meters leave the per-collection registry. Thread-safe.
 */
final class RestResponseMeters {

    private record Key(String method, String endpoint, int status, String collection) {}

    /**
     * The meters of one key.
     *
     * @param perCollection null when the request named no existing collection
     * @param respondedKey the key of {@link ServerMetrics#lastResponded} for this method, route and status
     */
    record Meters(
            Counter count, Timer duration, Counter perCollection, Timer perCollectionDuration, String respondedKey) {

        void record(long nanos) {
            count.increment();
            duration.record(nanos, TimeUnit.NANOSECONDS);
            if (perCollection != null) {
                perCollection.increment();
                perCollectionDuration.record(nanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    private final PrometheusMeterRegistry global;
    private final PrometheusMeterRegistry perCollection;
    private final Duration[] slo;
    private final ConcurrentHashMap<Key, Meters> meters = new ConcurrentHashMap<>();

    RestResponseMeters(PrometheusMeterRegistry global, PrometheusMeterRegistry perCollection, Duration[] slo) {
        this.global = global;
        this.perCollection = perCollection;
        this.slo = slo.clone();
    }

    /** The meters of a response; {@code collection} is an existing collection's name or null. */
    Meters of(String method, String endpoint, int status, String collection) {
        Key key = new Key(method, endpoint, status, collection);
        Meters m = meters.get(key);
        return m != null ? m : meters.computeIfAbsent(key, this::register);
    }

    /** Forgets the meters of collections not in {@code live} (they were deleted). */
    void forgetCollectionsOtherThan(Set<String> live) {
        meters.keySet().removeIf(k -> k.collection() != null && !live.contains(k.collection()));
    }

    private Meters register(Key k) {
        Tags tags = Tags.of("method", k.method(), "endpoint", k.endpoint(), "status", Integer.toString(k.status()));
        Counter perCount = null;
        Timer perDuration = null;
        if (k.collection() != null) {
            Tags t = tags.and("collection", k.collection());
            perCount = counter(perCollection, t);
            perDuration = timer(perCollection, t);
        }
        return new Meters(
                counter(global, tags),
                timer(global, tags),
                perCount,
                perDuration,
                k.method() + " " + k.endpoint() + " " + k.status());
    }

    private static Counter counter(PrometheusMeterRegistry into, Tags tags) {
        return Counter.builder("rest_responses")
                .description("REST responses")
                .tags(tags)
                .register(into);
    }

    private Timer timer(PrometheusMeterRegistry into, Tags tags) {
        return Timer.builder("rest_responses_duration")
                .description("REST response duration")
                .tags(tags)
                .serviceLevelObjectives(slo)
                .register(into);
    }
}
