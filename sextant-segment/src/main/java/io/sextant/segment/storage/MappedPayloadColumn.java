package io.sextant.segment.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.index.memory.PlacedFiles;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Payloads of an immutable segment read straight from its memory-mapped {@code points.bin}: the
 * file already stores, per offset, an i32 length and the payload's UTF-8 JSON ({@link PointsFile}),
 * so the column keeps only one int per offset (the file position of that length field) and decodes
 * the JSON on every {@link #get}. Nothing of a payload stays on the Java heap between reads; the
 * bytes live in the page cache, as the placement says: {@link MemoryPlacement#CACHED} prefaults the
 * mapping after open, {@link MemoryPlacement#COLD} drops the pages read while opening and turns
 * readahead off, so only the pages of payloads actually read come back.
 *
 * <p>The mapping belongs to an automatic arena: it is unmapped when the column is unreachable, so a
 * reader still inside a retired segment keeps a valid mapping. An immutable segment's {@code
 * points.bin} is replaced only by renaming a new file over it, which leaves this mapping on the old
 * file intact.
 *
 * <p>Thread-safety: immutable after {@link #open}; any number of concurrent readers. Each {@link
 * #get} returns a fresh tree.
 */
public final class MappedPayloadColumn implements PayloadColumn {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ValueLayout.OfInt LENGTH = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Path file;
    private final MemorySegment mapped;
    private final int[] positions;
    private final MemoryPlacement placement;

    private MappedPayloadColumn(Path file, MemorySegment mapped, int[] positions, MemoryPlacement placement) {
        this.file = file;
        this.mapped = mapped;
        this.positions = positions;
        this.placement = placement;
    }

    /** A points file read with its payloads left in the mapping. */
    record Opened(PointsFile.Content content, MappedPayloadColumn column) {}

    /**
     * Maps {@code file}, verifies it (checksum, structure: a corrupt file is rejected as by {@link
     * PointsFile#read}) and reads everything but the payloads.
     *
     * @param placement {@link MemoryPlacement#CACHED} or {@link MemoryPlacement#COLD}
     * @throws ServiceException when the file cannot be read or is corrupt
     */
    static Opened open(Path file, MemoryPlacement placement) {
        if (placement == MemoryPlacement.PINNED) {
            throw new IllegalArgumentException("Pinned payloads live on the heap, not in a mapping: " + file);
        }
        MemorySegment m;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new ServiceException("Points file " + file + " has " + size + " bytes, more than "
                        + Integer.MAX_VALUE + " bytes is not supported");
            }
            m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
        } catch (IOException e) {
            throw new ServiceException("Failed to map " + file + ": " + e.getMessage(), e);
        }
        PointsFile.Content c = PointsFile.readWithoutPayloads(m.asByteBuffer(), file);
        return new Opened(c, new MappedPayloadColumn(file, m, c.payloadPositions(), placement));
    }

    @Override
    public ObjectNode get(int offset) {
        long pos = positions[offset];
        int len = mapped.get(LENGTH, pos);
        if (len < 0) {
            return null;
        }
        byte[] json = new byte[len];
        MemorySegment.copy(mapped, ValueLayout.JAVA_BYTE, pos + 4, json, 0, len);
        try {
            JsonNode node = JSON.readTree(json);
            if (node instanceof ObjectNode o) {
                return o;
            }
            throw new ServiceException("Corrupt points file " + file + ": payload at offset " + offset + " is "
                    + node.getNodeType() + ", expected a JSON object");
        } catch (IOException e) {
            throw new ServiceException(
                    "Corrupt points file " + file + ": payload at offset " + offset + ": " + e.getMessage(), e);
        }
    }

    @Override
    public MemoryPlacement placement() {
        return placement;
    }

    /** Number of offsets. */
    public int count() {
        return positions.length;
    }

    /**
     * Every payload decoded into a heap column of at least {@code capacity} slots (for appendable
     * segments, whose payloads change in place); the pages read are then dropped again.
     */
    HeapPayloadColumn toHeap(int capacity) {
        HeapPayloadColumn heap = new HeapPayloadColumn(Math.max(capacity, positions.length));
        for (int i = 0; i < positions.length; i++) {
            heap.set(i, get(i));
        }
        release();
        return heap;
    }

    @Override
    public void afterOpen() {
        PlacedFiles.settle(mapped, file, placement.residency(), Arena.ofAuto());
    }

    @Override
    public void release() {
        PlacedFiles.release(mapped, file);
    }
}
