package io.sextant.collection.snapshot;

import io.sextant.segment.error.UserException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Snapshot file names and the scopes (directories or key prefixes) they live in.
 *
 * <p>Names: {@code <collection>-<id>-<YYYY-MM-DD-HH-MM-SS>.snapshot} for collections, {@code
 * <collection>-shard-<n>-<id>-<ts>.snapshot} for shards and {@code full-snapshot-<id>-<ts>.snapshot}
 * for full snapshots, where {@code id} is random (so two snapshots within one second never
 * collide) and the time is UTC. Each has a {@code <name>.checksum} sidecar holding the SHA-256 hex.
 *
 * <p>Scopes: {@code <collection>} for collection snapshots, {@code <collection>/shards/<n>} for
 * shard snapshots and the empty scope for full snapshots. Stateless and thread-safe.
 */
public final class SnapshotNames {
    public static final String SUFFIX = ".snapshot";
    public static final String CHECKSUM_SUFFIX = ".checksum";
    public static final String FULL_PREFIX = "full-snapshot-";
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss");
    /** The API's creation_time format. */
    public static final DateTimeFormatter CREATION_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,250}\\.snapshot");
    private static final Pattern TIME = Pattern.compile(".*-(\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2})\\.snapshot");

    private SnapshotNames() {}

    public static String collection(String collection, Clock clock) {
        return collection + "-" + id() + "-" + now(clock) + SUFFIX;
    }

    public static String shard(String collection, int shardId, Clock clock) {
        return collection + "-shard-" + shardId + "-" + id() + "-" + now(clock) + SUFFIX;
    }

    public static String full(Clock clock) {
        return FULL_PREFIX + id() + "-" + now(clock) + SUFFIX;
    }

    public static String collectionScope(String collection) {
        return collection;
    }

    public static String shardScope(String collection, int shardId) {
        return collection + "/shards/" + shardId;
    }

    public static String fullScope() {
        return "";
    }

    /**
     * Checks a snapshot name taken from a request.
     *
     * @throws UserException (bad request) for names with path separators or without the suffix
     */
    public static String validate(String name) {
        if (name == null || !VALID.matcher(name).matches() || name.contains("..")) {
            throw UserException.badRequest("Wrong input: invalid snapshot name '" + name
                    + "': expected letters, digits, '.', '_' or '-' ending in .snapshot");
        }
        return name;
    }

    /**
     * Checks the name of a snapshot a request reads or deletes: one with an invalid name (a path,
     * {@code ..}) cannot exist, so it is not found, as Qdrant answers such a request.
     *
     * @throws UserException (not found) for names {@link #validate} refuses
     */
    public static String validateExisting(String name) {
        try {
            return validate(name);
        } catch (UserException e) {
            throw UserException.notFound("Not found: Snapshot " + name + " not found (" + e.getMessage() + ")");
        }
    }

    /** Whether {@code fileName} looks like a snapshot (not a sidecar or a partial file). */
    public static boolean isSnapshot(String fileName) {
        return VALID.matcher(fileName).matches();
    }

    /** The UTC creation time encoded in a name, {@code yyyy-MM-ddTHH:mm:ss}, or null. */
    public static String timeOf(String name) {
        var m = TIME.matcher(name);
        if (!m.matches()) {
            return null;
        }
        try {
            return LocalDateTime.parse(m.group(1), TS).format(CREATION_TIME);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long id() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000_000L, 9_999_999_999_999L);
    }

    private static String now(Clock clock) {
        return LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).format(TS);
    }
}
