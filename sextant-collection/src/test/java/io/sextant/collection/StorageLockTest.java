package io.sextant.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.segment.error.ServiceException;
import io.sextant.shard.LocalShard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageLockTest {
    @TempDir
    Path dir;

    @Test
    void secondOpenOfOneStorageFailsUntilTheFirstCloses() {
        TableOfContents first = TableOfContents.open(dir, LocalShard::open);
        assertThatThrownBy(() -> TableOfContents.open(dir, LocalShard::open))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("in use by another Sextant process")
                .hasMessageContaining(dir.toAbsolutePath().normalize().toString());
        first.close();
        TableOfContents again = TableOfContents.open(dir, LocalShard::open);
        again.close();
    }

    @Test
    void anotherProcessHoldingTheLockIsRefusedAndItsDeathReleasesIt() throws Exception {
        // a child JVM takes the lock, prints a line, then waits to be killed
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(
                java, "-cp", System.getProperty("java.class.path"), StorageLockHolder.class.getName(), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            assertThat(out.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> StorageLock.acquire(dir))
                    .isInstanceOf(ServiceException.class)
                    .hasMessageContaining("in use by another Sextant process");
        } finally {
            p.destroyForcibly(); // SIGKILL: the kernel drops the lock with the process
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (StorageLock lock = StorageLock.acquire(dir)) {
            assertThat(Files.exists(lock.file())).isTrue();
        }
    }

    @Test
    void closeIsIdempotentAndReleases() {
        StorageLock lock = StorageLock.acquire(dir.resolve("made/here"));
        lock.close();
        lock.close();
        StorageLock.acquire(dir.resolve("made/here")).close();
    }

    /** Child process for the test above. */
    public static final class StorageLockHolder {
        public static void main(String[] args) throws Exception {
            StorageLock lock = StorageLock.acquire(Path.of(args[0]));
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(120_000);
            lock.close();
        }
    }
}
