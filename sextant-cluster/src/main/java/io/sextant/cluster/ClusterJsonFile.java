package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small versioned JSON file in {@code <storage>/cluster} ({@link PlacementBook}, {@link
 * ReplicaStateBook}): an object {@code {"format":N,"collections":{…}}}, rewritten whole (temp file,
 * fsync, rename, directory fsync). Reading refuses, with the file's name, a file that is not such
 * JSON and a format outside {@code 1..maxFormat}. Stateless and thread-safe for distinct files.
 */
final class ClusterJsonFile {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ClusterJsonFile() {}

    /** {@code <storage>/cluster/<name>}, creating the directory. */
    static Path in(Path storage, String name) {
        Path dir = storage.resolve("cluster");
        AtomicFiles.createDirectories(dir);
        return dir.resolve(name);
    }

    /**
     * The {@code "collections"} object of {@code file}.
     *
     * @param what what the file holds, for messages ("shard placement")
     * @throws IllegalStateException when the file cannot be read, is not JSON, has an unsupported
     *     format or no collections object
     */
    static JsonNode readCollections(Path file, String what, int maxFormat) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the " + what + " file " + file + ": " + e.getMessage(), e);
        }
        int format = root == null ? -1 : root.path("format").asInt(-1);
        if (format < 1 || format > maxFormat) {
            throw new IllegalStateException(capitalized(what) + " file " + file + " has format " + format
                    + ", this binary reads up to " + maxFormat);
        }
        JsonNode colls = root.get("collections");
        if (colls == null || !colls.isObject()) {
            throw new IllegalStateException(
                    capitalized(what) + " file " + file + " has no \"collections\" object (corrupt)");
        }
        return colls;
    }

    /** Writes {@code {"format":format,"collections":collections}} to {@code file} atomically. */
    static void write(Path file, int format, JsonNode collections) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", format);
        root.set("collections", collections);
        AtomicFiles.write(file, root.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
