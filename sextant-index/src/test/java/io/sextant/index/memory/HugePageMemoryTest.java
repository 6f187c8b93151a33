package io.sextant.index.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HugePageMemoryTest {
    private static final long SEED = 20_261_207L;

    @Test
    void copiesEveryByteIntoAlignedMemory() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (long size : new long[] {1, 4095, HugePageMemory.HUGE_PAGE - 3, HugePageMemory.HUGE_PAGE * 3 + 17}) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = arena.allocate(size);
                for (long i = 0; i < size; i++) {
                    src.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
                }
                MemorySegment copy = HugePageMemory.copy(src, arena);
                assertThat(copy.byteSize()).as("size %d", size).isEqualTo(size);
                assertThat(copy.address() % HugePageMemory.HUGE_PAGE).isZero();
                assertThat(copy.mismatch(src))
                        .as("size %d, seed %d", size, SEED)
                        .isEqualTo(-1L);
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            assertThat(HugePageMemory.copy(arena.allocate(0), arena).byteSize()).isZero();
        }
    }

    @Test
    void copyIsBackedByHugePagesWhenTheKernelOffersThem() throws Exception {
        Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean offered = Files.exists(thp) && !Files.readString(thp).contains("[never]");
        long before = HugePageMemory.anonHugeBytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(HugePageMemory.HUGE_PAGE * 8);
            src.fill((byte) 7);
            MemorySegment copy = HugePageMemory.copy(src, arena);
            long after = HugePageMemory.anonHugeBytes();
            if (offered && before >= 0) {
                // at least half of the 16 MiB in huge pages (memory may be too fragmented for all)
                assertThat(after - before).isGreaterThanOrEqualTo(HugePageMemory.HUGE_PAGE * 4);
            }
            assertThat(copy.get(ValueLayout.JAVA_BYTE, copy.byteSize() - 1)).isEqualTo((byte) 7);
        }
    }
}
