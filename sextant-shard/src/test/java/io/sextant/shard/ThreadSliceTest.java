package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Request threads get the short slice: read back from the kernel ({@code se.slice} in {@code
 * /proc/thread-self/sched}, shown by kernels with per-thread slices), with the thread's nice value
 * kept and not passed on to threads it starts; virtual threads are left alone.
 */
class ThreadSliceTest {

    /** The calling thread's slice in ns, or -1 when the kernel does not show one. */
    private static long ownSlice() throws IOException {
        Path sched = Path.of("/proc/thread-self/sched");
        if (!Files.exists(sched)) {
            return -1;
        }
        for (String line : Files.readAllLines(sched)) {
            if (line.startsWith("se.slice")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return -1;
    }

    private static int ownNice() throws IOException {
        String s = Files.readString(Path.of("/proc/thread-self/stat"));
        return Integer.parseInt(s.substring(s.lastIndexOf(')') + 2).split(" ")[16]);
    }

    @Test
    void aRequestThreadGetsTheShortSliceAndKeepsItsNiceValue() throws Exception {
        assumeTrue(ownSlice() > 0, "the kernel shows no per-thread slice");
        AtomicReference<long[]> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                ThreadNiceness.lowerCurrent(3);
                long before = ownSlice();
                boolean first = ThreadSlice.shortenCurrent();
                boolean again = ThreadSlice.shortenCurrent();
                long[] child = {0};
                Thread.ofPlatform()
                        .start(() -> {
                            try {
                                child[0] = ownSlice();
                            } catch (IOException e) {
                                throw new RuntimeException(e);
                            }
                        })
                        .join();
                seen.set(new long[] {before, ownSlice(), ownNice(), first ? 1 : 0, again ? 1 : 0, child[0]});
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        t.join();
        long[] s = seen.get();
        assertThat(s[0]).as("default slice").isNotEqualTo(ThreadSlice.SLICE_NANOS);
        assertThat(s[1]).as("slice after shortenCurrent").isEqualTo(ThreadSlice.SLICE_NANOS);
        assertThat(s[2]).as("nice value kept").isEqualTo(3);
        assertThat(s[3]).as("first call sets it").isEqualTo(1);
        assertThat(s[4]).as("later calls report it set").isEqualTo(1);
        assertThat(s[5]).as("a thread it starts has the default slice").isEqualTo(s[0]);
    }

    @Test
    void virtualThreadsAreLeftAlone() throws Exception {
        AtomicReference<Boolean> set = new AtomicReference<>();
        Thread.ofVirtual().start(() -> set.set(ThreadSlice.shortenCurrent())).join();
        assertThat(set.get()).isFalse();
    }
}
