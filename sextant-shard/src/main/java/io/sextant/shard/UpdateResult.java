package io.sextant.shard;

/**
 * Outcome of an update: the WAL sequence number it got, and whether it was already applied
 * ({@code completed}) or only durably acknowledged in the WAL ({@code acknowledged}).
 */
public record UpdateResult(long operationId, boolean completed) {}
