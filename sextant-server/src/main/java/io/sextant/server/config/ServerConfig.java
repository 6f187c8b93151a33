package io.sextant.server.config;

import java.nio.file.Path;

/**
 * The effective configuration of a server process, after merging the YAML file, the {@code
 * SEXTANT__SECTION__KEY} environment variables and the command-line flags (see {@link
 * ConfigLoader}). Keys follow Qdrant's configuration file. Immutable.
 *
 * @param service network settings ({@code service.*})
 * @param storage data directories ({@code storage.*})
 * @param logLevel root log level ({@code log_level}): TRACE, DEBUG, INFO, WARN or ERROR
 * @param security authentication, TLS, audit and slow-request settings (see {@link SecurityConfig})
 * @param cluster cluster mode ({@code cluster.*}, {@code --uri}, {@code --bootstrap}); disabled by default
 */
public record ServerConfig(
        Service service,
        Storage storage,
        String logLevel,
        SecurityConfig security,
        io.sextant.cluster.ClusterSettings cluster) {

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
        logLevel = logLevel == null ? "INFO" : logLevel.toUpperCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(logLevel)) {
            throw new IllegalArgumentException(
                    "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got " + logLevel);
        }
    }

    /**
     * {@code service} section.
     *
     * @param host address to bind, default 0.0.0.0
     * @param httpPort REST port, default 6333 (0 picks a free port)
     * @param grpcPort gRPC port, default 6334 (stored; gRPC is served later)
     * @param maxRequestSizeMb largest accepted request body in MiB, default 32
     * @param apiKey API key required from clients, or null (stored; auth is enforced later)
     */
    public record Service(String host, int httpPort, int grpcPort, int maxRequestSizeMb, String apiKey) {
        public Service {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("service.host must not be empty, got '" + host + "'");
            }
            checkPort("service.http_port", httpPort);
            checkPort("service.grpc_port", grpcPort);
            if (maxRequestSizeMb < 1) {
                throw new IllegalArgumentException("service.max_request_size_mb must be >= 1, got " + maxRequestSizeMb);
            }
        }

        private static void checkPort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be in [0, 65535], got " + port);
            }
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
     */
    public record Storage(Path storagePath, Path snapshotsPath, io.sextant.server.snapshot.SnapshotSettings snapshots) {
        public Storage(Path storagePath, Path snapshotsPath) {
            this(storagePath, snapshotsPath, io.sextant.server.snapshot.SnapshotSettings.DEFAULTS);
        }

        public Storage {
            snapshots = snapshots == null ? io.sextant.server.snapshot.SnapshotSettings.DEFAULTS : snapshots;
            if (storagePath == null || snapshotsPath == null) {
                throw new IllegalArgumentException("storage.storage_path and storage.snapshots_path are required");
            }
        }
    }
}
