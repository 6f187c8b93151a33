package io.sextant.server.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code sextant.rest.threads}: Jetty's platform pool by default, the other modes on request. */
class RestThreadsTest {

    @AfterEach
    void clear() {
        System.clearProperty(RestThreads.PROPERTY);
    }

    private static JavalinConfig configured() {
        AtomicReference<JavalinConfig> seen = new AtomicReference<>();
        Javalin.create(config -> {
            RestThreads.configure(config);
            seen.set(config);
        });
        return seen.get();
    }

    @Test
    void platformByDefault() {
        JavalinConfig c = configured();
        assertThat(c.concurrency.useVirtualThreads).isFalse();
        assertThat(c.jetty.threadPool).isInstanceOfSatisfying(QueuedThreadPool.class, p -> {
            assertThat(p.getMaxThreads()).isEqualTo(250);
            assertThat(p.getVirtualThreadsExecutor()).isNull();
        });
    }

    @Test
    void virtualAndHybridOnRequest() {
        System.setProperty(RestThreads.PROPERTY, "virtual");
        assertThat(configured().concurrency.useVirtualThreads).isTrue();
        System.setProperty(RestThreads.PROPERTY, "hybrid");
        JavalinConfig c = configured();
        assertThat(c.concurrency.useVirtualThreads).isFalse();
        assertThat(((QueuedThreadPool) c.jetty.threadPool).getVirtualThreadsExecutor())
                .isNotNull();
    }

    @Test
    void unknownModeIsRefused() {
        System.setProperty(RestThreads.PROPERTY, "loom");
        assertThatThrownBy(RestThreadsTest::configured)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("platform, virtual or hybrid");
    }
}
