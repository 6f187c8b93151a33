package io.sextant.server.metrics;

import io.javalin.config.JavalinConfig;
import io.sextant.collection.TableOfContents;
import io.sextant.server.audit.AuditLog;
import io.sextant.server.config.ServerConfig;
import io.sextant.server.telemetry.TelemetryRoutes;
import io.sextant.server.tls.ReloadingTls;
import java.util.function.Consumer;

/**
 * The operational features of the REST listener, installed into Javalin's configuration in one
 * step ({@link #accept}): metrics ({@code /metrics}), telemetry ({@code /telemetry}), the request
 * observer (metrics per route, audit log, slow-request log), TLS (the listener becomes HTTPS,
 * with mutual TLS and certificate reload, when {@code service.enable_tls} is set) and CORS ({@link
 * io.sextant.server.api.rest.CorsHandler} in front of the routes when {@code service.enable_cors}). Owns the audit
 * log file and the TLS reload thread, released by {@link #close()}. Thread-safe after
 * construction.
 */
public final class RestOperations implements Consumer<JavalinConfig>, AutoCloseable {

    private final ServerMetrics metrics;
    private final AuditLog audit;
    private final ReloadingTls tls;
    private final RequestObserver observer;
    private final TelemetryRoutes telemetry;
    private final String host;
    private final int port;
    private final boolean cors;

    /**
     * @param config the server configuration (security section, host and port)
     * @param toc the collections, for gauges and telemetry
     * @param version the Sextant version
     * @param qdrantVersion the Qdrant API version served
     */
    public RestOperations(ServerConfig config, TableOfContents toc, String version, String qdrantVersion) {
        this.metrics = new ServerMetrics(toc, version, qdrantVersion);
        this.audit = config.security().audit().enabled()
                ? new AuditLog(config.security().audit())
                : null;
        try {
            this.tls = config.security().tls().enabled()
                    ? new ReloadingTls(config.security().tls())
                    : null;
        } catch (RuntimeException e) {
            if (audit != null) {
                audit.close();
            }
            throw e;
        }
        this.observer = new RequestObserver(metrics, audit, config.security().slowRequestThreshold());
        this.telemetry = new TelemetryRoutes(toc, metrics, version, qdrantVersion);
        this.host = config.service().host();
        this.port = config.service().httpPort();
        this.cors = config.service().enableCors();
    }

    /** The telemetry routes ({@code GET /telemetry}). */
    public TelemetryRoutes telemetry() {
        return telemetry;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** Whether the listener speaks HTTPS. */
    public boolean tls() {
        return tls != null;
    }

    @Override
    public void accept(JavalinConfig config) {
        config.routes.after(observer);
        config.jetty.modifyServer(
                server -> io.sextant.server.api.rest.RestServer.observeFastPath(server, observer::record));
        new MetricsRoutes(metrics).register(config.routes);
        telemetry.register(config.routes);
        if (cors) {
            // runs after RestServer's own server modification, so the root is its GracefulHandler;
            // Javalin attaches its servlet context to the innermost wrapper, i.e. behind this one
            config.jetty.modifyServer(server -> {
                var cors = new io.sextant.server.api.rest.CorsHandler();
                if (server.getHandler() instanceof org.eclipse.jetty.server.Handler.Wrapper root) {
                    cors.setHandler(root.getHandler());
                    root.setHandler(cors);
                } else {
                    cors.setHandler(server.getHandler());
                    server.setHandler(cors);
                }
            });
        }
        if (tls != null) {
            config.jetty.addConnector((server, http) -> tls.connector(server, http, host, port));
        }
    }

    @Override
    public void close() {
        if (tls != null) {
            tls.close();
        }
        if (audit != null) {
            audit.close();
        }
    }
}
