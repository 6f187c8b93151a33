package io.sextant.segment.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.error.ServiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AtomicFiles#createDirectories} creates what is missing (and fsyncs it, which a test on a
 * real file system cannot observe; the power-cut simulation does), and is a no-op otherwise.
 */
class AtomicFilesCreateDirectoriesTest {
    @TempDir
    Path dir;

    @Test
    void createsEveryMissingLevel() {
        Path deep = dir.resolve("a").resolve("b").resolve("c");
        AtomicFiles.createDirectories(deep);
        assertThat(deep).isDirectory();
        assertThat(dir.resolve("a").resolve("b")).isDirectory();
    }

    @Test
    void existingDirectoryIsLeftAsItIs() throws IOException {
        Path existing = Files.createDirectory(dir.resolve("x"));
        Files.writeString(existing.resolve("keep"), "kept");
        AtomicFiles.createDirectories(existing);
        assertThat(existing.resolve("keep")).hasContent("kept");
    }

    @Test
    void aRelativePathIsResolvedAgainstTheWorkingDirectory() {
        Path relative =
                Path.of("").toAbsolutePath().relativize(dir.resolve("rel").resolve("sub"));
        AtomicFiles.createDirectories(relative);
        assertThat(dir.resolve("rel").resolve("sub")).isDirectory();
    }

    @Test
    void aFileInTheWayIsAServiceError() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertThatThrownBy(() -> AtomicFiles.createDirectories(file.resolve("sub")))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining(file.resolve("sub").toString());
    }
}
