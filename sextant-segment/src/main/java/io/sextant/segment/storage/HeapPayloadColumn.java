package io.sextant.segment.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.config.MemoryPlacement;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Payloads as decoded JSON trees on the Java heap, one slot per offset: the column of appendable
 * segments (payloads change in place) and of immutable segments whose collection keeps payloads in
 * RAM ({@code on_disk_payload: false} or {@code payload.memory: pinned}).
 *
 * <p>Thread-safety: one writer ({@link #set}), any number of readers. The slots are an atomic
 * array; growing copies into a new column, which the owner publishes through a volatile field.
 * Stored trees are never mutated after {@link #set}.
 */
public final class HeapPayloadColumn implements PayloadColumn {
    private final AtomicReferenceArray<ObjectNode> slots;

    /** An empty column of {@code capacity} slots. */
    public HeapPayloadColumn(int capacity) {
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    /** A column holding {@code payloads} (copied), with at least {@code capacity} slots. */
    static HeapPayloadColumn of(ObjectNode[] payloads, int capacity) {
        HeapPayloadColumn c = new HeapPayloadColumn(Math.max(capacity, payloads.length));
        for (int i = 0; i < payloads.length; i++) {
            c.slots.set(i, payloads[i]);
        }
        return c;
    }

    @Override
    public ObjectNode get(int offset) {
        return slots.get(offset);
    }

    @Override
    public MemoryPlacement placement() {
        return MemoryPlacement.PINNED;
    }

    /** Stores the payload of {@code offset} (null = none). Writer only. */
    public void set(int offset, ObjectNode payload) {
        slots.set(offset, payload);
    }

    /** Number of slots. */
    public int capacity() {
        return slots.length();
    }

    /** A copy with {@code newCapacity} slots holding the first {@code used} payloads of this one. */
    HeapPayloadColumn grown(int newCapacity, int used) {
        HeapPayloadColumn c = new HeapPayloadColumn(newCapacity);
        for (int i = 0; i < used; i++) {
            c.slots.set(i, slots.get(i));
        }
        return c;
    }
}
