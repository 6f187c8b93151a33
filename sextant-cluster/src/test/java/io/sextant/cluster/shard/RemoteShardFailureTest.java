package io.sextant.cluster.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.CoreSearch;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.shard.Shard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors across the wire: user errors keep kind and message, everything else names the peer. */
class RemoteShardFailureTest {
    private static final ShardCallTimeouts TIMEOUTS = ShardCallTimeouts.all(Duration.ofSeconds(10));

    @TempDir
    static Path tmp;

    private static ShardServicePeer peer;
    private static PeerChannels channels;
    private static LocalShard local;

    @BeforeAll
    static void start() {
        peer = new ShardServicePeer(tmp.resolve("peer"));
        channels = new PeerChannels();
        local = LocalShard.open(tmp.resolve("shard"), RemoteShardTest.config());
        peer.serve("c", local);
    }

    @AfterAll
    static void stop() {
        channels.close();
        peer.close();
        local.close();
    }

    private static RemoteShard remote(String collection, int shardId, ShardCallTimeouts timeouts) {
        return new RemoteShard(channels, peer.address, collection, shardId, timeouts);
    }

    private static CoreSearch search(String vector, int dim) {
        return new CoreSearch(
                vector, new float[dim], Filter.ALL, 3, 0, null, null, PayloadSelector.ALL, VectorSelector.NONE);
    }

    /** The remote shard throws the same kind of user error with the same message as the local one. */
    private static void assertSameUserError(Consumer<Shard> call) {
        UserException there = catchThrowableOfType(UserException.class, () -> call.accept(remote("c", 0, TIMEOUTS)));
        UserException here = catchThrowableOfType(UserException.class, () -> call.accept(local));
        assertThat(here).as("the local shard refuses the input").isNotNull();
        assertThat(there).as("the remote shard refuses the input").isNotNull();
        assertThat(there.kind()).isEqualTo(here.kind());
        assertThat(there.getMessage()).isEqualTo(here.getMessage());
    }

    @Test
    void badInputArrivesAsTheSameUserError() {
        assertSameUserError(s -> s.update(
                new PointOperation.Upsert(List.of(new PointOperation.PointStruct(
                        PointId.of(1), Map.of("", new float[] {1, 2}, "img", new float[3]), null))),
                true));
        assertSameUserError(s -> s.search(search("nope", 4)));
        assertSameUserError(s -> s.search(search("", 7)));
        assertThat(local.count(Filter.ALL, true)).isZero();
    }

    @Test
    void unknownCollectionOrShardIsNotFound() {
        assertThatThrownBy(() -> remote("missing", 0, TIMEOUTS).count(Filter.ALL, true))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.NOT_FOUND))
                .hasMessageContaining("collection missing");
        assertThatThrownBy(() -> remote("c", 3, TIMEOUTS).info())
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.NOT_FOUND))
                .hasMessageContaining("Shard 3");
    }

    @Test
    void otherFailuresAreServiceErrorsNamingThePeer() {
        peer.serve("broken", new ScriptedShard(q -> {
            throw new ServiceException("segment file unreadable");
        }));
        assertThatThrownBy(() -> remote("broken", 0, TIMEOUTS).search(search("", 4)))
                .isExactlyInstanceOf(ServiceException.class)
                .hasMessageContaining(peer.address)
                .hasMessageContaining("Search on shard 0 of collection broken")
                .hasMessageContaining("segment file unreadable");
        peer.serve("buggy", new ScriptedShard(q -> {
            throw new IllegalStateException("invariant broken");
        }));
        assertThatThrownBy(() -> remote("buggy", 0, TIMEOUTS).search(search("", 4)))
                .isExactlyInstanceOf(ServiceException.class)
                .hasMessageContaining(peer.address)
                .hasMessageContaining("invariant broken");
        assertThatThrownBy(() -> remote("buggy", 0, TIMEOUTS).count(Filter.ALL, true))
                .isExactlyInstanceOf(ServiceException.class)
                .hasMessageContaining("UnsupportedOperationException");
    }

    @Test
    void aSlowPeerFailsAtTheDeadline() {
        peer.serve("slow", new ScriptedShard(q -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        }));
        RemoteShard slow = remote("slow", 0, ShardCallTimeouts.all(Duration.ofMillis(300)));
        long start = System.nanoTime();
        assertThatThrownBy(() -> slow.search(search("", 4)))
                .isExactlyInstanceOf(ServiceException.class)
                .hasMessageContaining(peer.address)
                .hasMessageContaining("did not answer Search on shard 0 of collection slow within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aDeadPeerFailsClearlyWithinTheDeadline() {
        ShardServicePeer doomed = new ShardServicePeer(tmp.resolve("doomed"));
        LocalShard shard = LocalShard.open(tmp.resolve("doomed-shard"), RemoteShardTest.config());
        try {
            doomed.serve("c", shard);
            RemoteShard remote =
                    new RemoteShard(channels, doomed.address, "c", 0, ShardCallTimeouts.all(Duration.ofSeconds(3)));
            assertThat(remote.count(Filter.ALL, true)).isZero();
            doomed.close();
            long start = System.nanoTime();
            assertThatThrownBy(() -> remote.count(Filter.ALL, true))
                    .isExactlyInstanceOf(ServiceException.class)
                    .hasMessageContaining("Peer " + doomed.address)
                    .hasMessageContaining("Count on shard 0 of collection c");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        } finally {
            doomed.close();
            shard.close();
        }
    }
}
