package io.sextant.shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories for the fuzz tests of this module: under {@code /dev/shm} when it exists
 * (writes and fsyncs cost no disk I/O there, which matters at thousands of inputs a second), else
 * under the temp dir. Stateless.
 */
public final class FuzzScratch {
    private static final Path ROOT = Files.isDirectory(Path.of("/dev/shm"))
            ? Path.of("/dev/shm")
            : Path.of(System.getProperty("java.io.tmpdir"));

    private FuzzScratch() {}

    /** A new empty directory whose name starts with {@code prefix}; remove it with {@link #delete}. */
    public static Path dir(String prefix) throws IOException {
        return Files.createTempDirectory(ROOT, prefix);
    }

    /** Deletes {@code dir} and everything below it. */
    public static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
