package io.sextant.server.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code sextant.grpc.executor}: pooled platform threads by default, virtual threads on request. */
class GrpcExecutorsTest {

    @AfterEach
    void clear() {
        System.clearProperty(GrpcExecutors.PROPERTY);
    }

    private static boolean runsOnVirtualThread() throws Exception {
        ExecutorService e = GrpcExecutors.create();
        try {
            AtomicBoolean virtual = new AtomicBoolean();
            e.submit(() -> virtual.set(Thread.currentThread().isVirtual())).get(10, TimeUnit.SECONDS);
            return virtual.get();
        } finally {
            e.shutdownNow();
        }
    }

    @Test
    void poolByDefaultVirtualWhenAsked() throws Exception {
        assertThat(runsOnVirtualThread()).isFalse();
        System.setProperty(GrpcExecutors.PROPERTY, "virtual");
        assertThat(runsOnVirtualThread()).isTrue();
    }

    @Test
    void unknownModeIsRefused() {
        System.setProperty(GrpcExecutors.PROPERTY, "direct");
        assertThatThrownBy(GrpcExecutors::create)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool or virtual");
    }
}
