package io.sextant.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsAndMissingFileIsNull() throws IOException {
        Path f = dir.resolve("cp");
        assertThat(ImportCheckpoint.read(f)).isNull();
        var cp = new ImportCheckpoint("/data/base.f16", "words", 256, 42);
        cp.write(f);
        assertThat(ImportCheckpoint.read(f)).isEqualTo(cp);
        assertThat(Files.readString(f)).startsWith("sextant-import 1\nsource /data/base.f16\n");
    }

    @Test
    void anyCorruptedByteIsRefused() throws IOException {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Path f = dir.resolve("cp");
        for (int trial = 0; trial < 300; trial++) {
            new ImportCheckpoint("/data/x.jsonl", "c", 100, rnd.nextInt(1000)).write(f);
            byte[] b = Files.readAllBytes(f);
            int at = rnd.nextInt(b.length);
            byte old = b[at];
            do {
                b[at] = (byte) rnd.nextInt(256);
            } while (b[at] == old);
            Files.write(f, b);
            int where = at;
            assertThatThrownBy(() -> ImportCheckpoint.read(f))
                    .as("seed %d, byte %d", seed, where)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is corrupt")
                    .hasMessageContaining("delete it");
        }
        Files.writeString(f, "sextant-import 2\nsource a\ncollection c\nbatch 1\ndone 1\ncrc 00000000\n");
        assertThatThrownBy(() -> ImportCheckpoint.read(f)).hasMessageContaining("unsupported checkpoint version '2'");
    }

    @Test
    void checkpointOfAnotherImportIsRefused() {
        var a = new ImportCheckpoint("/a", "c", 256, 3);
        a.checkMatches(new ImportCheckpoint("/a", "c", 256, 0), dir.resolve("cp"));
        assertThatThrownBy(() -> a.checkMatches(new ImportCheckpoint("/a", "c", 128, 0), dir.resolve("cp")))
                .hasMessageContaining("belongs to another import");
        assertThatThrownBy(() -> a.checkMatches(new ImportCheckpoint("/a", "d", 256, 0), dir.resolve("cp")))
                .hasMessageContaining("collection d");
    }
}
