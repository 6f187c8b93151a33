package io.sextant.collection.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.AtomicFiles;
import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Persists a collection's config as {@code <collection dir>/config.json}.
 *
 * <p>Layout: a JSON object {@code {"format_version": 1, "config": {...}}} (version 2 when the
 * collection has sparse vectors, which version-1 readers would otherwise drop silently)
 * where {@code config} is Qdrant's {@code CollectionConfig} shape (see {@link
 * CollectionConfigJson}). Written atomically (temp + fsync + rename + dir fsync). A file with a
 * newer format version is refused with a message naming both versions. Version 3 is written only
 * by collections with {@code sharding_method: custom} (an older binary would open them as
 * auto-sharded and miss their shard keys' shards). Stateless and thread-safe.
 */
public final class CollectionConfigFile {
    public static final String FILE_NAME = "config.json";
    /**
     * Version 2: {@code params.sparse_vectors} (written only by collections that have them); 3:
     * {@code params.sharding_method: custom} (written only by custom-sharded collections).
     */
    public static final int FORMAT_VERSION = 3;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CollectionConfigFile() {}

    public static void write(Path collectionDir, CollectionConfig config) {
        ObjectNode root = MAPPER.createObjectNode();
        // collections without sparse vectors stay readable by binaries that know version 1 only
        root.put(
                "format_version",
                config.params().customSharding()
                        ? 3
                        : config.params().sparseVectors().isEmpty() ? 1 : 2);
        root.set("config", CollectionConfigJson.toJson(config));
        try {
            AtomicFiles.write(
                    collectionDir.resolve(FILE_NAME),
                    MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (JsonProcessingException e) {
            throw new ServiceException("Failed to serialize config of " + collectionDir, e);
        }
    }

    /** Whether {@code collectionDir} has a config file (a collection whose creation completed). */
    public static boolean exists(Path collectionDir) {
        return Files.isRegularFile(collectionDir.resolve(FILE_NAME));
    }

    public static CollectionConfig read(Path collectionDir) {
        Path file = collectionDir.resolve(FILE_NAME);
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ServiceException("Failed to read collection config " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ServiceException("Corrupt collection config " + file + ": not a JSON object");
        }
        int version = root.path("format_version").asInt(-1);
        if (version < 1 || version > FORMAT_VERSION) {
            throw new ServiceException("Collection config " + file + " has format version " + version
                    + ", this binary reads versions 1 to " + FORMAT_VERSION);
        }
        try {
            return CollectionConfigJson.fromJson(root.path("config"));
        } catch (IllegalArgumentException e) {
            throw new ServiceException("Corrupt collection config " + file + ": " + e.getMessage(), e);
        }
    }
}
