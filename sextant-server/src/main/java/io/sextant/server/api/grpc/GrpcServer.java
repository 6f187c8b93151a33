package io.sextant.server.api.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.snapshot.SnapshotService;
import io.sextant.segment.error.ServiceException;
import io.sextant.server.auth.AccessControl;
import io.sextant.server.config.SecurityConfig;
import io.sextant.server.issues.IssueBoard;
import io.sextant.server.tls.ReloadingKeyManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Qdrant's gRPC API on grpc-java (Netty): {@code qdrant.Qdrant}, {@code qdrant.Collections},
 * {@code qdrant.Points}, {@code qdrant.Snapshots}, the standard {@code grpc.health.v1.Health}
 * ({@link GrpcHealthEndpoint}) and server reflection. Handlers run on the executor of
 * {@link GrpcExecutors}, except the standalone node's searches and point reads, which run on the
 * Netty event loop ({@link EventLoopReads}); every Qdrant service call passes {@link GrpcAuthInterceptor} (API keys and JWT, the
 * rules of REST); request messages larger than {@code service.max_request_size_mb} are refused with
 * {@code RESOURCE_EXHAUSTED}; with {@code service.enable_tls} the listener speaks TLS only, with the
 * REST listener's certificate (and mutual TLS when configured). gzip: see {@link GzipResponses}. {@link #stop()} marks the health
 * service NOT_SERVING, stops accepting calls and waits (up to the drain timeout) for in-flight
 * ones. Thread-safe; start and stop once.
 */
public final class GrpcServer implements AutoCloseable {

    /** How long {@link #stop()} waits for in-flight calls. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

    private static final List<String> QDRANT_SERVICES =
            List.of("qdrant.Qdrant", "qdrant.Collections", "qdrant.Points", "qdrant.Snapshots");

    private final Server server;
    private final GrpcHealthEndpoint health = new GrpcHealthEndpoint(java.util.Set.copyOf(QDRANT_SERVICES));
    private final ExecutorService executor = GrpcExecutors.create();

    private final ReloadingKeyManager keyManager;

    /**
     * @param toc the collections served
     * @param snapshots the node's snapshot service
     * @param host address to bind
     * @param port port to bind (0 picks a free one; see {@link #port()})
     * @param maxMessageBytes largest accepted request message
     * @param access authentication and authorization, shared with REST
     * @param tls {@code service.enable_tls} and {@code tls.*}, shared with REST
     * @param rules {@code storage.max_collections} and the node's defaults, applied by {@code
     *     Collections/Create}
     * @param issues the node's issue board ({@code /issues}), shared with REST
     * @param cluster in cluster mode the metadata log, through which collection, alias and payload
     *     index changes go (as REST's); null on a standalone node
     */
    public GrpcServer(
            TableOfContents toc,
            SnapshotService snapshots,
            String host,
            int port,
            long maxMessageBytes,
            AccessControl access,
            SecurityConfig.Tls tls,
            io.sextant.server.api.NewCollectionRules rules,
            IssueBoard issues,
            io.sextant.server.cluster.MetadataGate cluster) {
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .directExecutor() // the default for calls EventLoopReads keeps on the event loop
                .callExecutor(EventLoopReads.create(executor, cluster == null))
                .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, maxMessageBytes));
        List<ServerInterceptor> interceptors = List.of(
                new GrpcAuthInterceptor(access, n -> toc.exists(n) ? toc.get(n).name() : n));
        for (BindableService s : List.of(
                new QdrantHealthEndpoint(),
                new CollectionsEndpoint(toc, rules, cluster),
                new PointsEndpoint(toc, issues, cluster),
                new SnapshotsEndpoint(snapshots))) {
            b.addService(intercept(s.bindService(), interceptors));
        }
        b.addService(health);
        b.addService(ProtoReflectionServiceV1.newInstance());
        if (tls.enabled()) {
            keyManager = new ReloadingKeyManager(tls);
            b.sslContext(sslContext(tls, keyManager));
        } else {
            keyManager = null;
        }
        this.server = b.build();
    }

    /**
     * The server TLS context from the PEM files (PKCS#8 key), with client certificates required
     * when {@code service.verify_https_client_certificate} is set. The certificate and key are
     * re-read when their files change ({@link ReloadingKeyManager}); the CA file is read at start.
     */
    private static SslContext sslContext(SecurityConfig.Tls tls, ReloadingKeyManager keyManager) {
        try {
            SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(keyManager));
            if (tls.caCert() != null) {
                ssl.trustManager(tls.caCert().toFile());
            }
            if (tls.verifyClientCertificate()) {
                ssl.clientAuth(ClientAuth.REQUIRE);
            }
            return ssl.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ServiceException(
                    "Cannot load the TLS certificate for gRPC from " + tls.cert() + ": " + e.getMessage(), e);
        }
    }

    private static ServerServiceDefinition intercept(ServerServiceDefinition def, List<ServerInterceptor> outer) {
        // ServerInterceptors.intercept runs the LAST interceptor first: list innermost first.
        List<ServerInterceptor> all = new ArrayList<>();
        all.add(new GzipResponses());
        all.add(new GrpcRequestGuarantees()); // its onHalfClose wraps the handler
        all.addAll(outer.reversed());
        return ServerInterceptors.intercept(def, all);
    }

    public GrpcServer start() {
        try {
            server.start();
        } catch (IOException e) {
            executor.shutdownNow();
            throw new ServiceException("Failed to start the gRPC server: " + e.getMessage(), e);
        }
        health.setServing(true);
        return this;
    }

    /** The bound port. */
    public int port() {
        return server.getPort();
    }

    /** Stops accepting calls, waits for in-flight ones (up to {@link #DRAIN_TIMEOUT}), then closes. */
    public void stop() {
        health.setServing(false);
        server.shutdown();
        try {
            if (!server.awaitTermination(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
        }
    }

    @Override
    public void close() {
        if (keyManager != null) {
            keyManager.close();
        }
        stop();
    }
}
