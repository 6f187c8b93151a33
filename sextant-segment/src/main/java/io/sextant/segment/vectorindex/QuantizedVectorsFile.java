package io.sextant.segment.vectorindex;

import io.sextant.index.hnsw.IndexCorruptedException;
import io.sextant.index.memory.PlacedFiles;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.storage.AtomicFiles;
import io.sextant.vector.Distance;
import io.sextant.vector.quant.Quantizer;
import io.sextant.vector.quant.QuantizerSpec;
import io.sextant.vector.quant.Quantizers;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The file of the quantized codes of one named vector of an immutable segment.
 *
 * <h2>Layout, format version 1 (all integers little-endian)</h2>
 *
 * <pre>
 * offset  size  field
 * 0       4     magic 0x56515853 (the bytes "SXQV")
 * 4       4     format version = 1
 * 8       4     codec: {@link Quantizer.Kind} ordinal (0 scalar int8, 1 binary, 2 product, 3 turbo)
 * 12      4     dimension d
 * 16      4     count N (the segment's offsets; a point without this vector has a zero code)
 * 20      4     code bytes C per vector
 * 24      4     params length P
 * 28      4     reserved, 0
 * 32      P     codec params ({@link Quantizer#params()})
 * 32+P    pad   zero bytes up to a multiple of 8
 * A       N*C   codes, ordinal i at A + i*C
 * end-4   4     CRC32C of every preceding byte
 * </pre>
 *
 * Written to {@code <name>.tmp}, fsynced and renamed, so a crash leaves the old file or the whole
 * new one. {@link #read} checks magic, version, lengths and the CRC before anything is served; a
 * bad file is an {@link IndexCorruptedException} and the owner rebuilds it. Stateless, thread-safe.
 */
public final class QuantizedVectorsFile {
    static final int MAGIC = 0x5651_5853;
    static final int VERSION = 1;
    static final int HEADER = 32;

    private QuantizedVectorsFile() {}

    private static long codesOffset(int paramsLength) {
        return (HEADER + paramsLength + 7L) & ~7L;
    }

    /** Writes {@code count} codes durably to {@code path}, replacing any existing file. */
    public static void write(Path path, Quantizer q, MemorySegment codes, int count) throws IOException {
        byte[] params = q.params();
        long codesAt = codesOffset(params.length);
        long codeBytes = (long) count * q.codeBytes();
        ByteBuffer head = ByteBuffer.allocate((int) codesAt).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(MAGIC)
                .putInt(VERSION)
                .putInt(q.kind().ordinal())
                .putInt(q.dimension())
                .putInt(count)
                .putInt(q.codeBytes())
                .putInt(params.length)
                .putInt(0)
                .put(params);
        head.clear();
        CRC32C crc = new CRC32C();
        crc.update(head.duplicate());
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, head);
            ByteBuffer body = codes.asSlice(0, codeBytes).asByteBuffer();
            crc.update(body.duplicate());
            writeFully(ch, body);
            ByteBuffer tail =
                    ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
            tail.flip();
            writeFully(ch, tail);
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDir(path.getParent());
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Maps and verifies the code file; the codes are copied to resident memory when {@code
     * resident}, else served from the mapping.
     *
     * @throws IndexCorruptedException when the file is truncated, corrupted, of another version or
     *     written for another dimension
     */
    public static QuantizedVectors read(Path path, QuantizerSpec spec, Distance distance, int dim, boolean resident)
            throws IOException {
        return read(path, spec, distance, dim, resident ? MemoryPlacement.PINNED : MemoryPlacement.COLD);
    }

    /**
     * Maps and verifies the code file, then holds the codes as {@code placement} says ({@link
     * PlacedFiles#settle}): a locked copy (pinned), the prefaulted mapping (cached) or the mapping
     * with the pages read for verification dropped again (cold).
     *
     * @throws IndexCorruptedException when the file is truncated, corrupted, of another version or
     *     written for another dimension
     */
    public static QuantizedVectors read(
            Path path, QuantizerSpec spec, Distance distance, int dim, MemoryPlacement placement) throws IOException {
        MemorySegment data;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
        }
        long size = data.byteSize();
        if (size < HEADER + 4) {
            throw new IndexCorruptedException(path, "truncated: " + size + " bytes");
        }
        ValueLayout.OfInt le = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        if (data.get(le, 0) != MAGIC) {
            throw new IndexCorruptedException(path, "bad magic, not a quantized vectors file");
        }
        int version = data.get(le, 4);
        if (version != VERSION) {
            throw new IndexCorruptedException(path, "format version " + version + ", this build reads " + VERSION);
        }
        int kind = data.get(le, 8);
        int d = data.get(le, 12);
        int count = data.get(le, 16);
        int codeBytes = data.get(le, 20);
        int paramsLength = data.get(le, 24);
        if (kind < 0
                || kind >= Quantizer.Kind.values().length
                || d != dim
                || count < 0
                || codeBytes < 1
                || paramsLength < 0
                || paramsLength > size) {
            throw new IndexCorruptedException(
                    path,
                    "bad header: kind=" + kind + ", dim=" + d + " (expected " + dim + "), count=" + count
                            + ", code bytes=" + codeBytes + ", params=" + paramsLength);
        }
        long codesAt = codesOffset(paramsLength);
        long expected = codesAt + (long) count * codeBytes + 4;
        if (size != expected) {
            throw new IndexCorruptedException(path, "length " + size + ", header implies " + expected);
        }
        CRC32C crc = new CRC32C();
        crc.update(data.asSlice(0, size - 4).asByteBuffer());
        if ((int) crc.getValue() != data.get(le, size - 4)) {
            throw new IndexCorruptedException(path, "checksum mismatch");
        }
        byte[] params = data.asSlice(HEADER, paramsLength).toArray(ValueLayout.JAVA_BYTE);
        Quantizer q;
        try {
            q = Quantizers.read(Quantizer.Kind.values()[kind], distance, dim, params);
        } catch (RuntimeException e) {
            throw new IndexCorruptedException(path, "unreadable codec params: " + e.getMessage());
        }
        if (q.codeBytes() != codeBytes) {
            throw new IndexCorruptedException(
                    path, "code size " + codeBytes + " does not match the codec's " + q.codeBytes());
        }
        MemorySegment codes = data.asSlice(codesAt, (long) count * codeBytes);
        if (placement == MemoryPlacement.COLD) {
            PlacedFiles.evict(data, path); // the checksum pass read every page
        }
        codes = PlacedFiles.settle(codes, path, placement.residency(), Arena.ofAuto());
        return new QuantizedVectors(spec, q, codes, count, placement != MemoryPlacement.COLD);
    }
}
