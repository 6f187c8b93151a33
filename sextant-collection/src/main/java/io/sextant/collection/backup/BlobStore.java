package io.sextant.collection.backup;

import java.io.InputStream;
import java.util.List;

/**
 * Plain keyed objects in a backup target (a local directory, {@link LocalBlobStore}, or an S3
 * bucket, {@link S3BlobStore}): what incremental backups keep their content-addressed blobs and
 * manifests in. Keys are {@code /}-separated relative paths of letters, digits, {@code . _ -}. An
 * object becomes visible only once complete (rename into place; an S3 upload). Implementations are
 * thread-safe.
 */
public interface BlobStore extends AutoCloseable {

    /** One stored object. */
    record Entry(String key, long size) {}

    /** Whether {@code key} is present. */
    boolean exists(String key);

    /** Stores {@code content} under {@code key} (replacing). */
    void putBytes(String key, byte[] content);

    /** Opens {@code key} for reading (caller closes), or null when it is absent. */
    InputStream open(String key);

    /** Deletes {@code key}; absent keys are ignored. */
    void delete(String key);

    /** Every object whose key starts with {@code prefix}, in key order. */
    List<Entry> list(String prefix);

    /** A short description for logs and errors. */
    String location();

    @Override
    default void close() {}

    /** Checks a key: relative, no {@code ..}, no empty parts, no backslash or control characters. */
    static String checkKey(String key) {
        if (key == null
                || key.isEmpty()
                || key.startsWith("/")
                || key.endsWith("/")
                || key.contains("//")
                || key.contains("..")
                || key.contains("\\")
                || key.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("invalid blob key '" + key + "'");
        }
        return key;
    }
}
