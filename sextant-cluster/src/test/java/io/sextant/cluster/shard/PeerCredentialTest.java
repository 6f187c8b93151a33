package io.sextant.cluster.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.LocalShard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The internal shard service of a peer with an API key serves peers that present the credential
 * derived from the same key and refuses (UNAUTHENTICATED) calls without one or with a wrong one,
 * before they touch a shard.
 */
class PeerCredentialTest {
    private static final ShardCallTimeouts TIMEOUTS = ShardCallTimeouts.all(Duration.ofSeconds(10));
    private static final String KEY = "cluster-secret-1";

    @TempDir
    static Path tmp;

    private static ShardServicePeer peer;
    private static LocalShard local;

    @BeforeAll
    static void start() {
        peer = new ShardServicePeer(tmp.resolve("peer"), PeerCredential.fromApiKey(KEY));
        local = LocalShard.open(tmp.resolve("shard"), RemoteShardTest.config());
        peer.serve("c", local);
    }

    @AfterAll
    static void stop() {
        peer.close();
        local.close();
    }

    private static PointOperation upsert(long id) {
        return new PointOperation.Upsert(List.of(new PointOperation.PointStruct(
                PointId.of(id), Map.of("", new float[] {1, 2, 3, 4}, "img", new float[] {1, 0, 0}), null)));
    }

    private static Status.Code refusal(PeerCredential credential, java.util.function.Consumer<RemoteShard> call) {
        try (PeerChannels channels = new PeerChannels(credential)) {
            RemoteShard remote = new RemoteShard(channels, peer.address, "c", 0, TIMEOUTS);
            ServiceException e = catchThrowableOfType(ServiceException.class, () -> call.accept(remote));
            assertThat(e).as("the call is refused").isNotNull();
            assertThat(e.getMessage()).contains(peer.address).contains("UNAUTHENTICATED");
            Throwable cause = e.getCause();
            assertThat(cause).isInstanceOf(StatusRuntimeException.class);
            return ((StatusRuntimeException) cause).getStatus().getCode();
        }
    }

    @Test
    void aPeerWithTheSharedKeyIsServed() {
        try (PeerChannels channels = new PeerChannels(PeerCredential.fromApiKey(KEY))) {
            RemoteShard remote = new RemoteShard(channels, peer.address, "c", 0, TIMEOUTS);
            long before = local.count(Filter.ALL, true);
            remote.update(upsert(1000), true);
            assertThat(local.count(Filter.ALL, true)).isEqualTo(before + 1);
            assertThat(remote.count(Filter.ALL, true)).isEqualTo(before + 1);
        }
    }

    @Test
    void callsWithoutOrWithAWrongCredentialAreRefusedAndChangeNothing() {
        long before = local.count(Filter.ALL, true);
        assertThat(refusal(PeerCredential.NONE, r -> r.update(upsert(1), true))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refusal(PeerCredential.fromApiKey("other-key"), r -> r.update(upsert(2), true)))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refusal(PeerCredential.NONE, r -> r.count(Filter.ALL, true))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(local.count(Filter.ALL, true)).isEqualTo(before);
    }

    @Test
    void theTokenIsDerivedNotTheKeyItselfAndDependsOnTheKey() {
        PeerCredential a = PeerCredential.fromApiKey(KEY);
        assertThat(a.required()).isTrue();
        assertThat(PeerCredential.fromApiKey(null).required()).isFalse();
        assertThat(PeerCredential.fromApiKey("").required()).isFalse();
        assertThat(a.accepts(KEY)).as("the raw key is not the token").isFalse();
        assertThat(a.accepts(null)).isFalse();
        // HMAC-SHA256("cluster-secret-1", "sextant internal shard api v1"), computed independently with openssl
        assertThat(a.accepts(EXPECTED_TOKEN)).isTrue();
        assertThat(PeerCredential.fromApiKey("other-key").accepts(EXPECTED_TOKEN))
                .isFalse();
        assertThat(PeerCredential.NONE.accepts(null)).isTrue();
    }

    private static final String EXPECTED_TOKEN = "d414e3ff20e05fd17e32828d3c1284bf8cc75555d9c8e0857533c198e01453b9";
}
