package io.sextant.cluster.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.LocalShard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TaggedUpdate} and {@code RecoveryPoint} through the real internal shard service: the
 * serving peer records the tags of the writes its replica applied, in a file that outlives it.
 */
class TaggedUpdateOverTheWireTest {
    @TempDir
    Path tmp;

    private static PointOperation upsert(long id) {
        return new PointOperation.Upsert(
                List.of(new PointOperation.PointStruct(PointId.of(id), Map.of("", new float[] {1, 2, 3, 4}), null)));
    }

    private RecoveryPoint pointAfterRestart(Path storage, LocalShard shard) {
        try (ShardServicePeer peer = new ShardServicePeer(storage);
                PeerChannels channels = new PeerChannels()) {
            peer.serve("c", shard);
            return new RemoteShard(channels, peer.address, "c", 0, ShardCallTimeouts.all(Duration.ofSeconds(20)))
                    .recoveryPoint();
        }
    }

    @Test
    void taggedWritesAreAppliedAndTheirRunSurvivesARestartOfThePeer() throws Exception {
        Path storage = tmp.resolve("peer");
        try (LocalShard shard = LocalShard.open(tmp.resolve("shard"), RemoteShardTest.config())) {
            try (ShardServicePeer peer = new ShardServicePeer(storage);
                    PeerChannels channels = new PeerChannels()) {
                peer.serve("c", shard);
                RemoteShard remote =
                        new RemoteShard(channels, peer.address, "c", 0, ShardCallTimeouts.all(Duration.ofSeconds(20)));
                assertThat(remote.recoveryPoint()).isEqualTo(RecoveryPoint.UNKNOWN);
                remote.updateTagged(upsert(1), true, new OperationTag(42, 7));
                remote.updateTagged(upsert(2), true, new OperationTag(42, 8));
                assertThat(remote.recoveryPoint()).isEqualTo(new RecoveryPoint(42, 7, 8));
                assertThat(shard.count(null, true)).isEqualTo(2);
            }
            assertThat(Files.list(storage.resolve("cluster").resolve("replica_clocks"))
                            .toList())
                    .hasSize(1);
            assertThat(pointAfterRestart(storage, shard)).isEqualTo(new RecoveryPoint(42, 7, 8));

            try (ShardServicePeer peer = new ShardServicePeer(storage);
                    PeerChannels channels = new PeerChannels()) {
                peer.serve("c", shard);
                RemoteShard remote =
                        new RemoteShard(channels, peer.address, "c", 0, ShardCallTimeouts.all(Duration.ofSeconds(20)));
                remote.update(upsert(3), true); // untagged (a transfer batch): the run is broken
                assertThat(remote.recoveryPoint()).isEqualTo(RecoveryPoint.UNKNOWN);
            }
            assertThat(pointAfterRestart(storage, shard)).isEqualTo(RecoveryPoint.UNKNOWN);
            assertThat(shard.count(null, true)).isEqualTo(3);
        }
    }
}
