package io.sextant.collection.backup;

import java.time.Duration;
import java.util.List;

/**
 * The {@code backup:} section: what is backed up, how often, how long it is kept and whether each
 * backup is proven by a restore drill. Immutable.
 *
 * @param interval time between backup runs (at least one second)
 * @param collections collections to back up; empty means all
 * @param full take one full snapshot (all collections and aliases) instead of per-collection ones
 * @param keepLast keep at most this many backups per collection (0 = no count limit)
 * @param maxAge delete backups older than this (null = no age limit); the newest is always kept
 * @param drill after each backup, restore it into a temporary collection and compare
 * @param incremental per-collection backups are content-addressed ({@link IncrementalBackups}: only
 *     files the target lacks are uploaded) instead of one snapshot archive each; not with {@code
 *     full}, which always writes one full snapshot archive (collections and aliases)
 */
public record BackupPolicy(
        Duration interval,
        List<String> collections,
        boolean full,
        int keepLast,
        Duration maxAge,
        boolean drill,
        boolean incremental) {
    public BackupPolicy {
        if (full && incremental) {
            throw new IllegalArgumentException("backup.full takes one full snapshot archive: set backup.format to "
                    + "snapshot, or back up collections incrementally without full");
        }
        if (interval == null || interval.toMillis() < 1000) {
            throw new IllegalArgumentException("backup.interval must be at least 1s, got " + interval);
        }
        if (keepLast < 0) {
            throw new IllegalArgumentException("backup.retention.keep_last must be >= 0, got " + keepLast);
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("backup.retention.max_age must be positive, got " + maxAge);
        }
        collections = collections == null ? List.of() : List.copyOf(collections);
    }
}
