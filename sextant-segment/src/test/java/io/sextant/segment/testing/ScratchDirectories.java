package io.sextant.segment.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Real directories for the files behind a {@link PowerCutFileSystem}: on tmpfs when the machine
 * has one (a power-cut run renames and truncates thousands of files, which ext4 answers with data
 * write-back, making the run I/O bound), else under a fallback such as JUnit's temp directory.
 * Stateless.
 */
public final class ScratchDirectories {
    private ScratchDirectories() {}

    /** A new empty directory on {@code /dev/shm}, or under {@code fallback} when there is none. */
    public static Path create(Path fallback, String prefix) throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, prefix);
        }
        return Files.createTempDirectory(Files.createDirectories(fallback), prefix);
    }

    /** Deletes a real directory tree if it exists (a default-file-system path). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
