package io.sextant.server;

import io.sextant.cluster.ClusterNode;
import io.sextant.cluster.shard.PeerCredential;
import io.sextant.collection.ShardFactory;
import io.sextant.collection.TableOfContents;
import io.sextant.server.api.NewCollectionRules;
import io.sextant.server.api.grpc.GrpcServer;
import io.sextant.server.api.rest.RestServer;
import io.sextant.server.auth.AccessControl;
import io.sextant.server.auth.ValueExistsQuery;
import io.sextant.server.cluster.ClusterRoutes;
import io.sextant.server.cluster.ClusterShards;
import io.sextant.server.cluster.ClusterSnapshotRestore;
import io.sextant.server.cluster.MetadataExecutor;
import io.sextant.server.cluster.MetadataGate;
import io.sextant.server.config.ServerConfig;
import io.sextant.server.issues.IssueBoard;
import io.sextant.server.metrics.RestOperations;
import io.sextant.server.snapshot.SnapshotFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node: the {@link TableOfContents} over the storage directory and the REST and gRPC
 * servers in front of it. {@link #close()} shuts down in order: stop accepting and drain in-flight requests,
 * then close (flush) every collection. Thread-safe; {@link #close()} is idempotent.
 */
public final class SextantServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SextantServer.class);

    private final ServerConfig config;
    private final TableOfContents toc;
    private final RestServer rest;
    private GrpcServer grpc;
    private boolean closed;
    private SnapshotFeature snapshots;
    private RestOperations operations;
    private ClusterNode cluster;
    private ClusterShards clusterShards;

    private SextantServer(ServerConfig config, TableOfContents toc, RestServer rest) {
        this.config = config;
        this.toc = toc;
        this.rest = rest;
    }

    /** Opens the storage and starts serving. */
    public static SextantServer start(ServerConfig config, ShardFactory shards) {
        // peers of one cluster share service.api_key; the internal API's credential derives from it
        PeerCredential peerCredential =
                PeerCredential.fromApiKey(config.security().auth().apiKey());
        ClusterShards replicas = config.cluster().enabled()
                ? ClusterShards.open(
                        config.storage().storagePath(),
                        peerCredential,
                        config.cluster().tls())
                : null;
        TableOfContents toc = TableOfContents.open(
                config.storage().storagePath(), replicas == null ? shards : replicas.factory(shards));
        toc.liveRecallSettings(config.liveRecall());
        NewCollectionRules rules = new NewCollectionRules(
                config.storage().maxCollections(), config.storage().collectionDefaults());
        ClusterNode cluster = null;
        if (replicas != null) {
            replicas.attach(toc);
            try {
                cluster = ClusterNode.start(
                        config.cluster(),
                        config.service().host(),
                        config.storage().storagePath(),
                        replicas.applier(new MetadataExecutor(toc, rules)),
                        replicas.localReplicas(),
                        replicas.primaries(),
                        peerCredential,
                        replicas.fenceCheck(),
                        replicas.clocks());
                replicas.started(
                        cluster,
                        config.cluster().transferPointsPerSecond(),
                        config.cluster().peerUnresponsiveMs(),
                        config.cluster().defaultTransferMethod());
            } catch (RuntimeException e) {
                replicas.close();
                toc.close();
                throw e;
            }
        }
        ClusterShards clusterShards = replicas;
        ClusterRoutes clusterRoutes = new ClusterRoutes(cluster, toc, clusterShards);
        RestServer rest;
        GrpcServer grpc = null;
        SnapshotFeature snapshots = null;
        RestOperations ops = null;
        try {
            ops = new RestOperations(config, toc, RestServer.SEXTANT_VERSION, RestServer.QDRANT_VERSION);
            if (cluster != null) {
                ClusterNode node = cluster;
                ops.telemetry().cluster(() -> ClusterRoutes.telemetryJson(node.status()));
            }
            AccessControl access = new AccessControl(
                    config.security().auth(), java.time.Clock.systemUTC(), ValueExistsQuery.over(toc));
            snapshots = new SnapshotFeature(
                    toc,
                    config.storage().snapshotsPath(),
                    config.storage().snapshots(),
                    config.service().maxRequestSizeBytes());
            if (cluster != null) {
                ClusterNode leaderCheck = cluster;
                snapshots.backupsOnlyWhen(leaderCheck::isLeader); // every shard once, not once per peer
            }
            IssueBoard issues = new IssueBoard(toc); // one board for REST and gRPC findings
            MetadataGate consensus = cluster == null ? null : MetadataGate.consensus(cluster, rules.defaults());
            if (consensus != null) { // recoveries go through the metadata log and the replica sets
                snapshots.service().restoreTarget(new ClusterSnapshotRestore(consensus, clusterShards));
            }
            rest = new RestServer(
                            toc,
                            consensus == null ? MetadataGate.local(new MetadataExecutor(toc, rules)) : consensus,
                            issues,
                            config.service().host(),
                            config.service().httpPort(),
                            config.service().maxRequestSizeBytes(),
                            access,
                            ops,
                            snapshots::register,
                            clusterRoutes::register)
                    .start();
            try {
                grpc = !config.service().grpcEnabled()
                        ? null
                        : new GrpcServer(
                                        toc,
                                        snapshots.service(),
                                        config.service().host(),
                                        config.service().grpcPort(),
                                        config.service().maxRequestSizeBytes(),
                                        access,
                                        config.security().tls(),
                                        rules,
                                        issues,
                                        consensus)
                                .start();
            } catch (RuntimeException e) {
                rest.stop();
                throw e;
            }
        } catch (RuntimeException e) {
            if (ops != null) {
                ops.close();
            }
            if (snapshots != null) {
                snapshots.close();
            }
            if (cluster != null) {
                cluster.close();
                clusterShards.close();
            }
            toc.close();
            throw e;
        }
        ops.metrics().watchSnapshots(snapshots::runningCreations, snapshots.backupStatus());
        SextantServer server = new SextantServer(config, toc, rest);
        server.snapshots = snapshots;
        server.operations = ops;
        server.grpc = grpc;
        server.cluster = cluster;
        server.clusterShards = clusterShards;
        LOG.atInfo()
                .addKeyValue("host", config.service().host())
                .addKeyValue("http_port", rest.port())
                .addKeyValue("grpc_port", grpc == null ? (Object) "off" : (Object) grpc.port())
                .addKeyValue(
                        "storage_path",
                        config.storage()
                                .storagePath()
                                .toAbsolutePath()
                                .normalize()
                                .toString())
                .addKeyValue(
                        "snapshots_path",
                        config.storage()
                                .snapshotsPath()
                                .toAbsolutePath()
                                .normalize()
                                .toString())
                .log(
                        "Sextant started: REST on {}:{}, gRPC {}, storage {}",
                        config.service().host(),
                        rest.port(),
                        grpc == null ? "off (service.grpc_port: null)" : "on port " + grpc.port(),
                        config.storage().storagePath());
        return server;
    }

    public int httpPort() {
        return rest.port();
    }

    /** The bound gRPC port, or {@link ServerConfig.Service#GRPC_DISABLED} when gRPC is off. */
    /** Requests the REST fast path served so far, -1 when it is off (tests). */
    public long restFastPathServed() {
        return rest.fastPathServed();
    }

    public int grpcPort() {
        return grpc == null ? ServerConfig.Service.GRPC_DISABLED : grpc.port();
    }

    public ServerConfig config() {
        return config;
    }

    public TableOfContents tableOfContents() {
        return toc;
    }

    /** Snapshots, backups and their status registry (for metrics). */
    public SnapshotFeature snapshots() {
        return snapshots;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Shutting down: draining in-flight requests");
        try {
            try {
                if (grpc != null) {
                    grpc.stop();
                }
            } finally {
                rest.stop();
            }
            operations.close();
            if (clusterShards != null) { // first: stops replica transfers before consensus goes away
                clusterShards.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            try {
                snapshots.close();
            } finally {
                toc.close();
            }
        }
        LOG.info("Shutdown complete: all collections flushed and closed");
    }
}
