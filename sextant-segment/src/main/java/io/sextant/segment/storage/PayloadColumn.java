package io.sextant.segment.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.config.MemoryPlacement;

/**
 * The payload of each offset of a segment, held either as decoded JSON trees on the Java heap
 * ({@link HeapPayloadColumn}, appendable segments and collections that keep payloads in RAM) or as
 * the UTF-8 JSON already stored in {@code points.bin}, decoded on every read ({@link
 * MappedPayloadColumn}, immutable segments of collections with {@code on_disk_payload: true}).
 *
 * <p>A returned payload must not be modified by the caller: a heap column hands out the stored
 * tree itself. Implementations are safe for concurrent readers; writes are described per class.
 */
public sealed interface PayloadColumn permits HeapPayloadColumn, MappedPayloadColumn {

    /** The payload stored at {@code offset} (deleted offsets keep theirs), or null for none. */
    ObjectNode get(int offset);

    /** Where the payloads live: {@link MemoryPlacement#PINNED} for heap trees, else the mapping's placement. */
    MemoryPlacement placement();

    /**
     * Drops pages read while opening (payload index builds read every payload once) when the
     * placement keeps the column on disk; no-op otherwise.
     */
    default void afterOpen() {}

    /** Gives the column's memory back when its segment is retired; readers still using it stay correct. */
    default void release() {}
}
