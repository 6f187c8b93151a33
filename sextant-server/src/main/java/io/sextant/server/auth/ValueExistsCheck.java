package io.sextant.server.auth;

import java.util.Map;

/**
 * Answers a JWT's {@code value_exists} claim: whether {@code collection} holds at least one point
 * whose payload has every {@code key → value} of {@code matches}. Implementations must be
 * thread-safe; they may throw {@link io.sextant.segment.error.UserException} (e.g. the collection
 * does not exist), which counts as "no".
 */
@FunctionalInterface
public interface ValueExistsCheck {

    /** A check that never holds: tokens with a {@code value_exists} claim are refused. */
    ValueExistsCheck NEVER = (collection, matches) -> false;

    boolean exists(String collection, Map<String, Object> matches);
}
