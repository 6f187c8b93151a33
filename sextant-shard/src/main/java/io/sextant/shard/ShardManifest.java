package io.sextant.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.storage.AtomicFiles;
import io.sextant.segment.storage.FileHeader;
import io.sextant.shard.wal.OperationCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A shard's {@code manifest.bin}: the checkpoint (every WAL record up to it is reflected in the
 * listed segments' files), the segments that make up the shard, which one is the write target, and
 * the payload index schema. Replaced atomically; a segment directory not listed is a leftover of an
 * interrupted optimization and is deleted at open. Immutable.
 *
 * <p>Layout, version 1, big-endian:
 *
 * <pre>
 * offset 0   u8[4]  magic "SXMF"
 * offset 4   u32    format version = 1
 * offset 8   u64    checkpoint seq
 * offset 16  u32    length L of the JSON body
 * offset 20  u8[L]  UTF-8 JSON {"segments":[names], "target":name, "schema":{field: spec}}
 * last 4     u32    CRC32C of bytes [8, length - 4)
 * </pre>
 */
record ShardManifest(long checkpoint, List<String> segments, String target, Map<String, PayloadIndexSpec> schema) {
    static final String MAGIC = "SXMF";
    static final int VERSION = 1;
    static final String NAME = "manifest.bin";
    private static final ObjectMapper JSON = new ObjectMapper();

    ShardManifest {
        segments = List.copyOf(segments);
        schema = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schema));
    }

    void write(Path dir) {
        ObjectNode body = JSON.createObjectNode();
        segments.forEach(body.putArray("segments")::add);
        body.put("target", target);
        ObjectNode s = body.putObject("schema");
        schema.forEach((k, v) -> s.set(k, OperationCodec.specToJson(v)));
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new ServiceException("Failed to encode shard manifest: " + e.getMessage(), e);
        }
        ByteBuffer buf = ByteBuffer.allocate(FileHeader.SIZE + 12 + json.length + 4);
        FileHeader.write(buf, MAGIC, VERSION);
        buf.putLong(checkpoint).putInt(json.length).put(json);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), FileHeader.SIZE, buf.position() - FileHeader.SIZE);
        buf.putInt((int) crc.getValue()).flip();
        AtomicFiles.write(dir.resolve(NAME), buf);
    }

    static ShardManifest read(Path dir) {
        Path file = dir.resolve(NAME);
        ByteBuffer buf = AtomicFiles.read(file);
        FileHeader.check(buf, MAGIC, VERSION, file);
        int end = buf.limit() - 4;
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), FileHeader.SIZE, Math.max(0, end - FileHeader.SIZE));
        if (end < FileHeader.SIZE + 12 || (int) crc.getValue() != buf.getInt(end)) {
            throw new ServiceException("Corrupt shard manifest " + file + ": checksum mismatch");
        }
        long checkpoint = buf.getLong();
        int len = buf.getInt();
        try {
            JsonNode body = JSON.readTree(buf.array(), buf.position(), len);
            List<String> segs = new ArrayList<>();
            body.path("segments").forEach(n -> segs.add(n.asText()));
            Map<String, PayloadIndexSpec> schema = new LinkedHashMap<>();
            body.path("schema")
                    .properties()
                    .forEach(e -> schema.put(e.getKey(), OperationCodec.specFromJson((ObjectNode) e.getValue())));
            return new ShardManifest(checkpoint, segs, body.path("target").asText(), schema);
        } catch (IOException | RuntimeException e) {
            throw new ServiceException("Corrupt shard manifest " + file + ": " + e.getMessage(), e);
        }
    }
}
