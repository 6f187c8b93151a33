package io.sextant.server.api;

import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.UserException;

/**
 * Qdrant's {@code storage.max_collections}: creating a collection on a node that already holds
 * that many is refused with 400, over REST and gRPC alike (existing collections are never touched).
 * Two creations racing past the check can exceed the limit by one each, as in Qdrant. Immutable
 * and thread-safe.
 *
 * @param max most collections a node holds, or {@link #NONE}
 */
public record CollectionLimit(int max) {

    /** No limit (Qdrant's default, {@code max_collections: null}). */
    public static final int NONE = Integer.MAX_VALUE;

    /** No limit. */
    public static final CollectionLimit UNLIMITED = new CollectionLimit(NONE);

    public CollectionLimit {
        if (max < 0) {
            throw new IllegalArgumentException("storage.max_collections must be >= 0, got " + max);
        }
    }

    /**
     * @throws UserException 400 when {@code toc} already holds {@link #max()} collections
     */
    public void checkCreate(TableOfContents toc, String name) {
        if (max != NONE && toc.list().size() >= max) {
            throw UserException.badRequest("Can't create collection with name " + name
                    + ". Max collections limit reached: " + max + " (storage.max_collections)");
        }
    }
}
