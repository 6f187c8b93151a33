package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * This peer's durable record of the shard transfers the metadata log started and has not finished or
 * aborted yet ({@link TransferApplier} writes it while applying the transfer entries), so every peer
 * lists the same transfers and a primary that restarts or takes over finds the transfer, with its
 * method, to resume. A transfer is keyed by collection, shard and target peer.
 *
 * <p>File {@code <storage>/cluster/transfers.json}, format 1, rewritten whole on every change (temp
 * file, fsync, rename, directory fsync): UTF-8 JSON
 *
 * <pre>{@code
 * {"format":1,
 *  "collections":{ "<collection>":[ <ShardTransfer JSON>, … ] } }
 * }</pre>
 *
 * rows as in {@link ShardTransfer#toJson()}, sorted by shard id then target peer (unsigned). A missing
 * file is an empty book; a file that is not such JSON, has a malformed row or a higher format is
 * refused with an error naming the file (never read as empty: a transfer would be forgotten).
 *
 * <p>Thread-safe: changes are synchronized; reads see an immutable copy published after each change.
 */
public final class TransferBook {

    /** Version of the file layout. */
    public static final int FORMAT_VERSION = 1;

    /** File name in the cluster directory. */
    public static final String FILE = "transfers.json";

    private final Path file;
    private final Map<String, List<ShardTransfer>> table = new TreeMap<>();
    private volatile Map<String, List<ShardTransfer>> published = Map.of();

    private TransferBook(Path file) {
        this.file = file;
    }

    /** An empty book that is never written (tests, standalone wiring). */
    public static TransferBook inMemory() {
        return new TransferBook(null);
    }

    /**
     * Opens the book of the node whose storage directory is {@code storage}.
     *
     * @throws IllegalStateException when the file exists but cannot be read as a transfer book
     */
    public static TransferBook open(Path storage) {
        TransferBook book = new TransferBook(ClusterJsonFile.in(storage, FILE));
        if (Files.exists(book.file)) {
            JsonNode colls = ClusterJsonFile.readCollections(book.file, "shard transfer", FORMAT_VERSION);
            try {
                book.load(colls);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        "Shard transfer file " + book.file + " is corrupt: " + e.getMessage(), e);
            }
        }
        return book;
    }

    /**
     * An in-memory book holding the table {@code colls} (the JSON form of {@link #toJson(Map)}; a
     * missing node is empty).
     *
     * @throws IllegalArgumentException when a row is malformed
     */
    static TransferBook fromJson(JsonNode colls) {
        TransferBook book = inMemory();
        book.load(colls);
        return book;
    }

    private void load(JsonNode colls) {
        colls.properties().forEach(e -> {
            if (!e.getValue().isArray()) {
                throw new IllegalArgumentException("transfers of " + e.getKey() + " are not a list");
            }
            e.getValue().forEach(row -> put0(e.getKey(), ShardTransfer.fromJson(row)));
        });
        publish();
    }

    /** The transfer to the replica of {@code shardId} of {@code collection} on {@code to}, or null. */
    public ShardTransfer get(String collection, int shardId, long to) {
        for (ShardTransfer t : published.getOrDefault(collection, List.of())) {
            if (t.shardId() == shardId && t.to() == to) {
                return t;
            }
        }
        return null;
    }

    /** The transfers of {@code collection}, by shard id then target. */
    public List<ShardTransfer> list(String collection) {
        return published.getOrDefault(collection, List.of());
    }

    /** Every transfer: collection → transfers; immutable. */
    public Map<String, List<ShardTransfer>> all() {
        return published;
    }

    /** Records {@code t}, replacing the transfer to the same replica, durably. */
    public synchronized void put(String collection, ShardTransfer t) {
        put0(collection, t);
        persist();
    }

    /** Forgets the transfer to the replica of {@code shardId} on {@code to}; returns whether there was one. */
    public synchronized boolean remove(String collection, int shardId, long to) {
        List<ShardTransfer> rows = table.get(collection);
        if (rows == null || !rows.removeIf(t -> t.shardId() == shardId && t.to() == to)) {
            return false;
        }
        if (rows.isEmpty()) {
            table.remove(collection);
        }
        persist();
        return true;
    }

    /** Replaces every transfer by {@code replacement} (collection → transfers), durably. */
    public synchronized void replaceAll(Map<String, List<ShardTransfer>> replacement) {
        table.clear();
        replacement.forEach((name, rows) -> rows.forEach(t -> put0(name, t)));
        persist();
    }

    /** Forgets the transfers of collections not in {@code live}, durably when any was dropped. */
    public synchronized void retainOnly(Set<String> live) {
        if (table.keySet().retainAll(live)) {
            persist();
        }
    }

    /** Forgets every transfer of {@code collection}, durably when it had any. */
    public synchronized void clear(String collection) {
        if (table.remove(collection) != null) {
            persist();
        }
    }

    private void put0(String collection, ShardTransfer t) {
        List<ShardTransfer> rows = table.computeIfAbsent(collection, k -> new ArrayList<>());
        rows.removeIf(r -> r.shardId() == t.shardId() && r.to() == t.to());
        rows.add(t);
        rows.sort(Comparator.comparingInt(ShardTransfer::shardId)
                .thenComparing(ShardTransfer::to, Long::compareUnsigned));
    }

    /** The JSON form of a table (the file's {@code "collections"}, the ledger's {@code "transfers"}). */
    static ObjectNode toJson(Map<String, List<ShardTransfer>> table) {
        ObjectNode colls = JsonNodeFactory.instance.objectNode();
        table.forEach((name, rows) -> {
            ArrayNode arr = colls.putArray(name);
            rows.forEach(t -> arr.add(t.toJson()));
        });
        return colls;
    }

    private void persist() {
        if (file != null) {
            ClusterJsonFile.write(file, FORMAT_VERSION, toJson(table));
        }
        publish();
    }

    private void publish() {
        Map<String, List<ShardTransfer>> copy = new TreeMap<>();
        table.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        published = Map.copyOf(copy);
    }
}
