package io.sextant.server.metrics;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.router.Endpoint;
import io.sextant.server.api.rest.FinishedRequest;
import io.sextant.server.audit.AuditLog;
import io.sextant.server.auth.Principal;
import io.sextant.server.auth.RestAccessRules;
import io.sextant.server.auth.RestAuthHandler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST "after" hook: records every finished request in {@link ServerMetrics} (by route
 * template, never by raw path), writes the audit events (every write and manage request, every 401
 * and 403) when the audit log is on, and logs requests slower than the threshold with their shape
 * only: method, route, collection, status, duration and body size, never the body (vectors and
 * payloads stay out of logs). Thread-safe.
 */
public final class RequestObserver implements Handler {

    private static final Logger SLOW = LoggerFactory.getLogger("io.sextant.server.slow");

    /** Context attribute with the start time in {@link System#nanoTime()} (set by the REST server). */
    public static final String START_NANOS = "sextant.start";

    private final ServerMetrics metrics;
    private final AuditLog audit;
    private final long slowNanos;

    /**
     * @param metrics where requests are counted
     * @param audit the audit log, or null when off
     * @param slowThreshold requests taking at least this long are logged; zero logs every request
     *     (a debugging mode); a very large value turns the log off
     */
    public RequestObserver(ServerMetrics metrics, AuditLog audit, Duration slowThreshold) {
        this.metrics = metrics;
        this.audit = audit;
        this.slowNanos = slowThreshold.toNanos();
    }

    @Override
    public void handle(Context ctx) {
        Long start = ctx.attribute(START_NANOS);
        long nanos = start == null ? 0 : System.nanoTime() - start;
        Endpoint ep = ctx.endpoints().matchedHttpEndpoint();
        String route = ep == null ? "unmatched" : ep.path;
        String method = ctx.method().name();
        int status = ctx.statusCode();
        RestAccessRules.Requirement req = ctx.attribute(RestAuthHandler.REQUIREMENT);
        String collection = ctx.pathParamMap().get("collection_name");
        Principal p = ctx.attribute(RestAuthHandler.PRINCIPAL);
        record(new FinishedRequest(
                method,
                route,
                status,
                nanos,
                collection,
                req,
                p,
                ctx.ip(),
                ctx.req().getContentLengthLong()));
    }

    /** Records a finished request: metrics, audit events and the slow-request log. */
    public void record(FinishedRequest f) {
        String method = f.method();
        String route = f.route();
        int status = f.status();
        long nanos = f.nanos();
        String collection = f.collection();
        RestAccessRules.Requirement req = f.requirement();
        metrics.recordRest(method, route, status, nanos, collection);
        if (status < 400 && collection != null && isSearch(route)) {
            metrics.recordSearch(collection, nanos);
        }
        if (audit != null && (status == 401 || status == 403 || (req != null && req.isWrite()))) {
            Principal p = f.principal();
            String who = p != null ? p.name() : status == 401 ? "unauthenticated" : "anonymous";
            String outcome = status == 401 || status == 403 ? "denied" : status < 400 ? "ok" : "failed";
            audit.record(new AuditLog.Event(who, method + " " + route, collection, outcome, status, f.ip()));
        }
        if (nanos >= slowNanos) {
            metrics.recordSlowRequest();
            SLOW.atWarn()
                    .addKeyValue("method", method)
                    .addKeyValue("endpoint", route)
                    .addKeyValue("collection", collection)
                    .addKeyValue("status", status)
                    .addKeyValue("duration_ms", nanos / 1_000_000)
                    .addKeyValue("request_bytes", Math.max(0, f.requestBytes()))
                    .log("Slow request: {} {} took {} ms (status {})", method, route, nanos / 1_000_000, status);
        }
    }

    private static boolean isSearch(String route) {
        return route.contains("/points/search")
                || route.contains("/points/query")
                || route.contains("/points/recommend")
                || route.contains("/points/discover");
    }
}
