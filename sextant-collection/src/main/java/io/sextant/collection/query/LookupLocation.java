package io.sextant.collection.query;

/**
 * Where point-id vector inputs are looked up ({@code lookup_from}): another collection (name or
 * alias) and optionally one of its named vectors (null = the query's {@code using}).
 */
public record LookupLocation(String collection, String vector) {}
