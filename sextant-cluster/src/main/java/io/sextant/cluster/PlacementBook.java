package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * This peer's durable record of every collection's {@link ShardPlacement}, read by the cluster's
 * shard factory when the table of contents opens or creates a collection (which happens before the
 * Raft server starts, on restart). Entries are written by the {@link PlacementApplier} as the
 * metadata log applies creates and deletes, before the collection itself is created, so a crash
 * between the two leaves the placement known.
 *
 * <p>File {@code <storage>/cluster/placements.json}, rewritten whole on every change (temp file,
 * fsync, rename): UTF-8 JSON {@code {"format":1,"collections":{name:placement}}}, placements as in
 * {@link ShardPlacement}. A higher format is refused with a message; a missing file is an empty
 * book. Thread-safe (methods are synchronized).
 */
public final class PlacementBook {

    /** Version of the file layout. */
    public static final int FORMAT_VERSION = 1;

    /** File name in the cluster directory. */
    public static final String FILE = "placements.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final Map<String, ShardPlacement> placements = new TreeMap<>();

    private PlacementBook(Path file) {
        this.file = file;
    }

    /** Opens the book of the node whose storage directory is {@code storage}. */
    public static PlacementBook open(Path storage) {
        Path dir = storage.resolve("cluster");
        AtomicFiles.createDirectories(dir);
        PlacementBook book = new PlacementBook(dir.resolve(FILE));
        if (Files.exists(book.file)) {
            book.load();
        }
        return book;
    }

    private void load() {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the shard placements " + file, e);
        }
        int format = root == null ? -1 : root.path("format").asInt(-1);
        if (format < 1 || format > FORMAT_VERSION) {
            throw new IllegalStateException("Shard placement file " + file + " has format " + format
                    + ", this binary reads up to " + FORMAT_VERSION);
        }
        root.path("collections")
                .properties()
                .forEach(e -> placements.put(e.getKey(), ShardPlacement.fromJson(e.getValue())));
    }

    /** The placement of {@code collection}, or null when none is recorded. */
    public synchronized ShardPlacement get(String collection) {
        return placements.get(collection);
    }

    /** Records (or replaces) the placement of {@code collection}, durably. */
    public synchronized void put(String collection, ShardPlacement placement) {
        placements.put(collection, placement);
        persist();
    }

    /** Forgets the placements of collections not in {@code live}, durably when any was dropped. */
    public synchronized void retainOnly(Set<String> live) {
        if (placements.keySet().retainAll(live)) {
            persist();
        }
    }

    /** Names of the collections with a recorded placement. */
    public synchronized Set<String> collections() {
        return Set.copyOf(placements.keySet());
    }

    private void persist() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT_VERSION);
        ObjectNode colls = root.putObject("collections");
        placements.forEach((name, p) -> colls.set(name, p.toJson()));
        AtomicFiles.write(file, root.toString().getBytes(StandardCharsets.UTF_8));
    }
}
