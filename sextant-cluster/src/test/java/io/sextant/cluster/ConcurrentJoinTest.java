package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that join one running peer at the same moment, as {@code bin/sextant cluster up} and the
 * end-to-end tests start them: every one of them ends up a member. Each join used to set "the
 * members I read plus me", so a joiner that read the members before another's change was applied
 * could drop that other peer again, or be refused while the other change was in progress.
 */
class ConcurrentJoinTest {
    @TempDir
    Path tmp;

    private final List<ClusterNode> nodes = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (ClusterNode n : nodes.reversed()) {
            n.close();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ClusterNode start(String name, int port, Integer bootstrapPort) {
        URI bootstrap = bootstrapPort == null ? null : URI.create("http://127.0.0.1:" + bootstrapPort);
        ClusterNode n = ClusterNode.start(
                new ClusterSettings(true, port, 50, URI.create("http://127.0.0.1:" + port), bootstrap),
                "127.0.0.1",
                tmp.resolve(name),
                new FakeApplier());
        synchronized (nodes) {
            nodes.add(n);
        }
        return n;
    }

    @Test
    void peersJoiningAtOnceAreAllMembers() throws Exception {
        int first = freePort();
        ClusterNode one = start("peer-1", first, null);
        int joiners = 3;
        ExecutorService pool = Executors.newFixedThreadPool(joiners);
        List<Future<ClusterNode>> started = new ArrayList<>();
        for (int i = 0; i < joiners; i++) {
            String name = "peer-" + (i + 2);
            started.add(pool.submit(() -> start(name, freePort(), first)));
        }
        Set<Long> expected = new java.util.HashSet<>(Set.of(one.peerId()));
        for (Future<ClusterNode> f : started) {
            expected.add(f.get(90, TimeUnit.SECONDS).peerId());
        }
        pool.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!one.members().equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(one.members())
                .as(
                        "members after %s joined at once",
                        expected.stream().map(Long::toUnsignedString).collect(Collectors.joining(",")))
                .isEqualTo(expected);
    }
}
