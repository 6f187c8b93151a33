package io.sextant.cluster.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.cluster.ClusterNode;
import io.sextant.cluster.ClusterSettings;
import io.sextant.cluster.MetadataApplier;
import io.sextant.cluster.MetadataCommand;
import io.sextant.cluster.MetadataResult;
import io.sextant.cluster.shard.PeerChannels;
import io.sextant.cluster.shard.RemoteShard;
import io.sextant.cluster.shard.ShardCallTimeouts;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.LocalShard;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replica sets of shard 0 of collection {@code c} on two peers (each a real Ratis-hosted internal
 * shard service on a loopback port, with a real local shard) and a third, router-only peer,
 * talking through {@code RemoteShard}s: {@code PrimaryUpdate} and {@code Update} over the wire.
 */
class ReplicaSetOverTheWireTest {
    @TempDir
    Path tmp;

    private final Map<Long, String> addresses = new ConcurrentHashMap<>();
    private final Map<Long, ReplicaSet> sets = new ConcurrentHashMap<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final PeerChannels channels = new PeerChannels();
    private final Map<Long, ClusterNode> nodes = new ConcurrentHashMap<>();
    private volatile int writeConsistency = 2;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        channels.close();
    }

    private static ShardConfig config() {
        return new ShardConfig(
                Map.of("", new VectorSpec(4, Distance.DOT, false)),
                Map.of(),
                new ShardConfig.OptimizerSettings(0.2, 10, 2, null, 10000, 3600),
                new ShardConfig.WalSettings(1, 0));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a peer serving its replica set of shard 0 of {@code c}; returns its id. */
    private long startPeer(String name) {
        int port = freePort();
        Path storage = tmp.resolve(name);
        long[] self = new long[1];
        ClusterNode node = ClusterNode.start(
                new ClusterSettings(true, port, 50, null, null),
                "127.0.0.1",
                storage,
                new NoCollections(),
                (collection, shardId) -> {
                    ReplicaSet rs = sets.get(self[0]);
                    return "c".equals(collection) && shardId == 0 && rs != null ? rs.localReplica() : null;
                },
                (collection, shardId) -> "c".equals(collection) && shardId == 0 ? sets.get(self[0]) : null);
        self[0] = node.peerId();
        nodes.put(self[0], node);
        open.add(node);
        addresses.put(self[0], "127.0.0.1:" + port);
        return self[0];
    }

    private ReplicaSet replicaSet(long self, List<Long> peers, Path dir) {
        ReplicaSet.Layout layout = new ReplicaSet.Layout("c", 0, self, peers);
        LocalShard local = layout.local() ? LocalShard.open(dir, config()) : null;
        ReplicaSet rs = new ReplicaSet(
                layout,
                local,
                new RemotePeerReplicas(channels, addresses::get, "c", 0, ShardCallTimeouts.all(Duration.ofSeconds(10))),
                () -> writeConsistency);
        sets.put(self, rs);
        open.add(rs);
        return rs;
    }

    private static PointOperation upsert(int from, int to) {
        List<PointOperation.PointStruct> points = new ArrayList<>();
        for (int i = from; i < to; i++) {
            points.add(new PointOperation.PointStruct(
                    PointId.of(i), Map.of("", new float[] {i, 1, 2, 3}), Map.of(), null));
        }
        return new PointOperation.Upsert(points);
    }

    @Test
    void writesThroughAnyPeerReachEveryReplicaAndReadsFallBackWhenAPeerIsGone() throws InterruptedException {
        long a = startPeer("a");
        long b = startPeer("b");
        long router = a + b + 1; // any other id: holds no replica
        List<Long> placement = List.of(a, b);
        ReplicaSet onA = replicaSet(a, placement, tmp.resolve("a-shard"));
        ReplicaSet onB = replicaSet(b, placement, tmp.resolve("b-shard"));
        ReplicaSet onRouter = replicaSet(router, placement, null);

        onB.update(upsert(0, 10), true); // B is not the primary: PrimaryUpdate to A, Update back to B
        onRouter.update(upsert(10, 25), true);
        assertThat(onA.localReplica().count(Filter.ALL, true)).isEqualTo(25);
        assertThat(onB.localReplica().count(Filter.ALL, true)).isEqualTo(25);
        assertThat(onRouter.count(Filter.ALL, true)).isEqualTo(25);
        assertThat(onRouter.info().pointsCount()).isEqualTo(25);
        assertThat(onA.failedReplicaWrites() + onB.failedReplicaWrites()).isZero();

        assertThatThrownBy(() -> onRouter.update(
                        new PointOperation.Upsert(List.of(new PointOperation.PointStruct(
                                PointId.of(99), Map.of("", new float[] {1, 2}), Map.of(), null))),
                        true))
                .as("bad input travels back as a user error")
                .isInstanceOf(UserException.class);

        nodes.get(a).close(); // peer A gone: connection refused
        assertThat(onRouter.count(Filter.ALL, true)).as("read falls back to B").isEqualTo(25);
        assertThatThrownBy(() -> onRouter.update(upsert(25, 30), true))
                .as("B becomes the primary, but write_consistency_factor 2 needs A too")
                .hasMessageContaining("applied by 1 of 2 replicas");
        writeConsistency = 1;
        onRouter.update(upsert(25, 30), true);
        assertThat(onB.localReplica().count(Filter.ALL, true)).isEqualTo(30);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (onB.failedReplicaWrites() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5); // with factor 1 the forward to A fails after the write returned
        }
        assertThat(onB.failedReplicaWrites()).as("A missed both").isEqualTo(2);
        assertThat(onA.localReplica().count(Filter.ALL, true)).isEqualTo(25);
    }

    @Test
    void primaryUpdateOnAPeerWithoutTheShardIsNotFound() {
        long a = startPeer("a");
        RemoteShard remote =
                new RemoteShard(channels, addresses.get(a), "c", 0, ShardCallTimeouts.all(Duration.ofSeconds(10)));
        assertThatThrownBy(() -> remote.updateAsPrimary(upsert(0, 1), true))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("not on this peer");
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
