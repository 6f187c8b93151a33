package io.sextant.segment.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Codec of a segment's {@code points.bin}: per offset the point id, its version (WAL sequence of
 * its last change), which named vectors it has and its payload. Written atomically with {@link
 * AtomicFiles}; an appendable segment rewrites it on every flush, an immutable one writes it once.
 * Stateless and thread-safe.
 *
 * <p>Layout, version 1, big-endian:
 *
 * <pre>
 * offset 0   u8[4]  magic "SXPT"
 * offset 4   u32    format version = 1
 * offset 8   u64    persisted sequence (last WAL seq reflected)
 * offset 16  u8     kind: 0 = appendable, 1 = immutable (offsets sorted by id)
 * offset 17  u32    n = number of offsets
 * offset 21  u16    m = number of vector names, then m x (u16 length, UTF-8 name), sorted
 * then n records:
 *            u8     id kind: 0 = number, 1 = UUID
 *            u64    number, or u64 most + u64 least significant bits of the UUID
 *            u64    version
 *            u64    presence bits: bit i set = has vector names[i]
 *            i32    payload length in bytes, -1 = no payload, then UTF-8 JSON object
 * last 4     u32    CRC32C of bytes [8, length - 4)
 * </pre>
 */
public final class PointsFile {
    public static final String MAGIC = "SXPT";
    public static final int VERSION = 1;
    public static final String NAME = "points.bin";
    /** The smallest record: numeric id (1 + 8), version, presence, payload length -1. */
    private static final int MIN_RECORD = 1 + 8 + 8 + 8 + 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    private PointsFile() {}

    /**
     * The decoded content. Arrays have length {@code count}.
     *
     * @param payloads the decoded payloads (null entries for none); null when read without payloads
     * @param payloadPositions per offset, the file position of its payload's i32 length field
     */
    public record Content(
            long persistedSeq,
            boolean immutable,
            List<String> names,
            PointId[] ids,
            long[] versions,
            long[] presence,
            ObjectNode[] payloads,
            int[] payloadPositions) {
        public int count() {
            return ids.length;
        }
    }

    /** Source of the records to write. */
    public interface Rows {
        int count();

        PointId id(int offset);

        long version(int offset);

        long presence(int offset);

        ObjectNode payload(int offset);
    }

    public static void write(Path file, long persistedSeq, boolean immutable, List<String> names, Rows rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + rows.count() * 40);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            out.writeInt(VERSION);
            out.writeLong(persistedSeq);
            out.writeByte(immutable ? 1 : 0);
            out.writeInt(rows.count());
            out.writeShort(names.size());
            for (String n : names) {
                byte[] b = n.getBytes(StandardCharsets.UTF_8);
                out.writeShort(b.length);
                out.write(b);
            }
            for (int i = 0; i < rows.count(); i++) {
                writeId(out, rows.id(i));
                out.writeLong(rows.version(i));
                out.writeLong(rows.presence(i));
                ObjectNode p = rows.payload(i);
                if (p == null) {
                    out.writeInt(-1);
                } else {
                    byte[] b = JSON.writeValueAsBytes(p);
                    out.writeInt(b.length);
                    out.write(b);
                }
            }
        } catch (IOException e) {
            throw new ServiceException("Failed to encode " + file + ": " + e.getMessage(), e);
        }
        byte[] body = bytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body, FileHeader.SIZE, body.length - FileHeader.SIZE);
        ByteBuffer buf = ByteBuffer.allocate(body.length + 4);
        buf.put(body).putInt((int) crc.getValue()).flip();
        AtomicFiles.write(file, buf);
    }

    /** Reads and verifies {@code file}, decoding every payload. */
    public static Content read(Path file) {
        return parse(AtomicFiles.read(file), file, true);
    }

    /**
     * Verifies and reads the whole content of a points file held in {@code buf} (for example a
     * mapping of it) except payloads, which are only located: {@link Content#payloads} is null and
     * {@link Content#payloadPositions} says where each one is.
     */
    static Content readWithoutPayloads(ByteBuffer buf, Path file) {
        return parse(buf, file, false);
    }

    private static Content parse(ByteBuffer buf, Path file, boolean decodePayloads) {
        FileHeader.check(buf, MAGIC, VERSION, file);
        checkCrc(buf, file);
        try {
            long seq = buf.getLong();
            boolean immutable = buf.get() == 1;
            int n = buf.getInt();
            if (n < 0 || (long) n * MIN_RECORD > buf.remaining()) {
                throw new IllegalArgumentException(
                        n + " points of at least " + MIN_RECORD + " bytes in " + buf.remaining() + " bytes");
            }
            int m = buf.getShort() & 0xffff;
            List<String> names = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                byte[] b = new byte[buf.getShort() & 0xffff];
                buf.get(b);
                names.add(new String(b, StandardCharsets.UTF_8));
            }
            PointId[] ids = new PointId[n];
            long[] versions = new long[n];
            long[] presence = new long[n];
            ObjectNode[] payloads = decodePayloads ? new ObjectNode[n] : null;
            int[] positions = new int[n];
            for (int i = 0; i < n; i++) {
                ids[i] = readId(buf);
                versions[i] = buf.getLong();
                presence[i] = buf.getLong();
                positions[i] = buf.position();
                int len = buf.getInt();
                if (len < -1 || len > buf.remaining()) {
                    throw new IllegalArgumentException(
                            "payload of " + len + " bytes at offset " + i + ", " + buf.remaining() + " bytes left");
                }
                if (len >= 0) {
                    if (decodePayloads) {
                        payloads[i] = (ObjectNode) JSON.readTree(buf.array(), buf.position(), len);
                    }
                    buf.position(buf.position() + len);
                }
            }
            return new Content(seq, immutable, names, ids, versions, presence, payloads, positions);
        } catch (RuntimeException | IOException e) {
            throw new ServiceException("Corrupt points file " + file + ": " + e, e);
        }
    }

    /** Checks the CRC32C trailer over [8, limit-4) and sets the limit before the trailer. */
    static void checkCrc(ByteBuffer buf, Path file) {
        int end = buf.limit() - 4;
        if (end < FileHeader.SIZE) {
            throw new ServiceException("Corrupt file " + file + ": too short for its checksum");
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().position(FileHeader.SIZE).limit(end));
        int stored = buf.getInt(end);
        if ((int) crc.getValue() != stored) {
            throw new ServiceException("Corrupt file " + file + ": checksum mismatch (stored "
                    + Integer.toHexString(stored) + ", computed " + Long.toHexString(crc.getValue()) + ")");
        }
        buf.limit(end);
    }

    static void writeId(DataOutputStream out, PointId id) throws IOException {
        switch (id) {
            case PointId.Num n -> {
                out.writeByte(0);
                out.writeLong(n.value());
            }
            case PointId.Uuid u -> {
                out.writeByte(1);
                out.writeLong(u.value().getMostSignificantBits());
                out.writeLong(u.value().getLeastSignificantBits());
            }
        }
    }

    static PointId readId(ByteBuffer buf) {
        byte kind = buf.get();
        return switch (kind) {
            case 0 -> new PointId.Num(buf.getLong());
            case 1 -> new PointId.Uuid(new UUID(buf.getLong(), buf.getLong()));
            default -> throw new IllegalArgumentException("Unknown point id kind " + kind + ", expected 0 or 1");
        };
    }
}
