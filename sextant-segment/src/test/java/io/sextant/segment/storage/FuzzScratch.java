package io.sextant.segment.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the fuzz tests of this module write their files: {@code /dev/shm} when it exists (writes
 * and fsyncs cost no disk I/O there, which matters at thousands of inputs a second), else the
 * temp dir. Stateless.
 */
public final class FuzzScratch {
    public static final Path ROOT = Files.isDirectory(Path.of("/dev/shm"))
            ? Path.of("/dev/shm")
            : Path.of(System.getProperty("java.io.tmpdir"));

    private FuzzScratch() {}

    /** A new empty file whose name starts with {@code prefix}; the caller deletes it. */
    public static Path file(String prefix) throws IOException {
        return Files.createTempFile(ROOT, prefix, ".bin");
    }

    /** Deletes {@code dir} and everything below it. */
    public static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
