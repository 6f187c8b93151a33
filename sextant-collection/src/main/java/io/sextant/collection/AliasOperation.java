package io.sextant.collection;

/**
 * One action of an atomic alias batch ({@code POST /collections/aliases}). Immutable records.
 */
public sealed interface AliasOperation {

    /** Point {@code alias} at {@code collection} (replacing an existing alias of that name). */
    record Create(String collection, String alias) implements AliasOperation {}

    /** Remove {@code alias}; it must exist. */
    record Delete(String alias) implements AliasOperation {}

    /** Rename alias {@code oldAlias} to {@code newAlias}; the old one must exist. */
    record Rename(String oldAlias, String newAlias) implements AliasOperation {}
}
