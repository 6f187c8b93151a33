package io.sextant.collection.backup;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Backup and drill figures per backed-up unit (a collection name, or {@code "full"}), for the
 * metrics endpoint and for operators: last success time, duration and size, a warning when a
 * backup shrank by more than half against the previous one, the last error, and the last restore
 * drill. Thread-safe: records are immutable and replaced atomically.
 */
public final class BackupStatus {

    /**
     * The last backup of one unit. {@code lastSuccess} null = never succeeded. {@code sizeBytes} is
     * what the backup holds, {@code uploadedBytes} what it had to write to the target (the new
     * chunks of an incremental backup; the whole archive of a snapshot).
     */
    public record Backup(
            Instant lastSuccess,
            long durationMillis,
            long sizeBytes,
            long uploadedBytes,
            long previousSizeBytes,
            boolean shrinkWarning,
            String lastSnapshot,
            Instant lastFailure,
            String lastError,
            long successes,
            long failures) {}

    /** The last restore drill of one unit. */
    public record Drill(
            Instant time,
            String snapshot,
            long recoveryMillis,
            long expectedPoints,
            long restoredPoints,
            int sampled,
            int mismatched,
            boolean ok,
            String error) {}

    private final Map<String, Backup> backups = new ConcurrentHashMap<>();
    private final Map<String, Drill> drills = new ConcurrentHashMap<>();

    void success(String unit, Instant at, long durationMillis, long size, String snapshot) {
        success(unit, at, durationMillis, size, size, snapshot);
    }

    void success(String unit, Instant at, long durationMillis, long size, long uploaded, String snapshot) {
        backups.compute(unit, (k, old) -> {
            long prev = old == null ? 0 : old.sizeBytes();
            boolean shrink = prev > 0 && size * 2 < prev;
            return new Backup(
                    at,
                    durationMillis,
                    size,
                    uploaded,
                    prev,
                    shrink,
                    snapshot,
                    old == null ? null : old.lastFailure(),
                    old == null ? null : old.lastError(),
                    (old == null ? 0 : old.successes()) + 1,
                    old == null ? 0 : old.failures());
        });
    }

    void failure(String unit, Instant at, String error) {
        backups.compute(
                unit,
                (k, old) -> old == null
                        ? new Backup(null, 0, 0, 0, 0, false, null, at, error, 0, 1)
                        : new Backup(
                                old.lastSuccess(),
                                old.durationMillis(),
                                old.sizeBytes(),
                                old.uploadedBytes(),
                                old.previousSizeBytes(),
                                old.shrinkWarning(),
                                old.lastSnapshot(),
                                at,
                                error,
                                old.successes(),
                                old.failures() + 1));
    }

    void drill(String unit, Drill d) {
        drills.put(unit, d);
    }

    /** Backups by unit, sorted. */
    public Map<String, Backup> backups() {
        return new TreeMap<>(backups);
    }

    /** Drills by unit, sorted. */
    public Map<String, Drill> drills() {
        return new TreeMap<>(drills);
    }
}
