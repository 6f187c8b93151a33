package io.sextant.collection.strict;

import io.sextant.segment.error.UserException;

/**
 * A request refused by a collection's read or write rate limiter (REST 429 with a {@code
 * Retry-After} header in whole seconds, when retrying can help). Immutable.
 */
public final class RateLimitedException extends UserException {
    private final Long retryAfterSeconds;

    RateLimitedException(String message, Long retryAfterSeconds) {
        super(Kind.TOO_MANY_REQUESTS, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds to wait before the request can pass, or null when it never can (split it). */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Qdrant's message for a refusal of {@code cost} tokens by the "Read" or "Write" limiter. */
    static RateLimitedException of(String kind, long cost, RateLimiter.Refusal r) {
        if (r.alwaysOverBudget()) {
            return new RateLimitedException(
                    "Rate limiting exceeded: " + kind
                            + " rate limit exceeded, request larger than rate limiter capacity, please try to split your"
                            + " request",
                    null);
        }
        long retry = (long) Math.ceil(r.retryAfterSeconds());
        return new RateLimitedException(
                String.format(
                        java.util.Locale.ROOT,
                        "Rate limiting exceeded: %s rate limit exceeded: Operation requires %d tokens but only %.1f were"
                                + " available. Retry after %ds",
                        kind,
                        cost,
                        r.tokensAvailable(),
                        retry),
                retry);
    }
}
