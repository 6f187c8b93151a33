package io.sextant.cluster.replica;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Test fixture: replica sets of one shard on peers 1, 2, 3 (placement order) and a router-only peer 4. */
abstract class ThreeReplicaPeers {
    static final long A = 1;
    static final long B = 2;
    static final long C = 3;
    static final long ROUTER = 4;

    @TempDir
    Path dir;

    InProcessPeers peers;

    @BeforeEach
    void wire() {
        peers = new InProcessPeers(List.of(A, B, C), List.of(ROUTER), dir);
    }

    @AfterEach
    void close() {
        for (RecordingShard r : peers.replicas.values()) {
            r.gate = null;
            r.readDelayMillis = 0;
        }
        peers.sets.values().forEach(ReplicaSet::close);
    }

    /** How long {@code r} took, in milliseconds. */
    static long millis(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
    }
}
