package io.sextant.server.api;

import io.sextant.collection.TableOfContents;
import io.sextant.segment.error.UserException;
import io.sextant.server.api.convert.CollectionDefaults;

/**
 * What a node applies to every collection created on it, over REST and gRPC alike: Qdrant's {@code
 * storage.max_collections} (creating a collection on a node that already holds that many is
 * refused with 400; existing collections are never touched; two creations racing past the check
 * can exceed it by one each, as in Qdrant) and the node's {@link CollectionDefaults} under what
 * the request sets. Immutable and thread-safe.
 *
 * @param maxCollections most collections a node holds, or {@link #UNLIMITED}
 * @param defaults the base of a new collection's configuration
 */
public record NewCollectionRules(int maxCollections, CollectionDefaults defaults) {

    /** No limit (Qdrant's default, {@code max_collections: null}). */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** No limit, Qdrant's defaults. */
    public static final NewCollectionRules QDRANT = new NewCollectionRules(UNLIMITED, CollectionDefaults.QDRANT);

    public NewCollectionRules {
        if (maxCollections < 0) {
            throw new IllegalArgumentException("storage.max_collections must be >= 0, got " + maxCollections);
        }
        defaults = defaults == null ? CollectionDefaults.QDRANT : defaults;
    }

    /**
     * Checks the limit before {@code name} is created; an existing name is left to its own error.
     *
     * @throws UserException 400 when {@code toc} already holds {@link #maxCollections()} collections
     */
    public void checkCreate(TableOfContents toc, String name) {
        if (maxCollections != UNLIMITED && !toc.exists(name) && toc.list().size() >= maxCollections) {
            throw UserException.badRequest("Can't create collection with name " + name
                    + ". Max collections limit reached: " + maxCollections + " (storage.max_collections)");
        }
    }
}
