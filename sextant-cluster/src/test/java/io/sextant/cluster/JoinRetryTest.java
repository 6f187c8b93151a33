package io.sextant.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The retry loop a new peer joins the cluster with: a join call that timed out comes back from
 * gRPC as a runtime exception (seen on a loaded machine: the joining peer's process ended), and
 * must be retried like an I/O failure until the deadline.
 */
class JoinRetryTest {

    @Test
    void aRuntimeFailureIsRetriedLikeAnIoFailure() {
        AtomicInteger tries = new AtomicInteger();
        ClusterNode.retryUntil(Duration.ofSeconds(10), 1, "join", () -> {
            switch (tries.incrementAndGet()) {
                case 1 -> throw new IllegalStateException("DEADLINE_EXCEEDED: deadline exceeded after 2.2s");
                case 2 -> throw new IOException("connection refused");
                case 3 -> {
                    return new IOException("not the leader");
                }
                default -> {
                    return null;
                }
            }
        });
        assertThat(tries.get()).isEqualTo(4);
    }

    @Test
    void theDeadlineEndsItWithTheLastFailure() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> ClusterNode.retryUntil(Duration.ofMillis(500), 5, "join the cluster", () -> {
                    tries.incrementAndGet();
                    throw new IllegalStateException("UNAVAILABLE");
                }))
                .isInstanceOf(ServiceException.class)
                .hasMessage("Cannot join the cluster: UNAVAILABLE");
        // 500 ms, not less: under load the first try and its log line alone took over 50 ms (bin/test)
        assertThat(tries.get()).isGreaterThan(1);
    }
}
