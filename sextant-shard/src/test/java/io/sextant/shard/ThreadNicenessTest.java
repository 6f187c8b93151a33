package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.config.VectorSpec;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Background threads run below request threads: the nice value read back from the kernel ({@code
 * /proc/self/task/<tid>/stat}) for a lowered thread, the threads it starts, and a real shard's
 * optimizer thread.
 */
class ThreadNicenessTest {

    @TempDir
    Path tmp;

    private static boolean linux() {
        return Files.isDirectory(Path.of("/proc/self/task"));
    }

    /** The nice value of the calling thread, from {@code /proc/thread-self/stat}. */
    private static int ownNice() throws IOException {
        return niceOf(Path.of("/proc/thread-self/stat"));
    }

    private static int niceOf(Path stat) throws IOException {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[16]); // field 19 of stat; f[0] is field 3
    }

    /** Nice values of this process's threads whose kernel name ({@code comm}) starts with {@code prefix}. */
    private static List<Integer> nicesOfThreadsNamed(String prefix) throws IOException {
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (Files.readString(t.resolve("comm")).strip().startsWith(prefix)) {
                        out.add(niceOf(t.resolve("stat")));
                    }
                } catch (IOException gone) { // the thread ended meanwhile
                }
            }
        }
        return out;
    }

    @Test
    void aLoweredThreadAndTheThreadsItStartsRunAtTheGivenNiceValue() throws Exception {
        assumeTrue(linux());
        AtomicInteger own = new AtomicInteger(-1);
        AtomicInteger child = new AtomicInteger(-1);
        AtomicReference<Boolean> set = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(ThreadNiceness.lowered(7, () -> {
            try {
                own.set(ownNice());
                Thread c = Thread.ofPlatform().start(() -> {
                    try {
                        child.set(ownNice());
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                c.join();
                set.set(ThreadNiceness.lowerCurrent(9));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }));
        t.join();
        assertThat(own.get()).isEqualTo(7);
        assertThat(child.get()).as("inherited at thread start").isEqualTo(7);
        assertThat(set.get()).isTrue();
        assertThat(ownNice()).as("the test thread itself is untouched").isZero();
    }

    @Test
    void zeroAndVirtualThreadsAreLeftAlone() throws Exception {
        assumeTrue(linux());
        AtomicReference<Boolean> zero = new AtomicReference<>();
        AtomicInteger nice = new AtomicInteger(-1);
        Thread.ofPlatform()
                .start(() -> {
                    zero.set(ThreadNiceness.lowerCurrent(0));
                    try {
                        nice.set(ownNice());
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                })
                .join();
        assertThat(zero.get()).isFalse();
        assertThat(nice.get()).isZero();
        AtomicReference<Boolean> virtual = new AtomicReference<>();
        Thread.ofVirtual()
                .start(() -> virtual.set(ThreadNiceness.lowerCurrent(10)))
                .join();
        assertThat(virtual.get()).as("a virtual thread's carrier serves others").isFalse();
    }

    @Test
    void aShardsOptimizerThreadRunsBelowRequestThreads() throws Exception {
        assumeTrue(linux());
        ShardConfig cfg = new ShardConfig(
                Map.of("", new VectorSpec(4, Distance.COSINE, false)),
                new ShardConfig.OptimizerSettings(0.2, 10, 2, null, 1, 3600),
                new ShardConfig.WalSettings(1, 0));
        try (LocalShard shard = LocalShard.open(tmp.resolve("s"), cfg)) {
            List<Integer> nices = List.of();
            for (int i = 0; i < 100 && nices.isEmpty(); i++) { // the executor starts its thread at the first tick
                Thread.sleep(50);
                nices = nicesOfThreadsNamed("shard-optimize"); // comm holds 15 characters
            }
            assertThat(nices).isNotEmpty().allMatch(n -> n == ThreadNiceness.OPTIMIZER);
            assertThat(ThreadNiceness.OPTIMIZER).isEqualTo(10);
        }
    }
}
