package io.sextant.server.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.collection.backup.BackupPolicy;
import io.sextant.collection.snapshot.S3StoreConfig;
import io.sextant.collection.snapshot.SnapshotLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Snapshot and backup configuration, bound from the merged config tree (file, then {@code
 * SEXTANT__SECTION__KEY} environment variables):
 *
 * <pre>
 * service.enable_snapshot_url_recovery: true | false     (unset: loopback URLs only)
 * storage.snapshots_config:
 *   snapshots_storage: local | s3
 *   s3_config: {bucket, region, access_key, secret_key, endpoint_url, prefix}
 *   max_upload_bytes: 68719476736     (64 GiB: larger snapshot uploads get 413)
 *   max_restore_bytes: 274877906944   (256 GiB: archives expanding to more get 413)
 * backup:
 *   enabled: true
 *   interval: 1h                 (s, m, h, d suffix, or plain seconds)
 *   collections: [a, b]          (default: all)
 *   full: false                  (one full snapshot instead of per-collection ones)
 *   format: incremental          (incremental: content-addressed, only new files uploaded;
 *                                 snapshot: one snapshot archive per backup; full: true needs snapshot)
 *   retention: {keep_last: 7, max_age: 7d}
 *   drill: true                  (restore each backup into a scratch node and compare)
 *   target: {local_dir: ./backups} | {s3: {bucket, region, access_key, secret_key, endpoint_url, prefix}}
 * </pre>
 *
 * Immutable.
 *
 * @param urlRecovery see {@link io.sextant.collection.snapshot.SnapshotLocations}
 * @param s3 S3 snapshot storage, or null for the local snapshots directory
 * @param backup scheduled backups, or null when disabled
 * @param limits upload and expanded-size bounds on recovered snapshots
 */
public record SnapshotSettings(Boolean urlRecovery, S3StoreConfig s3, Backup backup, SnapshotLimits limits) {
    public static final SnapshotSettings DEFAULTS = new SnapshotSettings(null, null, null, SnapshotLimits.DEFAULTS);

    public SnapshotSettings {
        if (limits == null) {
            limits = SnapshotLimits.DEFAULTS;
        }
    }

    /** Scheduled backups: the policy and exactly one target. */
    public record Backup(BackupPolicy policy, Path localDir, S3StoreConfig s3) {
        public Backup {
            if ((localDir == null) == (s3 == null)) {
                throw new IllegalArgumentException("backup.target needs exactly one of local_dir or s3");
            }
        }
    }

    /** Binds the settings from the merged config tree; invalid values throw IllegalArgumentException. */
    public static SnapshotSettings bind(JsonNode tree) {
        JsonNode url = tree.path("service").path("enable_snapshot_url_recovery");
        Boolean urlRecovery = url.isMissingNode() || url.isNull() ? null : bool(url, "enable_snapshot_url_recovery");
        JsonNode sc = tree.path("storage").path("snapshots_config");
        String kind = sc.path("snapshots_storage").asText("local").toLowerCase(Locale.ROOT);
        S3StoreConfig s3 =
                switch (kind) {
                    case "local", "" -> null;
                    case "s3" -> s3(sc.path("s3_config"), "storage.snapshots_config.s3_config");
                    default ->
                        throw new IllegalArgumentException(
                                "storage.snapshots_config.snapshots_storage must be local or s3, got " + kind);
                };
        JsonNode b = tree.path("backup");
        Backup backup = null;
        if (b.isObject() && bool(b.path("enabled"), "backup.enabled", true)) {
            List<String> collections = new ArrayList<>();
            b.path("collections").forEach(n -> collections.add(n.asText()));
            JsonNode ret = b.path("retention");
            boolean full = bool(b.path("full"), "backup.full", false);
            JsonNode f = b.path("format");
            String format = f.isMissingNode() || f.isNull()
                    ? (full ? "snapshot" : "incremental")
                    : f.asText().toLowerCase(Locale.ROOT);
            if (!format.equals("incremental") && !format.equals("snapshot")) {
                throw new IllegalArgumentException("backup.format must be incremental or snapshot, got " + format);
            }
            BackupPolicy policy = new BackupPolicy(
                    duration(b.path("interval"), "backup.interval", Duration.ofHours(24)),
                    collections,
                    full,
                    ret.path("keep_last").asInt(7),
                    duration(ret.path("max_age"), "backup.retention.max_age", null),
                    bool(b.path("drill"), "backup.drill", true),
                    format.equals("incremental"));
            JsonNode t = b.path("target");
            Path dir = t.hasNonNull("local_dir") ? Path.of(t.get("local_dir").asText()) : null;
            S3StoreConfig ts = t.path("s3").isObject() ? s3(t.path("s3"), "backup.target.s3") : null;
            backup = new Backup(policy, dir, ts);
        }
        SnapshotLimits limits = new SnapshotLimits(
                bytes(
                        sc.path("max_upload_bytes"),
                        "storage.snapshots_config.max_upload_bytes",
                        SnapshotLimits.DEFAULTS.maxUploadBytes()),
                bytes(
                        sc.path("max_restore_bytes"),
                        "storage.snapshots_config.max_restore_bytes",
                        SnapshotLimits.DEFAULTS.maxRestoreBytes()));
        return new SnapshotSettings(urlRecovery, s3, backup, limits);
    }

    /** A positive byte count (a number, or a string of digits from an environment variable). */
    private static long bytes(JsonNode n, String key, long dflt) {
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        String s = n.asText().trim();
        try {
            long v = Long.parseLong(s);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a positive number of bytes, got " + n);
    }

    private static S3StoreConfig s3(JsonNode n, String where) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + " must be a mapping with at least a bucket");
        }
        return new S3StoreConfig(
                text(n, "bucket"),
                text(n, "region"),
                text(n, "access_key"),
                text(n, "secret_key"),
                text(n, "endpoint_url"),
                text(n, "prefix"));
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    private static Boolean bool(JsonNode n, String key) {
        return bool(n, key, false);
    }

    private static boolean bool(JsonNode n, String key, boolean dflt) {
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return switch (n.asText().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got " + n);
        };
    }

    /** {@code 90}, {@code 90s}, {@code 15m}, {@code 6h}, {@code 7d}. */
    static Duration duration(JsonNode n, String key, Duration dflt) {
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        String s = n.asText().trim().toLowerCase(Locale.ROOT);
        try {
            if (s.matches("\\d+")) {
                return Duration.ofSeconds(Long.parseLong(s));
            }
            long v = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(v);
                case 'm' -> Duration.ofMinutes(v);
                case 'h' -> Duration.ofHours(v);
                case 'd' -> Duration.ofDays(v);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be a duration like 90s, 15m, 6h or 7d, got " + n);
        }
    }
}
