package io.sextant.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Persists the alias → collection mapping as {@code <storage>/aliases.json}.
 *
 * <p>Layout (format version 1): {@code {"format_version": 1, "aliases": {"<alias>":
 * "<collection>", ...}}}, keys sorted. Written atomically (temp + fsync + rename + dir fsync); a
 * missing file is an empty mapping; a newer format version is refused. Stateless; callers
 * serialize writes.
 */
final class AliasStore {
    static final String FILE_NAME = "aliases.json";
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AliasStore() {}

    static Map<String, String> read(Path storage) {
        Path file = storage.resolve(FILE_NAME);
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ServiceException("Failed to read aliases " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("aliases").isObject()) {
            throw new ServiceException("Corrupt aliases file " + file + ": expected an object with `aliases`");
        }
        int version = root.path("format_version").asInt(-1);
        if (version < 1 || version > FORMAT_VERSION) {
            throw new ServiceException("Aliases file " + file + " has format version " + version
                    + ", this binary reads versions 1 to " + FORMAT_VERSION);
        }
        root.get("aliases")
                .properties()
                .forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    static void write(Path storage, Map<String, String> aliases) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        ObjectNode a = root.putObject("aliases");
        new TreeMap<>(aliases).forEach(a::put);
        try {
            AtomicFiles.write(
                    storage.resolve(FILE_NAME),
                    MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new ServiceException("Failed to serialize aliases: " + e.getMessage(), e);
        }
    }
}
