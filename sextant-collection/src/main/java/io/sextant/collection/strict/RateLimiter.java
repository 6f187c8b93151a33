package io.sextant.collection.strict;

import java.util.function.LongSupplier;

/**
 * A token bucket for "so many operations per minute": it holds at most {@code perMinute} tokens,
 * starts full (a burst is allowed), and refills continuously at {@code perMinute / 60} tokens per
 * second. An operation costs a number of tokens (points written, vectors searched, filter
 * conditions, …). Thread-safe (synchronized); the clock is injected so tests are deterministic.
 */
public final class RateLimiter {

    /** Why an operation was refused: it can never fit, or it fits after {@code retryAfterSeconds}. */
    public record Refusal(boolean alwaysOverBudget, double tokensAvailable, double retryAfterSeconds) {}

    private final long capacity;
    private final double tokensPerNano;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastNanos;

    /** A limiter of {@code perMinute} tokens per minute on the system's monotonic clock. */
    public RateLimiter(long perMinute) {
        this(perMinute, System::nanoTime);
    }

    public RateLimiter(long perMinute, LongSupplier nanoClock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("rate limit must be >= 1 per minute, got " + perMinute);
        }
        this.capacity = perMinute;
        this.tokensPerNano = perMinute / 60e9;
        this.nanoClock = nanoClock;
        this.tokens = perMinute;
        this.lastNanos = nanoClock.getAsLong();
    }

    /**
     * Takes {@code cost} tokens if there are enough.
     *
     * @return null when taken, else why not (nothing is taken then)
     */
    public synchronized Refusal tryConsume(long cost) {
        if (cost > capacity) {
            return new Refusal(true, tokens, 0);
        }
        long now = nanoClock.getAsLong();
        tokens = Math.min(capacity, tokens + (now - lastNanos) * tokensPerNano);
        lastNanos = now;
        if (tokens >= cost) {
            tokens -= cost;
            return null;
        }
        double missing = cost - tokens;
        return new Refusal(false, tokens, missing / tokensPerNano / 1e9);
    }
}
