package io.sextant.cluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * fsync, rename, directory fsync): UTF-8 JSON {@code {"format":1,"collections":{name:placement}}}, placements as in
 * {@link ShardPlacement}. A higher format is refused with a message; a missing file is an empty
 * book. Thread-safe (methods are synchronized).
 */
public final class PlacementBook {

    /** Version of the file layout. */
    public static final int FORMAT_VERSION = 1;

    /** File name in the cluster directory. */
    public static final String FILE = "placements.json";

    private final Path file;
    private final Map<String, ShardPlacement> placements = new TreeMap<>();

    private PlacementBook(Path file) {
        this.file = file;
    }

    /** Opens the book of the node whose storage directory is {@code storage}. */
    public static PlacementBook open(Path storage) {
        PlacementBook book = new PlacementBook(ClusterJsonFile.in(storage, FILE));
        if (Files.exists(book.file)) {
            ClusterJsonFile.readCollections(book.file, "shard placement", FORMAT_VERSION)
                    .properties()
                    .forEach(e -> book.placements.put(e.getKey(), ShardPlacement.fromJson(e.getValue())));
        }
        return book;
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

    /** Forgets the placement of {@code collection}, durably. */
    public synchronized void remove(String collection) {
        if (placements.remove(collection) != null) {
            persist();
        }
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
        ObjectNode colls = JsonNodeFactory.instance.objectNode();
        placements.forEach((name, p) -> colls.set(name, p.toJson()));
        ClusterJsonFile.write(file, FORMAT_VERSION, colls);
    }
}
