package io.sextant.segment.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.VectorElementType;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.provider.MethodSource;
import org.roaringbitmap.RoaringBitmap;

/**
 * Coverage-guided fuzzing of the segment file readers: {@code points.bin} ({@link PointsFile}),
 * {@code deleted.bin} ({@link DeletedFile}) and the vector files ({@link MmapVectorStorage}). A
 * fuzzed file must be read or rejected with {@link ServiceException}; nothing else may escape,
 * hang or allocate memory the file cannot account for. What a reader accepts must be usable (every
 * vector of an accepted vector file can be read).
 *
 * <p>The checksummed files get their header and CRC32C trailer from the harness when the first
 * input byte is even (the fuzzer cannot forge a CRC, so without this it would only ever test the
 * checksum); an odd first byte writes the rest of the input as the whole file. Seeds are real files
 * written by the writers. Without {@code JAZZER_FUZZ} this replays the seeds and {@code
 * StorageFilesFuzzTestInputs/<method>}; {@code bin/bench fuzz} fuzzes it.
 */
class StorageFilesFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @MethodSource("pointsSeeds")
    @FuzzTest
    void pointsFile(byte[] input) throws IOException {
        Path file = write(frame(input, PointsFile.MAGIC, PointsFile.VERSION));
        try {
            PointsFile.Content c = PointsFile.read(file);
            assertThat(c.versions()).hasSize(c.count());
            assertThat(c.presence()).hasSize(c.count());
            assertThat(c.payloads()).hasSize(c.count());
        } catch (ServiceException documented) {
            // rejected
        } finally {
            Files.delete(file);
        }
    }

    @MethodSource("deletedSeeds")
    @FuzzTest
    void deletedFile(byte[] input) throws IOException {
        Path file = write(frame(input, DeletedFile.MAGIC, DeletedFile.VERSION));
        try {
            RoaringBitmap deleted = DeletedFile.read(file);
            deleted.forEach((int offset) -> assertThat(deleted.contains(offset)).isTrue());
        } catch (ServiceException documented) {
            // rejected
        } finally {
            Files.delete(file);
        }
    }

    @FuzzTest
    void vectorFile(FuzzedDataProvider data) throws IOException {
        int dim = data.consumeInt(1, 8);
        VectorElementType type = data.pickValue(VectorElementType.values());
        int count = data.consumeInt(0, 16);
        boolean readOnly = data.consumeBoolean();
        boolean onDisk = data.consumeBoolean();
        ByteBuffer file = ByteBuffer.allocate(MmapVectorStorage.HEADER + 4096);
        if (data.consumeBoolean()) { // a well-formed header, maybe for another dimension or type
            FileHeader.write(file, MmapVectorStorage.MAGIC, data.consumeInt(0, 3));
            file.putInt(data.consumeBoolean() ? dim : data.consumeInt());
            file.put((byte) (data.consumeBoolean() ? type.code() : data.consumeInt(0, 3)));
            file.position(MmapVectorStorage.HEADER);
        }
        byte[] rest = data.consumeRemainingAsBytes();
        file.put(rest, 0, Math.min(rest.length, file.remaining()));
        Path path = write(Arrays.copyOf(file.array(), file.position()));
        try {
            MmapVectorStorage s = readOnly
                    ? MmapVectorStorage.openReadOnly(path, dim, type, count, onDisk)
                    : MmapVectorStorage.openAppendable(path, dim, type);
            if (!readOnly) {
                s.put(count, new float[dim]);
            }
            for (int i = 0; i <= (readOnly ? count - 1 : count); i++) {
                assertThat(s.get(i)).hasSize(dim);
            }
            s.close();
        } catch (ServiceException documented) {
            // rejected
        } finally {
            Files.delete(path);
        }
    }

    /** The file for {@code input}: framed (header + body + CRC) when the first byte is even, raw otherwise. */
    static byte[] frame(byte[] input, String magic, int version) {
        if (input.length == 0 || (input[0] & 1) == 1) {
            return input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        }
        ByteBuffer b = ByteBuffer.allocate(FileHeader.SIZE + input.length - 1 + 4);
        FileHeader.write(b, magic, version);
        b.put(input, 1, input.length - 1);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), FileHeader.SIZE, b.position() - FileHeader.SIZE);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** The inverse of {@link #frame} for a well-formed file: an even byte, then the body. */
    static byte[] unframe(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        byte[] out = Arrays.copyOfRange(all, FileHeader.SIZE - 1, all.length - 4);
        out[0] = 0;
        return out;
    }

    private static Path write(byte[] bytes) throws IOException {
        Path file = FuzzScratch.file("sextant-file-fuzz");
        Files.write(file, bytes);
        return file;
    }

    /** The points.bin of a segment holding three points (numeric and UUID ids, payloads, named vectors). */
    static Stream<byte[]> pointsSeeds() throws IOException {
        ObjectNode payload = (ObjectNode) JSON.readTree("{\"city\":\"Berlin\",\"count\":3,\"tags\":[\"a\",\"b\"]}");
        Path dir = Files.createTempDirectory(FuzzScratch.ROOT, "sextant-file-fuzz");
        Stream.Builder<byte[]> seeds = Stream.builder();
        Segment s = Segment.createAppendable(
                dir,
                Map.of("", new VectorSpec(4, Distance.DOT, false), "image", new VectorSpec(2, Distance.EUCLID, true)));
        try {
            s.append(PointId.of(1), 40, Map.of("", new float[] {0.05f, 0.61f, 0.76f, 0.74f}), payload);
            s.append(PointId.of(UUID.fromString("5c56c793-69f3-4fbf-87e6-c4bf54c28c26")), 41, Map.of(), null);
            s.append(PointId.of(7), 42, Map.of("image", new float[] {1, 2}), JSON.createObjectNode());
            s.flush(42);
            seeds.add(unframe(dir.resolve(PointsFile.NAME)));
        } finally {
            s.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
        return seeds.build();
    }

    static Stream<byte[]> deletedSeeds() throws IOException {
        Path file = FuzzScratch.file("sextant-file-fuzz");
        try {
            Stream.Builder<byte[]> seeds = Stream.builder();
            for (RoaringBitmap bm : List.of(
                    new RoaringBitmap(), RoaringBitmap.bitmapOf(0, 5, 17), RoaringBitmap.bitmapOfRange(100, 70_000))) {
                DeletedFile.write(file, 9, bm);
                seeds.add(unframe(file));
            }
            seeds.add(("\u0001not a deleted file").getBytes(StandardCharsets.UTF_8));
            return seeds.build();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
