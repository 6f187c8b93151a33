package io.sextant.collection;

/**
 * Resolves a collection name or alias to an open collection, for queries that read another
 * collection ({@code lookup_from}, {@code with_lookup}). Implementations are thread-safe.
 */
@FunctionalInterface
public interface CollectionResolver {
    /**
     * @throws io.sextant.segment.error.UserException (not found) when there is no such collection
     */
    Collection resolve(String nameOrAlias);
}
