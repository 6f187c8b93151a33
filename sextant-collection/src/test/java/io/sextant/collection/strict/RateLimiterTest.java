package io.sextant.collection.strict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void startsFullAndRefusesWhenEmpty() {
        RateLimiter r = new RateLimiter(1, now::get);
        assertThat(r.tryConsume(1)).isNull();
        RateLimiter.Refusal refused = r.tryConsume(1);
        assertThat(refused).isNotNull();
        assertThat(refused.alwaysOverBudget()).isFalse();
        assertThat(refused.tokensAvailable()).isEqualTo(0.0);
        assertThat(refused.retryAfterSeconds()).isEqualTo(60.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void refillsContinuouslyUpToCapacity() {
        RateLimiter r = new RateLimiter(60, now::get); // one token per second
        assertThat(r.tryConsume(60)).isNull();
        assertThat(r.tryConsume(1)).isNotNull();
        now.addAndGet(2_000_000_000L);
        assertThat(r.tryConsume(2)).isNull();
        assertThat(r.tryConsume(1)).isNotNull();
        now.addAndGet(3_600_000_000_000L); // an hour: still only 60 tokens
        assertThat(r.tryConsume(60)).isNull();
        assertThat(r.tryConsume(1)).isNotNull();
    }

    @Test
    void requestLargerThanCapacityNeverPasses() {
        RateLimiter r = new RateLimiter(10, now::get);
        RateLimiter.Refusal refused = r.tryConsume(11);
        assertThat(refused.alwaysOverBudget()).isTrue();
        assertThat(r.tryConsume(10))
                .as("nothing was taken by the refused request")
                .isNull();
    }

    @Test
    void refusalMessagesAreQdrants() {
        RateLimiter r = new RateLimiter(10, now::get);
        r.tryConsume(10);
        RateLimitedException e = RateLimitedException.of("Write", 10, r.tryConsume(10));
        assertThat(e.getMessage())
                .isEqualTo(
                        "Rate limiting exceeded: Write rate limit exceeded: Operation requires 10 tokens but only 0.0"
                                + " were available. Retry after 60s");
        assertThat(e.retryAfterSeconds()).isEqualTo(60L);
        RateLimitedException big = RateLimitedException.of("Read", 11, r.tryConsume(11));
        assertThat(big.getMessage())
                .endsWith("Read rate limit exceeded, request larger than rate limiter capacity,"
                        + " please try to split your request");
        assertThat(big.retryAfterSeconds()).isNull();
    }

    @Test
    void rejectsNonPositiveRate() {
        assertThatThrownBy(() -> new RateLimiter(0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
