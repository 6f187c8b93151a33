package io.sextant.cluster.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.PointId;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primary fence and the shard-service probe through the real internal shard service: the fence
 * travels as a header of the forwarding thread's calls, a refusal comes back as {@link
 * PrimaryFence.Refused} with the refusing peer's term, and nothing is applied; {@code Ping} answers.
 */
class FenceAndProbeOverTheWireTest {
    @TempDir
    Path tmp;

    private static PointOperation upsert(long id) {
        return new PointOperation.Upsert(
                List.of(new PointOperation.PointStruct(PointId.of(id), Map.of("", new float[] {1, 2, 3, 4}), null)));
    }

    @Test
    void aForwardCarriesItsFenceAndARefusalIsNeverApplied() throws Exception {
        List<PrimaryFence> seen = new CopyOnWriteArrayList<>();
        FenceCheck onlyPeer7 = (collection, shardId, fence) -> {
            seen.add(fence);
            if (fence.primary() != 7) {
                throw new PrimaryFence.Refused("not the primary", new PrimaryFence(7, 12));
            }
        };
        try (LocalShard shard = LocalShard.open(tmp.resolve("shard"), RemoteShardTest.config());
                ShardServicePeer peer = new ShardServicePeer(tmp.resolve("peer"), PeerCredential.NONE, onlyPeer7);
                PeerChannels channels = new PeerChannels()) {
            peer.serve("c", shard);
            RemoteShard remote =
                    new RemoteShard(channels, peer.address, "c", 0, ShardCallTimeouts.all(Duration.ofSeconds(20)));
            remote.update(upsert(1), true); // no fence bound: not checked (an older peer's call)
            assertThat(seen).isEmpty();

            ScopedValue.where(PrimaryFence.CURRENT, new PrimaryFence(7, 12))
                    .run(() -> remote.updateTagged(upsert(2), true, new OperationTag(1, 1)));
            assertThat(seen).containsExactly(new PrimaryFence(7, 12));

            assertThatThrownBy(() -> ScopedValue.where(PrimaryFence.CURRENT, new PrimaryFence(-3L, 5))
                            .run(() -> remote.update(upsert(3), true)))
                    .isInstanceOfSatisfying(PrimaryFence.Refused.class, r -> assertThat(r.current())
                            .isEqualTo(new PrimaryFence(7, 12)))
                    .hasMessageContaining("not the primary");
            assertThat(seen).last().isEqualTo(new PrimaryFence(-3L, 5));
            assertThat(shard.count(null, true))
                    .as("the refused write is not applied")
                    .isEqualTo(2);
        }
    }

    @Test
    void theProbeAnswersForALiveShardServiceAndNotForAClosedPort() throws Exception {
        try (ShardServicePeer peer = new ShardServicePeer(tmp.resolve("peer"));
                PeerChannels channels = new PeerChannels()) {
            ShardServiceProbe probe = new ShardServiceProbe(channels, Duration.ofSeconds(1));
            assertThat(probe.answers(peer.address)).isTrue();
            assertThat(probe.answers("127.0.0.1:" + ShardServicePeer.freePort()))
                    .isFalse();
            assertThat(probe.answers(null)).isFalse();
        }
    }
}
