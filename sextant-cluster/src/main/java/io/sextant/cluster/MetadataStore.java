package io.sextant.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.collection.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata state machine's logic without Raft: applies committed commands exactly once, keeps
 * the {@link MetadataLedger} and makes both durable, writes and restores snapshots. The Ratis
 * adapter ({@link MetadataStateMachine}) feeds it log entries in order.
 *
 * <p>Exactly-once across crashes: after each entry the ledger and the entry's term and index are
 * written to {@code metadata_state.json} (temp file, fsync, rename). On restart Ratis replays the
 * log from its last snapshot; entries at or below the stored index are skipped, so a collection is
 * never created twice. A crash between applying an entry and writing the file re-applies that one
 * entry: a create then fails with "already exists" and the ledger still records it (the
 * collection is there), which is the state every other peer reached.
 *
 * <p>File layout ({@code metadata_state.json} and snapshot files alike): UTF-8 JSON {@code
 * {"format":1,"term":T,"index":I,"ledger":{…}}}; a higher format is refused with a message.
 *
 * <p>Thread-safety: {@link #apply} and {@link #restore} run on the state machine's apply thread;
 * {@link #appliedIndex()} is safe from any thread.
 */
public final class MetadataStore {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Version of the state and snapshot file layout. */
    public static final int FORMAT_VERSION = 1;

    /** Name of the durable state file in the cluster directory. */
    public static final String STATE_FILE = "metadata_state.json";

    private final Path stateFile;
    private final MetadataApplier applier;
    private MetadataLedger ledger = new MetadataLedger();
    private volatile long term;
    private volatile long index;

    /** Opens the store, loading {@code dir/metadata_state.json} when present. */
    public MetadataStore(Path dir, MetadataApplier applier) {
        this.stateFile = dir.resolve(STATE_FILE);
        this.applier = applier;
        AtomicFiles.createDirectories(dir);
        if (Files.exists(stateFile)) {
            load(read(stateFile));
        }
    }

    /** Term of the last applied entry (0 before any). */
    public long appliedTerm() {
        return term;
    }

    /** Index of the last applied entry (0 before any). */
    public long appliedIndex() {
        return index;
    }

    /** A copy of the ledger. */
    public synchronized MetadataLedger ledger() {
        return MetadataLedger.fromJson(ledger.toJson());
    }

    /**
     * Applies the entry at {@code (term, index)}; an entry at or below the applied index is skipped
     * (returns null: a replay after restart).
     */
    public synchronized MetadataResult apply(long term, long index, MetadataCommand command) {
        if (index <= this.index) {
            return null;
        }
        MetadataResult r = applier.apply(index, command);
        if (r.succeeded() || alreadyApplied(command, r)) {
            ledger.record(command);
        } else {
            LOG.debug("Metadata command {} at {} failed on this peer: {}", command.type(), index, r.error());
        }
        this.term = term;
        this.index = index;
        persist();
        return r;
    }

    /** A create that meets an existing collection after a crash between apply and persist. */
    private boolean alreadyApplied(MetadataCommand c, MetadataResult r) {
        return c.type() == MetadataCommand.Type.CREATE_COLLECTION
                && "CONFLICT".equals(r.errorKind())
                && applier.localCollections().contains(c.collection())
                && !ledger.collections().containsKey(c.collection());
    }

    /** Advances the applied index over an entry that is not a metadata command (configuration, no-op). */
    public synchronized void skip(long term, long index) {
        if (index > this.index) {
            this.term = term;
            this.index = index;
            persist();
        }
    }

    /** Writes the state as a snapshot file (temp, fsync, rename). */
    public synchronized void writeSnapshot(Path file) {
        AtomicFiles.write(file, bytes());
    }

    /**
     * Restores from a snapshot file (installed from the leader): makes this peer's collections and
     * aliases match the snapshot's ledger, then adopts its term and index.
     */
    public synchronized void restore(Path snapshotFile) {
        JsonNode root = read(snapshotFile);
        MetadataLedger target = MetadataLedger.fromJson(root.path("ledger"));
        for (MetadataCommand c :
                target.reconcile(applier.localCollections(), applier.localAliases(), applier.localReplicaStates())) {
            MetadataResult r = applier.apply(c);
            if (!r.succeeded()) {
                LOG.warn("Restoring metadata snapshot: {} of {} failed: {}", c.type(), c.collection(), r.error());
            }
        }
        applier.resetTransfers(target.transfers());
        load(root);
        persist();
    }

    private void load(JsonNode root) {
        int format = root.path("format").asInt(-1);
        if (format < 1 || format > FORMAT_VERSION) {
            throw new IllegalStateException("Cluster metadata state format " + format
                    + " is not supported (this binary reads up to " + FORMAT_VERSION + ")");
        }
        ledger = MetadataLedger.fromJson(root.path("ledger"));
        term = root.path("term").asLong();
        index = root.path("index").asLong();
    }

    private byte[] bytes() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT_VERSION);
        root.put("term", term);
        root.put("index", index);
        root.set("ledger", ledger.toJson());
        return root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void persist() {
        AtomicFiles.write(stateFile, bytes());
    }

    private static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read cluster metadata state " + file, e);
        }
    }
}
