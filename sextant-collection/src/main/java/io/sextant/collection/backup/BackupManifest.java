package io.sextant.collection.backup;

import io.sextant.segment.error.UserException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The manifest of one incremental backup of a collection: every file of the collection directory
 * as a snapshot would lay it out ({@code config.json}, {@code shard_keys.json}, {@code
 * shards/<id>/...}) with its size and the SHA-256 of each of its fixed-size chunks, which is also
 * the name of the blob holding that chunk ({@link IncrementalBackups}). Chunk {@code i} covers bytes
 * {@code [i * chunkSize, min(size, (i + 1) * chunkSize))}, so a file that only grew (the WAL, the
 * appendable segment's vectors) shares every full chunk of its earlier prefix. A manifest alone
 * restores the collection; manifests share blobs.
 *
 * <p>Binary layout, format version 1, all integers big-endian:
 *
 * <pre>
 * offset size  field
 * 0      4     magic "SXIB" (0x53 0x58 0x49 0x42)
 * 4      2     format version, u16 (this binary reads 1)
 * 6      8     created, epoch milliseconds, i64
 * 14     4     chunk size in bytes, i32 (&gt;= 1)
 * 18     2+n   collection name: u16 byte length n, then n bytes UTF-8
 * ..     4     shard count S, i32 (0 &lt;= S &lt;= 65536)
 * ..     20*S  per shard: id i32, checkpoint (WAL seq the files reflect) i64, points (live, exact) i64
 * ..     4     file count F, i32 (0 &lt;= F &lt;= 16777216)
 * ..     per file:
 *          2+n path relative to the collection directory: u16 byte length n, n bytes UTF-8,
 *              '/'-separated, no leading '/', no empty, '.' or '..' parts
 *          8   size in bytes, i64 (&gt;= 0)
 *          4   chunk count C, i32 (must be ceil(size / chunk size))
 *          32*C SHA-256 of each chunk, in order (the blob names, in hex)
 * ..     4     CRC32C of every preceding byte, u32
 * </pre>
 *
 * A reader checks the magic, then the length and CRC, then the version, before it trusts a field; a
 * damaged manifest is refused with a message naming it. Immutable.
 */
public record BackupManifest(
        String collection, long createdMillis, int chunkSize, List<Shard> shards, List<FileRef> files) {
    public static final int FORMAT_VERSION = 1;
    static final byte[] MAGIC = {'S', 'X', 'I', 'B'};
    private static final int MAX_SHARDS = 65_536;
    private static final int MAX_FILES = 16_777_216;

    /** One shard: id, the WAL seq its files reflect and its exact live point count. */
    public record Shard(int id, long checkpoint, long points) {}

    /** One file: its path in the collection layout, size and the SHA-256 of each chunk (hex, lower case). */
    public record FileRef(String path, long size, List<String> chunks) {
        public FileRef {
            checkPath(path);
            if (size < 0) {
                throw new IllegalArgumentException("negative size " + size + " of " + path);
            }
            chunks = List.copyOf(chunks);
            for (String sha256 : chunks) {
                if (!sha256.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException("bad sha256 '" + sha256 + "' of " + path);
                }
            }
        }

        /** The length of chunk {@code i} for chunks of {@code chunkSize} bytes. */
        public long chunkLength(int i, int chunkSize) {
            return Math.min(chunkSize, size - (long) i * chunkSize);
        }
    }

    public BackupManifest {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be positive, got " + chunkSize);
        }
        shards = List.copyOf(shards);
        files = List.copyOf(files);
        for (FileRef f : files) {
            long expected = chunks(f.size(), chunkSize);
            if (f.chunks().size() != expected) {
                throw new IllegalArgumentException(f.path() + " of " + f.size() + " bytes needs " + expected
                        + " chunks of " + chunkSize + ", has " + f.chunks().size());
            }
        }
    }

    /** The number of chunks of a file of {@code size} bytes. */
    public static long chunks(long size, int chunkSize) {
        return (size + chunkSize - 1) / chunkSize;
    }

    /** The live points of every shard. */
    public long points() {
        return shards.stream().mapToLong(Shard::points).sum();
    }

    /** The bytes of every file (what a restore writes). */
    public long bytes() {
        return files.stream().mapToLong(FileRef::size).sum();
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(buf);
            out.write(MAGIC);
            out.writeShort(FORMAT_VERSION);
            out.writeLong(createdMillis);
            out.writeInt(chunkSize);
            writeString(out, collection);
            out.writeInt(shards.size());
            for (Shard s : shards) {
                out.writeInt(s.id());
                out.writeLong(s.checkpoint());
                out.writeLong(s.points());
            }
            out.writeInt(files.size());
            for (FileRef f : files) {
                writeString(out, f.path());
                out.writeLong(f.size());
                out.writeInt(f.chunks().size());
                for (String c : f.chunks()) {
                    out.write(HexFormat.of().parseHex(c));
                }
            }
            out.flush();
            CRC32C crc = new CRC32C();
            crc.update(buf.toByteArray());
            out.writeInt((int) crc.getValue());
            return buf.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("string too long for a backup manifest: " + b.length + " bytes");
        }
        out.writeShort(b.length);
        out.write(b);
    }

    /**
     * Decodes and validates a manifest.
     *
     * @param source names the manifest in error messages
     * @throws UserException (bad request) for anything but an intact manifest of a known version
     */
    public static BackupManifest parse(byte[] bytes, String source) {
        if (bytes.length < MAGIC.length + 4 || !java.util.Arrays.equals(bytes, 0, 4, MAGIC, 0, 4)) {
            throw corrupt(source, "not a Sextant backup manifest (no SXIB magic)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if ((int) crc.getValue() != stored) {
            throw corrupt(source, "checksum mismatch (damaged or truncated)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 4, bytes.length - 8);
        try {
            int version = Short.toUnsignedInt(in.getShort());
            if (version < 1 || version > FORMAT_VERSION) {
                throw UserException.badRequest("Wrong input: backup manifest " + source + " has format version "
                        + version + ", this binary reads versions 1 to " + FORMAT_VERSION);
            }
            long created = in.getLong();
            int chunkSize = in.getInt();
            String collection = readString(in);
            int shardCount = count(in.getInt(), MAX_SHARDS, "shard", source);
            List<Shard> shards = new ArrayList<>();
            for (int i = 0; i < shardCount; i++) {
                shards.add(new Shard(in.getInt(), in.getLong(), in.getLong()));
            }
            int fileCount = count(in.getInt(), MAX_FILES, "file", source);
            List<FileRef> files = new ArrayList<>();
            byte[] hash = new byte[32];
            for (int i = 0; i < fileCount; i++) {
                String path = readString(in);
                long size = in.getLong();
                int chunkCount = in.getInt();
                if (chunkCount < 0 || chunkCount > in.remaining() / 32) {
                    throw corrupt(source, "impossible chunk count " + chunkCount + " of " + path);
                }
                List<String> chunks = new ArrayList<>(chunkCount);
                for (int c = 0; c < chunkCount; c++) {
                    in.get(hash);
                    chunks.add(HexFormat.of().formatHex(hash));
                }
                files.add(new FileRef(path, size, chunks));
            }
            if (in.hasRemaining()) {
                throw corrupt(source, in.remaining() + " unexpected trailing bytes");
            }
            return new BackupManifest(collection, created, chunkSize, shards, files);
        } catch (BufferUnderflowException e) {
            throw corrupt(source, "truncated");
        } catch (IllegalArgumentException e) {
            throw corrupt(source, e.getMessage());
        }
    }

    private static int count(int n, int max, String what, String source) {
        if (n < 0 || n > max) {
            throw corrupt(source, "impossible " + what + " count " + n);
        }
        return n;
    }

    private static String readString(ByteBuffer in) {
        int n = Short.toUnsignedInt(in.getShort());
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static UserException corrupt(String source, String why) {
        return UserException.badRequest("Wrong input: backup manifest " + source + " is corrupt: " + why);
    }

    /** Refuses absolute paths, empty, {@code .} and {@code ..} parts and backslashes. */
    static String checkPath(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            throw new IllegalArgumentException("invalid file path '" + path + "'");
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("invalid file path '" + path + "'");
            }
        }
        return path;
    }
}
