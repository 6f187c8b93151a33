package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * This peer's durable record of the {@link ReplicaState} of every shard replica of every placed
 * collection, as the metadata log decided it ({@link ReplicaStateApplier} writes it while applying
 * {@link MetadataCommand.Type#SET_REPLICA_STATE} entries). A replica with no entry is {@link
 * ReplicaState#ACTIVE}, so only the others are stored and setting a replica Active removes its
 * entry. Replica sets read it on every call.
 *
 * <p>File {@code <storage>/cluster/replica_states.json}, format 1, rewritten whole on every change
 * (temp file, fsync, rename, directory fsync): UTF-8 JSON
 *
 * <pre>{@code
 * {"format":1,
 *  "collections":{ "<collection>":{ "<shard id>":{ "<peer id, unsigned decimal>":"<state>" } } } }
 * }</pre>
 *
 * states in Qdrant's spelling ({@code "Dead"}, {@code "Partial"} …), keys in ascending order. A
 * missing file is an empty book (every replica Active); a file that is not such JSON, names an
 * unknown state or has a higher format is refused with an error naming the file, never read as
 * empty (that would silently turn Dead replicas Active).
 *
 * <p>Thread-safe: changes are synchronized; {@link #state} reads an immutable copy published after
 * each change, without locking.
 */
public final class ReplicaStateBook {

    /** Version of the file layout. */
    public static final int FORMAT_VERSION = 1;

    /** File name in the cluster directory. */
    public static final String FILE = "replica_states.json";

    private final Path file;
    private ReplicaStateTable table = new ReplicaStateTable();
    private volatile Map<String, Map<Integer, Map<Long, ReplicaState>>> published = Map.of();

    private ReplicaStateBook(Path file) {
        this.file = file;
    }

    /**
     * Opens the book of the node whose storage directory is {@code storage}.
     *
     * @throws IllegalStateException when the file exists but cannot be read as a replica state book
     */
    public static ReplicaStateBook open(Path storage) {
        ReplicaStateBook book = new ReplicaStateBook(ClusterJsonFile.in(storage, FILE));
        if (Files.exists(book.file)) {
            JsonNode colls = ClusterJsonFile.readCollections(book.file, "replica state", FORMAT_VERSION);
            try {
                book.table = ReplicaStateTable.fromJson(colls);
            } catch (IllegalArgumentException e) { // includes NumberFormatException
                throw new IllegalStateException(
                        "Replica state file " + book.file + " is corrupt: " + e.getMessage(), e);
            }
            book.published = book.table.copy();
        }
        return book;
    }

    /** The state of the replica of shard {@code shardId} of {@code collection} on {@code peer}. */
    public ReplicaState state(String collection, int shardId, long peer) {
        Map<Integer, Map<Long, ReplicaState>> shards = published.get(collection);
        Map<Long, ReplicaState> peers = shards == null ? null : shards.get(shardId);
        ReplicaState s = peers == null ? null : peers.get(peer);
        return s == null ? ReplicaState.ACTIVE : s;
    }

    /** Records {@code state} for a replica, durably. */
    public synchronized void set(String collection, int shardId, long peer, ReplicaState state) {
        if (table.set(collection, shardId, peer, state)) {
            persist();
        }
    }

    /** Forgets every state recorded for {@code collection} (all its replicas Active), durably. */
    /**
     * Notes that the next transfer to the replica of shard {@code shardId} of {@code collection} on
     * {@code peer} should use {@code method} ({@code restart_transfer}). Kept in memory only: a
     * restart of the primary forgets it and the method is chosen as usual.
     */
    public void requestMethod(String collection, int shardId, long peer, String method) {
        requested.put(collection + "/" + shardId + "/" + Long.toUnsignedString(peer), method);
    }

    /** The method asked for the next transfer to that replica, removed by this call; null when none. */
    public String takeRequestedMethod(String collection, int shardId, long peer) {
        return requested.remove(collection + "/" + shardId + "/" + Long.toUnsignedString(peer));
    }

    private final java.util.Map<String, String> requested = new java.util.concurrent.ConcurrentHashMap<>();

    public synchronized void clear(String collection) {
        if (table.remove(collection)) {
            persist();
        }
    }

    /** Forgets the states of collections not in {@code live}, durably when any was dropped. */
    public synchronized void retainOnly(Set<String> live) {
        if (table.retainOnly(live)) {
            persist();
        }
    }

    /** Every recorded (non-Active) state: collection → shard id → peer id → state; immutable. */
    public Map<String, Map<Integer, Map<Long, ReplicaState>>> all() {
        return published;
    }

    private void persist() {
        ClusterJsonFile.write(file, FORMAT_VERSION, table.toJson());
        published = table.copy();
    }
}
