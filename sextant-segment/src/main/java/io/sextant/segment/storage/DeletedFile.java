package io.sextant.segment.storage;

import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.roaringbitmap.RoaringBitmap;

/**
 * Codec of a segment's {@code deleted.bin}: the offsets deleted since the segment was written, as
 * a serialized RoaringBitmap. Kept apart from {@code points.bin} so that deleting from a large
 * immutable segment rewrites only this small file. Stateless and thread-safe.
 *
 * <p>Layout, version 1, big-endian:
 *
 * <pre>
 * offset 0   u8[4]  magic "SXDL"
 * offset 4   u32    format version = 1
 * offset 8   u64    persisted sequence
 * offset 16  u32    length L of the bitmap
 * offset 20  u8[L]  RoaringBitmap portable serialization
 * last 4     u32    CRC32C of bytes [8, length - 4)
 * </pre>
 *
 * A missing file means no deletions.
 */
public final class DeletedFile {
    public static final String MAGIC = "SXDL";
    public static final int VERSION = 1;
    public static final String NAME = "deleted.bin";

    private DeletedFile() {}

    public static void write(Path file, long persistedSeq, RoaringBitmap deleted) {
        deleted.runOptimize();
        int len = deleted.serializedSizeInBytes();
        ByteBuffer buf = ByteBuffer.allocate(FileHeader.SIZE + 12 + len + 4);
        FileHeader.write(buf, MAGIC, VERSION);
        buf.putLong(persistedSeq).putInt(len);
        deleted.serialize(buf);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), FileHeader.SIZE, buf.position() - FileHeader.SIZE);
        buf.putInt((int) crc.getValue()).flip();
        AtomicFiles.write(file, buf);
    }

    public static RoaringBitmap read(Path file) {
        if (!Files.exists(file)) {
            return new RoaringBitmap();
        }
        ByteBuffer buf = AtomicFiles.read(file);
        FileHeader.check(buf, MAGIC, VERSION, file);
        PointsFile.checkCrc(buf, file);
        RoaringBitmap bm = new RoaringBitmap();
        try {
            buf.getLong();
            int len = buf.getInt();
            bm.deserialize(buf.slice(buf.position(), len));
        } catch (IOException | RuntimeException e) {
            throw new ServiceException("Corrupt deleted-points file " + file + ": " + e, e);
        }
        if (!bm.validate()) {
            throw new ServiceException("Corrupt deleted-points file " + file + ": inconsistent bitmap containers");
        }
        return bm;
    }
}
