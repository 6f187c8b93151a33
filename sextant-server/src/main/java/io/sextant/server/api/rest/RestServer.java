package io.sextant.server.api.rest;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.sextant.cluster.replica.RequestGuarantees;
import io.sextant.collection.TableOfContents;
import io.sextant.server.auth.AccessControl;
import io.sextant.server.auth.RestAccessRules;
import io.sextant.server.auth.RestAuthHandler;
import io.sextant.server.cluster.MetadataExecutor;
import io.sextant.server.cluster.MetadataGate;
import io.sextant.server.issues.IssueBoard;
import io.sextant.shard.ThreadSlice;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * The Qdrant-compatible REST API on Javalin 7 / Jetty 12, on the threads of {@link RestThreads}. {@link #stop()} is
 * graceful: Jetty stops accepting connections and waits (up to the drain timeout) for in-flight
 * requests to finish before closing them. Thread-safe; start and stop once.
 */
public final class RestServer implements AutoCloseable {

    /** How long {@link #stop()} waits for in-flight requests. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

    /** The Sextant version served by {@code GET /}. */
    public static final String SEXTANT_VERSION = ServiceRoutes.SEXTANT_VERSION;

    /** The Qdrant API version implemented. */
    public static final String QDRANT_VERSION = ServiceRoutes.QDRANT_VERSION;

    private final Javalin app;
    private final String host;
    private final int port;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final FastReads fast;

    /**
     * @param toc the collections served
     * @param host address to bind
     * @param port port to bind (0 picks a free one; see {@link #port()})
     * @param maxBodyBytes larger request bodies are refused with 413
     * @param extraRoutes more route registrations (snapshot routes, ...)
     */
    public RestServer(TableOfContents toc, String host, int port, long maxBodyBytes) {
        this(toc, host, port, maxBodyBytes, AccessControl.open());
    }

    /**
     * @param access authentication; every request but the open ones ({@link RestAccessRules}) is
     *     authenticated and authorized before its handler runs
     */
    public RestServer(
            TableOfContents toc,
            String host,
            int port,
            long maxBodyBytes,
            AccessControl access,
            java.util.function.Consumer<io.javalin.config.RoutesConfig>... extraRoutes) {
        this(toc, host, port, maxBodyBytes, access, config -> {}, extraRoutes);
    }

    /**
     * @param operations installs metrics, telemetry, audit and TLS (see {@code
     *     io.sextant.server.metrics.RestOperations}); runs after authentication is installed
     */
    @SafeVarargs
    public RestServer(
            TableOfContents toc,
            String host,
            int port,
            long maxBodyBytes,
            AccessControl access,
            Consumer<JavalinConfig> operations,
            java.util.function.Consumer<io.javalin.config.RoutesConfig>... extraRoutes) {
        this(toc, null, new IssueBoard(toc), host, port, maxBodyBytes, access, operations, extraRoutes);
    }

    /**
     * @param metadata where collection-level changes go; null executes them on {@code toc}
     *     (standalone)
     * @param issues the node's issue board ({@code /issues}), shared with gRPC
     */
    @SafeVarargs
    public RestServer(
            TableOfContents toc,
            MetadataGate metadata,
            IssueBoard issues,
            String host,
            int port,
            long maxBodyBytes,
            AccessControl access,
            Consumer<JavalinConfig> operations,
            java.util.function.Consumer<io.javalin.config.RoutesConfig>... extraRoutes) {
        MetadataGate gate = metadata != null ? metadata : MetadataGate.local(new MetadataExecutor(toc));
        this.host = host;
        this.port = port;
        ApiExchange io = new ApiExchange(maxBodyBytes);
        RestAuthHandler auth =
                new RestAuthHandler(access, n -> toc.exists(n) ? toc.get(n).name() : n);
        SearchRoutes search = new SearchRoutes(toc, io, issues);
        this.fast = FastReads.enabled() ? new FastReads(search, io, auth) : null;
        this.app = Javalin.create(config -> {
            RestThreads.configure(config);
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = maxBodyBytes;
            config.router.ignoreTrailingSlashes = true;
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(DRAIN_TIMEOUT.toMillis());
                GracefulHandler graceful = new GracefulHandler();
                if (fast != null) { // Javalin attaches its servlet behind the innermost wrapper
                    fast.compression(config.http.compressionStrategy);
                    graceful.setHandler(fast);
                }
                server.setHandler(graceful);
            });
            config.routes.before(ctx -> ctx.attribute(ApiExchange.START_NANOS, System.nanoTime()));
            // a request thread: the short scheduler slice (io.sextant.shard.ThreadSlice), once per thread
            config.routes.before(ctx -> ThreadSlice.shortenCurrent());
            // handler threads are pooled (RestThreads): a request never inherits a binding that an
            // earlier one on the same thread left behind, even if that one's after-handlers failed
            config.routes.before(ctx -> RequestGuarantees.clear());
            config.routes.before(ApiExchange::checkCollectionNameInPath);
            config.routes.before(auth);
            operations.accept(config);
            config.routes.exception(Exception.class, ErrorMapper::handle);
            config.router.javaLangErrorHandler(ErrorMapper::handleError);
            // Error replies (401, 404, 400 …) can be written before the body was read; drain it so the
            // connection is not reset under a client that is still sending, which would lose the reply.
            config.routes.after(io::drainUnreadBody);
            config.routes.after(ctx -> RequestGuarantees.clear());
            new ServiceRoutes(ready::get).register(config.routes);
            new DashboardRoutes().register(config.routes);
            new IssuesRoutes(issues).register(config.routes);
            new QualityRoutes(toc).register(config.routes);
            new CollectionRoutes(toc, io, gate).register(config.routes);
            new ShardKeyRoutes(toc, io, gate).register(config.routes);
            new PointRoutes(toc, io, issues).register(config.routes);
            search.register(config.routes);
            new AnalyticsRoutes(toc, io).register(config.routes);
            for (var extra : extraRoutes) { // feature routes (snapshots, ...)
                extra.accept(config.routes);
            }
        });
    }

    /**
     * Sends the requests the REST fast path serves (see {@code FastReads}) to {@code observer} as
     * well: for an operations installer that observes Javalin's requests with an after-hook. Call
     * from a {@code config.jetty.modifyServer} step; nothing happens when the fast path is off.
     */
    public static void observeFastPath(org.eclipse.jetty.server.Server server, Consumer<FinishedRequest> observer) {
        FastReads fast = server.getDescendant(FastReads.class);
        if (fast != null) {
            fast.observer(observer);
        }
    }

    /** Requests the fast path served so far (tests); -1 when it is off. */
    public long fastPathServed() {
        return fast == null ? -1 : fast.served();
    }

    public RestServer start() {
        app.start(host, port);
        ready.set(true);
        return this;
    }

    /** The bound port. */
    public int port() {
        return app.port();
    }

    /** Stops accepting, drains in-flight requests, then stops Jetty. */
    public void stop() {
        ready.set(false);
        app.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
