package io.sextant.cluster.shard;

import io.sextant.cluster.ClusterNode;
import io.sextant.cluster.ClusterSettings;
import io.sextant.cluster.MetadataApplier;
import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.MetadataResult;
import io.sextant.shard.Shard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A one-peer cluster on a free loopback port whose p2p port serves the shards registered with
 * {@link #serve}: the real Ratis-hosted internal shard service.
 */
final class ShardServicePeer implements AutoCloseable {
    final Map<String, Shard> shards = new ConcurrentHashMap<>();
    final String address;
    private final ClusterNode node;

    ShardServicePeer(Path storage) {
        this(storage, PeerCredential.NONE);
    }

    /** A peer whose shard service refuses calls without {@code credential} (when required). */
    ShardServicePeer(Path storage, PeerCredential credential) {
        this(storage, credential, FenceCheck.NONE);
    }

    /** A peer whose shard service admits forwarded writes through {@code fence}. */
    ShardServicePeer(Path storage, PeerCredential credential, FenceCheck fence) {
        int port = freePort();
        this.address = "127.0.0.1:" + port;
        this.node = ClusterNode.start(
                new ClusterSettings(true, port, 50, null, null),
                "127.0.0.1",
                storage,
                new NoCollections(),
                (collection, shardId) -> shardId == 0 ? shards.get(collection) : null,
                LocalShardLookup.NONE,
                credential,
                fence);
    }

    /** Serves {@code shard} as shard 0 of {@code collection}. */
    void serve(String collection, Shard shard) {
        shards.put(collection, shard);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        node.close();
    }

    private static final class NoCollections implements MetadataApplier {
        @Override
        public MetadataResult apply(MetadataCommand command) {
            return MetadataResult.ok(null);
        }

        @Override
        public Set<String> localCollections() {
            return Set.of();
        }

        @Override
        public Map<String, String> localAliases() {
            return Map.of();
        }
    }
}
