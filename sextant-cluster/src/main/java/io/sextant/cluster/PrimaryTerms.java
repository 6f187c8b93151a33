package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * This peer's record of each shard's <i>primary term</i>: which replica the metadata log made the
 * shard's primary (the first Active replica in placement order, {@link #primaryOf}) and the index
 * of the log entry at which it became so. Every peer applies the same log in the same order, so
 * every peer records the same (primary, index) pairs ({@link PrimaryTermApplier} keeps it). A
 * primary sends its term with every forwarded write ({@link io.sextant.cluster.shard.PrimaryFence});
 * a replica refuses a forward whose primary its own log no longer names or whose index is older
 * than the current primary's ({@link PrimaryFenceCheck}).
 *
 * <p>An index of 0 means unknown: changes applied outside log order (a metadata snapshot's
 * reconcile) or recorded before this file existed. Unknown weakens the check to the primary's name,
 * never refuses more (an over-estimate would refuse a legitimate primary).
 *
 * <p>File {@code <storage>/cluster/primary_terms.json}, format 1, rewritten whole when a term
 * changes (temp file, fsync, rename, directory fsync): UTF-8 JSON
 *
 * <pre>{@code
 * {"format":1,
 *  "collections":{ "<collection>":{ "<shard id>":{"primary":"<peer id, unsigned decimal>","index":I} } } }
 * }</pre>
 *
 * A missing file is an empty record (every term unknown); a file that is not such JSON or has a
 * higher format is refused with an error naming the file (as the {@link ReplicaStateBook}).
 *
 * <p>Thread-safe: changes are synchronized; {@link #index} reads an immutable copy published after
 * each change.
 */
public final class PrimaryTerms {

    /** Version of the file layout. */
    public static final int FORMAT_VERSION = 1;

    /** File name in the cluster directory. */
    public static final String FILE = "primary_terms.json";

    /** A shard's primary and the log index that made it primary (0: unknown). */
    public record Term(long primary, long index) {}

    private final Path file;
    private final Map<String, Map<Integer, Term>> terms = new TreeMap<>();
    private volatile Map<String, Map<Integer, Term>> published = Map.of();

    private PrimaryTerms(Path file) {
        this.file = file;
    }

    /** Terms kept in memory only (tests). */
    public static PrimaryTerms inMemory() {
        return new PrimaryTerms(null);
    }

    /**
     * Opens the record of the node whose storage directory is {@code storage}.
     *
     * @throws IllegalStateException when the file exists but cannot be read as primary terms
     */
    public static PrimaryTerms open(Path storage) {
        PrimaryTerms t = new PrimaryTerms(ClusterJsonFile.in(storage, FILE));
        if (Files.exists(t.file)) {
            JsonNode colls = ClusterJsonFile.readCollections(t.file, "primary term", FORMAT_VERSION);
            try {
                colls.properties().forEach(c -> c.getValue().properties().forEach(s -> {
                    JsonNode primary = s.getValue().get("primary");
                    JsonNode index = s.getValue().get("index");
                    if (primary == null || !primary.isTextual() || index == null || !index.canConvertToLong()) {
                        throw new IllegalArgumentException(
                                "shard " + s.getKey() + " of " + c.getKey() + " is " + s.getValue());
                    }
                    t.terms
                            .computeIfAbsent(c.getKey(), k -> new TreeMap<>())
                            .put(
                                    Integer.parseInt(s.getKey()),
                                    new Term(Long.parseUnsignedLong(primary.asText()), index.asLong()));
                }));
            } catch (IllegalArgumentException e) { // includes NumberFormatException
                throw new IllegalStateException("Primary term file " + t.file + " is corrupt: " + e.getMessage(), e);
            }
            t.publish();
        }
        return t;
    }

    /**
     * The shard's primary as the books say: the first replica of {@code placement}'s shard in
     * placement order whose state can be the primary (Active); 0 when none can.
     */
    public static long primaryOf(String collection, int shardId, ShardPlacement placement, ReplicaStateBook states) {
        if (placement == null || shardId >= placement.shardCount()) {
            return 0;
        }
        for (long peer : placement.replicas(shardId)) {
            if (states.state(collection, shardId, peer).canBePrimary()) {
                return peer;
            }
        }
        return 0;
    }

    /**
     * The index of the entry that made {@code primary} the shard's primary; 0 when unknown or when
     * the recorded primary is another peer (the record lags a change applied without an index).
     */
    public long index(String collection, int shardId, long primary) {
        Map<Integer, Term> shards = published.get(collection);
        Term t = shards == null ? null : shards.get(shardId);
        return t == null || t.primary() != primary ? 0 : t.index();
    }

    /** The recorded term of a shard, or null. */
    public Term term(String collection, int shardId) {
        Map<Integer, Term> shards = published.get(collection);
        return shards == null ? null : shards.get(shardId);
    }

    /** Records that {@code primary} became the shard's primary at {@code index}, durably. */
    public synchronized void set(String collection, int shardId, long primary, long index) {
        Term t = new Term(primary, index);
        Term old = terms.computeIfAbsent(collection, k -> new TreeMap<>()).put(shardId, t);
        if (!t.equals(old)) {
            persist();
        }
    }

    /** Forgets the terms of collections not in {@code live}, durably when any was dropped. */
    public synchronized void retainOnly(Set<String> live) {
        if (terms.keySet().retainAll(live)) {
            persist();
        }
    }

    private void persist() {
        if (file != null) {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            terms.forEach((name, shards) -> {
                ObjectNode c = root.putObject(name);
                shards.forEach((shard, t) -> c.putObject(Integer.toString(shard))
                        .put("primary", Long.toUnsignedString(t.primary()))
                        .put("index", t.index()));
            });
            ClusterJsonFile.write(file, FORMAT_VERSION, root);
        }
        publish();
    }

    private void publish() {
        Map<String, Map<Integer, Term>> copy = new HashMap<>();
        terms.forEach((name, shards) -> copy.put(name, Map.copyOf(shards)));
        published = Map.copyOf(copy);
    }
}
