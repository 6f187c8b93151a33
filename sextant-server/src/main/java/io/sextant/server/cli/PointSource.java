package io.sextant.server.cli;

import java.io.Closeable;
import java.io.IOException;

/**
 * A sequential reader of points from one data file (JSONL, CSV, fvecs/bvecs, raw rows, NumPy).
 * Not thread-safe: one reader thread. Malformed input fails with an {@link IllegalArgumentException}
 * naming the line or row.
 */
public interface PointSource extends Closeable {

    /** Number of points in the source, or -1 when unknown. */
    long total();

    /** Vector dimension (known after construction, from the header or the first record). */
    int dimension();

    /** The next point, or null at the end. */
    ImportPoint next() throws IOException;

    /** Skips {@code n} points (resume); the default reads and discards them. */
    default void skip(long n) throws IOException {
        for (long i = 0; i < n; i++) {
            if (next() == null) {
                return;
            }
        }
    }
}
