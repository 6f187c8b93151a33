package io.sextant.cluster;

import java.net.URI;

/**
 * Cluster configuration, Qdrant's keys: {@code cluster.enabled} (default false), {@code
 * cluster.p2p.port} (6335), {@code cluster.consensus.tick_period_ms} (100; Raft election timeouts
 * are 10 to 20 ticks), and the command-line {@code --uri} (this peer's p2p URI as other peers
 * reach it; default {@code http://127.0.0.1:<p2p port>}) and {@code --bootstrap} (a running peer's
 * p2p URI; absent on the peer that forms the cluster), and Sextant's own {@code
 * cluster.transfer.points_per_second} (how fast a shard transfer that repairs a Dead replica streams
 * points; 0 = no limit; default {@link #DEFAULT_TRANSFER_POINTS_PER_SECOND}) and {@code
 * cluster.peer_unresponsive_ms} (how long a peer may leave the Raft leader's RPCs unanswered before
 * the leader marks its replicas Dead, {@link PeerLiveness}; default {@link
 * PeerLiveness#DEFAULT_UNRESPONSIVE_MILLIS}), and {@code cluster.p2p.enable_tls} with the node's
 * {@code tls.*} files ({@link PeerTls}; null = plaintext), and Qdrant's {@code
 * storage.shard_transfer_method} ({@code stream_records}, {@code snapshot} or {@code wal_delta}; null:
 * {@code stream_records}), the method of {@code replicate_shard}/{@code move_shard} without one and
 * the one an automatic repair falls back to when no {@code wal_delta} is possible. Immutable.
 */
public record ClusterSettings(
        boolean enabled,
        int p2pPort,
        long tickPeriodMs,
        URI uri,
        URI bootstrap,
        int transferPointsPerSecond,
        long peerUnresponsiveMs,
        PeerTls tls,
        String shardTransferMethod) {

    /** Default of {@code cluster.transfer.points_per_second}. */
    public static final int DEFAULT_TRANSFER_POINTS_PER_SECOND = 10_000;

    public static final ClusterSettings DISABLED = new ClusterSettings(false, 6335, 100, null, null);

    /** Settings with the default transfer rate, plaintext p2p. */
    public ClusterSettings(boolean enabled, int p2pPort, long tickPeriodMs, URI uri, URI bootstrap) {
        this(enabled, p2pPort, tickPeriodMs, uri, bootstrap, DEFAULT_TRANSFER_POINTS_PER_SECOND);
    }

    /** Settings with the default unresponsive-peer timeout, plaintext p2p. */
    public ClusterSettings(
            boolean enabled, int p2pPort, long tickPeriodMs, URI uri, URI bootstrap, int transferPointsPerSecond) {
        this(
                enabled,
                p2pPort,
                tickPeriodMs,
                uri,
                bootstrap,
                transferPointsPerSecond,
                PeerLiveness.DEFAULT_UNRESPONSIVE_MILLIS,
                null);
    }

    /** Settings whose transfers default to {@code stream_records}. */
    public ClusterSettings(
            boolean enabled,
            int p2pPort,
            long tickPeriodMs,
            URI uri,
            URI bootstrap,
            int transferPointsPerSecond,
            long peerUnresponsiveMs,
            PeerTls tls) {
        this(enabled, p2pPort, tickPeriodMs, uri, bootstrap, transferPointsPerSecond, peerUnresponsiveMs, tls, null);
    }

    /** The method of transfers that name none ({@code storage.shard_transfer_method}, else {@code stream_records}). */
    public String defaultTransferMethod() {
        return shardTransferMethod == null ? "stream_records" : shardTransferMethod;
    }

    /** This peer's p2p links use TLS. */
    public boolean p2pTls() {
        return tls != null;
    }

    public ClusterSettings {
        if (p2pPort < 0 || p2pPort > 65535) {
            throw new IllegalArgumentException("cluster.p2p.port must be in [0, 65535], got " + p2pPort);
        }
        if (tickPeriodMs < 1) {
            throw new IllegalArgumentException("cluster.consensus.tick_period_ms must be >= 1, got " + tickPeriodMs);
        }
        if (transferPointsPerSecond < 0) {
            throw new IllegalArgumentException(
                    "cluster.transfer.points_per_second must be >= 0, got " + transferPointsPerSecond);
        }
        if (peerUnresponsiveMs < 1) {
            throw new IllegalArgumentException("cluster.peer_unresponsive_ms must be >= 1, got " + peerUnresponsiveMs);
        }
        if (shardTransferMethod != null && !ShardTransfer.METHODS.contains(shardTransferMethod)) {
            throw new IllegalArgumentException("storage.shard_transfer_method must be one of stream_records, snapshot,"
                    + " wal_delta or null, got " + shardTransferMethod);
        }
        checkUri("--uri", uri);
        checkUri("--bootstrap", bootstrap);
    }

    private static void checkUri(String what, URI u) {
        if (u != null && (u.getHost() == null || u.getPort() < 0)) {
            throw new IllegalArgumentException(
                    what + " must be a URI with host and port like http://10.0.0.1:6335, got " + u);
        }
    }

    /** This peer's advertised p2p address as {@code host:port}. */
    public String advertisedAddress() {
        return uri == null ? "127.0.0.1:" + p2pPort : uri.getHost() + ":" + uri.getPort();
    }
}
