package io.sextant.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cached REST response meters record what registering them per request recorded. */
class RestResponseMetersTest {

    private static final String ROUTE = "/collections/{collection_name}/points/query";

    private final PrometheusMeterRegistry global = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PrometheusMeterRegistry perCollection = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RestResponseMeters meters =
            new RestResponseMeters(global, perCollection, new Duration[] {Duration.ofMillis(1), Duration.ofMillis(5)});

    private static double count(PrometheusMeterRegistry r, String status, String collection) {
        var search = r.find("rest_responses").tag("status", status);
        if (collection != null) {
            search = search.tag("collection", collection);
        }
        var c = search.counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void countsAndTimesPerMethodRouteStatusAndCollection() {
        meters.of("POST", ROUTE, 200, "a").record(2_000_000);
        meters.of("POST", ROUTE, 200, "a").record(3_000_000);
        meters.of("POST", ROUTE, 404, null).record(1_000);
        assertThat(meters.of("POST", ROUTE, 200, "a")).isSameAs(meters.of("POST", ROUTE, 200, "a"));
        assertThat(count(global, "200", null)).isEqualTo(2);
        assertThat(count(global, "404", null)).isEqualTo(1);
        assertThat(count(perCollection, "200", "a")).isEqualTo(2);
        assertThat(count(perCollection, "404", null)).isZero(); // no collection: global figures only
        var t = global.find("rest_responses_duration").tag("status", "200").timer();
        assertThat(t.count()).isEqualTo(2);
        assertThat(t.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(5.0);
        assertThat(global.scrape()).contains("le=\"0.005\"");
        assertThat(meters.of("POST", ROUTE, 200, "a").respondedKey()).isEqualTo("POST " + ROUTE + " 200");
    }

    @Test
    void aDeletedCollectionsMetersAreRegisteredAgainWhenItComesBack() {
        meters.of("POST", ROUTE, 200, "a").record(1_000);
        meters.of("POST", ROUTE, 200, "b").record(1_000);
        // what ServerMetrics does at scrape time once "a" is gone
        for (Meter m : perCollection.getMeters()) {
            if ("a".equals(m.getId().getTag("collection"))) {
                perCollection.remove(m);
            }
        }
        meters.forgetCollectionsOtherThan(Set.of("b"));
        meters.of("POST", ROUTE, 200, "a").record(1_000); // "a" created again
        meters.of("POST", ROUTE, 200, "b").record(1_000);
        assertThat(count(perCollection, "200", "a")).isEqualTo(1);
        assertThat(count(perCollection, "200", "b")).isEqualTo(2);
        assertThat(count(global, "200", null)).isEqualTo(4);
    }
}
