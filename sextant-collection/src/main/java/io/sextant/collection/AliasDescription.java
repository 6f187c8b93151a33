package io.sextant.collection;

/** An alias and the collection it points at. */
public record AliasDescription(String alias, String collection) {}
