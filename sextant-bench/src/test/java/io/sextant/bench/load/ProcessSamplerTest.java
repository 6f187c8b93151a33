package io.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSamplerTest {
    private static final Path SELF_FD = Path.of("/proc/self/fd");

    @Test
    void parsesZgcHeapInfoBeforeAndAfterTheCollection() {
        String out = """
                7756:
                ZHeap            used 156M, capacity 378M, max capacity 6028M
                 Cache           222M (1)
                  size classes   128M (1)
                Command executed successfully
                ZHeap            used 132M, capacity 380M, max capacity 6028M
                 Cache           246M (3)
                """;
        assertThat(ProcessSampler.parseHeapInfo(out)).containsExactly(156L << 20, 132L << 20, 380L << 20);
    }

    @Test
    void parsesG1HeapInfoIgnoringMetaspace() {
        String out = """
                123:
                garbage-first heap   total reserved 6172672K, committed 1179648K, used 48466K [0x0000000687400000)
                 region size 4096K, 3 young (12288K), 1 survivors (4096K)
                 Metaspace       used 900K, committed 1024K, reserved 1114112K
                Command executed successfully
                 Metaspace       used 901K, committed 1024K, reserved 1114112K
                garbage-first heap   total reserved 6172672K, committed 180224K, used 40865K [0x0000000687400000)
                """;
        assertThat(ProcessSampler.parseHeapInfo(out)).containsExactly(48466L << 10, 40865L << 10, 180224L << 10);
    }

    @Test
    void heapInfoWithoutTheCollectionIsUnread() {
        assertThat(ProcessSampler.parseHeapInfo("123:\nAttach failed\n")).containsExactly(-1L, -1L, -1L);
    }

    @Test
    void countsOpenDescriptorsAndDeletedFilesHeldOpen(@TempDir Path dir) throws Exception {
        long[] before = ProcessSampler.fds(SELF_FD);
        Path kept = Files.writeString(dir.resolve("kept"), "x");
        Path gone = Files.writeString(dir.resolve("gone"), "y");
        try (FileChannel a = FileChannel.open(kept, StandardOpenOption.READ);
                FileChannel b = FileChannel.open(gone, StandardOpenOption.READ)) {
            Files.delete(gone);
            long[] during = ProcessSampler.fds(SELF_FD);
            // other threads of the test JVM may open files meanwhile; ours are the two we hold
            assertThat(during[0]).isGreaterThanOrEqualTo(before[0] + 2);
            assertThat(during[2]).isGreaterThanOrEqualTo(before[2] + 1);
        }
        assertThat(ProcessSampler.fds(dir.resolve("no-such-dir"))).containsExactly(-1L, -1L, -1L);
    }

    @Test
    void sumsTheFilesUnderTheStorageDirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a/b"));
        Files.write(dir.resolve("a/one"), new byte[1000]);
        Files.write(dir.resolve("a/b/two"), new byte[234]);
        Files.write(dir.resolve("three"), new byte[0]);
        assertThat(ProcessSampler.diskUsage(dir)).containsExactly(1234L, 3L);
        assertThat(ProcessSampler.diskUsage(dir.resolve("missing"))).containsExactly(-1L, -1L);
    }

    @Test
    void samplesALiveJavaProcess(@TempDir Path dir) throws Exception {
        long self = ProcessHandle.current().pid();
        assertThat(ProcessSampler.javaPid(ProcessHandle.current())).isEqualTo(self);
        Files.write(dir.resolve("f"), new byte[4096]);
        ResourceSample s = new ProcessSampler(self, dir).sample(60);
        assertThat(s.atSeconds()).isEqualTo(60);
        assertThat(s.rss()).isGreaterThan(1 << 20);
        assertThat(s.threads()).isGreaterThan(1);
        assertThat(s.fds()).isGreaterThan(2);
        assertThat(s.maps()).isGreaterThan(10);
        assertThat(s.storage()).isEqualTo(4096);
        assertThat(s.storageFiles()).isEqualTo(1);
        assertThat(s.heapAfterGc()).isPositive().isLessThanOrEqualTo(s.heapCapacity());
        assertThat(s.csv().split(",", -1)).hasSize(ResourceSample.CSV_HEADER.split(",").length);
    }

    @Test
    void savesTheClassHistogramOfALiveJavaProcess(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("d/diag.txt");
        new ProcessSampler(ProcessHandle.current().pid(), dir).saveDiagnostics(file);
        String text = Files.readString(file);
        assertThat(text)
                .contains("GC.class_histogram")
                .contains("java.lang.String")
                .contains("VM.native_memory");
        assertThat(text.lines().count()).isLessThan(260);
    }
}
