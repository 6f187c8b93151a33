package io.sextant.index.hnsw;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An index file is truncated, corrupted, or in a format this build cannot read. The file is never
 * served; the caller is expected to rebuild the index from the vectors. Immutable.
 */
public final class IndexCorruptedException extends IOException {
    private final transient Path path;

    public IndexCorruptedException(Path path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    /** The rejected file. */
    public Path path() {
        return path;
    }
}
