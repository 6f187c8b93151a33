package io.sextant.server.config;

import java.nio.file.Path;

/**
 * The effective configuration of a server process, after merging the YAML file, the {@code
 * SEXTANT__SECTION__KEY} environment variables and the command-line flags (see {@link
 * ConfigLoader}). Keys follow Qdrant's configuration file. Immutable.
 *
 * @param service network settings ({@code service.*})
 * @param storage data directories ({@code storage.*})
 * @param logLevel console log level directives ({@code log_level}, see {@link LogDirectives}), in
 *     canonical form: {@code INFO} or {@code INFO,io.sextant.shard=DEBUG}
 * @param security authentication, TLS, audit and slow-request settings (see {@link SecurityConfig})
 * @param cluster cluster mode ({@code cluster.*}, {@code --uri}, {@code --bootstrap}); disabled by default
 * @param logging console format and the optional log file ({@code logger.*}); its console levels
 *     are {@code logLevel}
 */
public record ServerConfig(
        Service service,
        Storage storage,
        String logLevel,
        SecurityConfig security,
        io.sextant.cluster.ClusterSettings cluster,
        LoggingConfig logging,
        io.sextant.collection.quality.LiveRecall.Settings liveRecall) {

    /** A configuration with the default live-recall sampling. */
    public ServerConfig(
            Service service,
            Storage storage,
            String logLevel,
            SecurityConfig security,
            io.sextant.cluster.ClusterSettings cluster,
            LoggingConfig logging) {
        this(service, storage, logLevel, security, cluster, logging, null);
    }

    /** A configuration with text logs on the console only. */
    public ServerConfig(
            Service service,
            Storage storage,
            String logLevel,
            SecurityConfig security,
            io.sextant.cluster.ClusterSettings cluster) {
        this(service, storage, logLevel, security, cluster, null);
    }

    /** A configuration without cluster mode. */
    public ServerConfig(Service service, Storage storage, String logLevel, SecurityConfig security) {
        this(service, storage, logLevel, security, io.sextant.cluster.ClusterSettings.DISABLED);
    }

    /** A configuration with security off (no keys, no TLS, no audit). */
    public ServerConfig(Service service, Storage storage, String logLevel) {
        this(service, storage, logLevel, SecurityConfig.NONE);
    }

    public ServerConfig {
        if (service == null || storage == null) {
            throw new IllegalArgumentException("service and storage sections are required");
        }
        security = security == null ? SecurityConfig.NONE : security;
        cluster = cluster == null ? io.sextant.cluster.ClusterSettings.DISABLED : cluster;
        liveRecall = liveRecall == null ? io.sextant.collection.quality.LiveRecall.Settings.DEFAULT : liveRecall;
        LogDirectives levels = LogDirectives.parse(logLevel);
        logLevel = levels.toString();
        logging = logging == null
                ? new LoggingConfig(levels, LoggingConfig.Format.TEXT, null)
                : new LoggingConfig(levels, logging.format(), logging.file());
    }

    /**
     * {@code service} section.
     *
     * @param host address to bind, default 0.0.0.0
     * @param httpPort REST port, default 6333 (0 picks a free port)
     * @param grpcPort gRPC port, default 6334; {@link #GRPC_DISABLED} ({@code grpc_port: null}) serves no gRPC
     * @param maxRequestSizeMb largest accepted request body in MiB, default 32
     * @param apiKey API key required from clients, or null
     * @param enableCors answer CORS preflights and allow any origin ({@code enable_cors}, default true)
     */
    public record Service(
            String host, int httpPort, int grpcPort, int maxRequestSizeMb, String apiKey, boolean enableCors) {

        /** {@link #grpcPort()} when gRPC is off. */
        public static final int GRPC_DISABLED = -1;

        /** A service with CORS on (Qdrant's default). */
        public Service(String host, int httpPort, int grpcPort, int maxRequestSizeMb, String apiKey) {
            this(host, httpPort, grpcPort, maxRequestSizeMb, apiKey, true);
        }

        public Service {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("service.host must not be empty, got '" + host + "'");
            }
            checkPort("service.http_port", httpPort);
            if (grpcPort != GRPC_DISABLED) {
                checkPort("service.grpc_port", grpcPort);
            }
            if (maxRequestSizeMb < 1) {
                throw new IllegalArgumentException("service.max_request_size_mb must be >= 1, got " + maxRequestSizeMb);
            }
        }

        private static void checkPort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be in [0, 65535], got " + port);
            }
        }

        /** Whether gRPC is served. */
        public boolean grpcEnabled() {
            return grpcPort != GRPC_DISABLED;
        }

        /** Largest accepted request body in bytes. */
        public long maxRequestSizeBytes() {
            return maxRequestSizeMb * 1024L * 1024L;
        }
    }

    /**
     * {@code storage} section.
     *
     * @param storagePath directory of collections, default ./storage
     * @param snapshotsPath directory of snapshots, default ./snapshots
     * @param snapshots snapshot storage, URL recovery and scheduled backups (see {@link
     *     io.sextant.server.snapshot.SnapshotSettings})
     * @param maxCollections most collections this node holds ({@code max_collections}), {@link
     *     #UNLIMITED} by default
     * @param collectionDefaults the base of new collections' configuration ({@code hnsw_index},
     *     {@code optimizers}, {@code wal}, {@code on_disk_payload}, {@code collection.*}); Qdrant's
     *     by default
     */
    public record Storage(
            Path storagePath,
            Path snapshotsPath,
            io.sextant.server.snapshot.SnapshotSettings snapshots,
            int maxCollections,
            io.sextant.server.api.convert.CollectionDefaults collectionDefaults) {

        /** {@link #maxCollections()} when there is no limit ({@code max_collections: null}). */
        public static final int UNLIMITED = Integer.MAX_VALUE;

        public Storage(Path storagePath, Path snapshotsPath) {
            this(storagePath, snapshotsPath, io.sextant.server.snapshot.SnapshotSettings.DEFAULTS);
        }

        /** Storage without a collection limit, with Qdrant's defaults for new collections. */
        public Storage(Path storagePath, Path snapshotsPath, io.sextant.server.snapshot.SnapshotSettings snapshots) {
            this(storagePath, snapshotsPath, snapshots, UNLIMITED, null);
        }

        public Storage {
            collectionDefaults = collectionDefaults == null
                    ? io.sextant.server.api.convert.CollectionDefaults.QDRANT
                    : collectionDefaults;
            if (maxCollections < 0) {
                throw new IllegalArgumentException("storage.max_collections must be >= 0, got " + maxCollections);
            }
            snapshots = snapshots == null ? io.sextant.server.snapshot.SnapshotSettings.DEFAULTS : snapshots;
            if (storagePath == null || snapshotsPath == null) {
                throw new IllegalArgumentException("storage.storage_path and storage.snapshots_path are required");
            }
        }
    }
}
