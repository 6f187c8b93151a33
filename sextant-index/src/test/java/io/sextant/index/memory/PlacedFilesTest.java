package io.sextant.index.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each residency puts a file's bytes where it says, measured with mincore; the bytes read are the file's. */
class PlacedFilesTest {
    private static final int SIZE = 2 << 20;

    @TempDir
    Path tmp;

    private Path file;
    private byte[] content;

    @BeforeEach
    void writeFile() throws IOException {
        assumeTrue(PlacedFiles.supported(), "needs Linux libc");
        long seed = System.nanoTime();
        content = new byte[SIZE];
        new Random(seed).nextBytes(content);
        file = tmp.resolve("data.bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(content));
            ch.force(true);
        }
    }

    private MemorySegment place(Residency r, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return PlacedFiles.place(ch, file, 100, SIZE - 100, r, arena);
        }
    }

    private void assertContent(MemorySegment s) {
        assertThat(s.byteSize()).isEqualTo(SIZE - 100);
        for (int i = 0; i < 50; i++) {
            long at = (long) i * (SIZE - 101) / 49;
            assertThat(s.get(ValueLayout.JAVA_BYTE, at)).as("byte %d", at).isEqualTo(content[(int) at + 100]);
        }
    }

    @Test
    void lockedIsAResidentCopy() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = place(Residency.LOCKED, a);
            assertThat(s.isMapped()).isFalse();
            assertThat(PlacedFiles.residentBytes(s)).isEqualTo(s.byteSize());
            assertContent(s);
            PlacedFiles.release(s, file);
            assertContent(s); // unlocked, still there
        }
    }

    @Test
    void populatedIsAResidentMapping() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = place(Residency.POPULATED, a);
            assertThat(s.isMapped()).isTrue();
            assertThat(PlacedFiles.residentBytes(s)).isEqualTo(s.byteSize());
            assertContent(s);
        }
    }

    @Test
    void onDemandReadsOnlyWhatIsTouchedAndReleaseGivesPagesBack() throws IOException {
        try (Arena warm = Arena.ofConfined();
                Arena a = Arena.ofConfined()) {
            MemorySegment populated = place(Residency.POPULATED, warm);
            PlacedFiles.release(populated, file); // the retired instance gives its pages back
            MemorySegment s = place(Residency.ON_DEMAND, a);
            assertThat(s.isMapped()).isTrue();
            assertThat(PlacedFiles.residentBytes(s)).isZero();
            assertThat(s.get(ValueLayout.JAVA_BYTE, SIZE / 2)).isEqualTo(content[SIZE / 2 + 100]);
            assertThat(PlacedFiles.residentBytes(s)).isBetween(1L, (long) SIZE / 16);
            assertContent(s);
            assertContent(populated); // a reader of the released mapping faults its pages in again
        }
    }
}
