package io.sextant.segment.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.SegmentVectors;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.filter.Condition.MatchCondition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.OffsetFilter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.vector.Distance;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An immutable segment opened with payloads left in its mapped {@code points.bin} ({@link
 * MappedPayloadColumn}) serves exactly the payloads the heap column serves, for every offset
 * (deleted ones included), builds the same payload indexes, evaluates the same filters, and
 * rejects a corrupt points file as the heap path does.
 */
class MappedPayloadColumnTest {
    private static final SegmentVectors LAYOUT =
            SegmentVectors.dense(Map.of("", new VectorSpec(4, Distance.DOT, false)));
    private static final String[] WORDS = {"", "a", "ключ", "鍵", "emoji 🎈", "quote \" and \\ back", "tab\t nl\n"};
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @TempDir
    Path tmp;

    @Test
    void mappedPayloadsEqualHeapPayloadsAtEveryOffset() {
        for (long seed = 1; seed <= 5; seed++) {
            Path dir = tmp.resolve("seed-" + seed);
            Random r = new Random(seed);
            int n = 1 + r.nextInt(400);
            List<Integer> deleted = writeImmutable(dir, r, n);
            Segment heap = Segment.open(dir, LAYOUT, Map.of(), MemoryPlacement.PINNED);
            for (MemoryPlacement p : List.of(MemoryPlacement.COLD, MemoryPlacement.CACHED)) {
                Segment mapped = Segment.open(dir, LAYOUT, Map.of(), p);
                assertThat(mapped.payloadColumn()).as("seed %d", seed).isInstanceOf(MappedPayloadColumn.class);
                assertThat(mapped.payloadPlacement()).isEqualTo(p);
                assertThat(mapped.offsetLimit()).isEqualTo(heap.offsetLimit());
                for (int o = 0; o < heap.offsetLimit(); o++) {
                    assertThat(mapped.payloadAt(o))
                            .as("seed %d, offset %d (%s)", seed, o, p)
                            .isEqualTo(heap.payloadAt(o));
                    assertThat(mapped.view(o).payload()).isEqualTo(heap.payloadAt(o));
                }
                for (int o : deleted) {
                    assertThat(mapped.isLive(o))
                            .as("seed %d, deleted offset %d", seed, o)
                            .isFalse();
                }
                mapped.close();
                // a reader still holding a retired segment keeps reading correct payloads
                for (int o = 0; o < heap.offsetLimit(); o++) {
                    assertThat(mapped.payloadAt(o)).isEqualTo(heap.payloadAt(o));
                }
            }
            assertThat(heap.payloadColumn()).isInstanceOf(HeapPayloadColumn.class);
            heap.close();
        }
    }

    @Test
    void payloadIndexesAndFiltersAgreeWithTheHeapColumn() {
        Path dir = tmp.resolve("idx");
        writeImmutable(dir, new Random(7), 300);
        Map<String, PayloadIndexSpec> schema = Map.of("kw", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD));
        Segment heap = Segment.open(dir, LAYOUT, schema, MemoryPlacement.PINNED);
        Segment mapped = Segment.open(dir, LAYOUT, schema, MemoryPlacement.COLD);
        for (String key : List.of("kw", "plain")) { // indexed, and evaluated per point
            for (String w : WORDS) {
                Filter f = Filter.must(new MatchCondition(key, new Match.Value(w)));
                assertThat(matches(mapped.compile(f), mapped))
                        .as("%s = '%s'", key, w)
                        .isEqualTo(matches(heap.compile(f), heap));
            }
        }
        assertThat(matches(mapped.compile(Filter.must(new MatchCondition("kw", new Match.Value("a")))), mapped))
                .isNotEmpty();
    }

    @Test
    void appendableSegmentsKeepPayloadsOnTheHeapWhateverThePlacement() {
        Path dir = tmp.resolve("app");
        Segment s = Segment.createAppendable(dir, LAYOUT);
        s.append(
                PointId.of(1),
                1,
                Map.of("", new float[] {1, 2, 3, 4}),
                F.objectNode().put("k", "v"));
        s.flush(1);
        s.close();
        Segment re = Segment.open(dir, LAYOUT, Map.of(), MemoryPlacement.COLD);
        assertThat(re.payloadColumn()).isInstanceOf(HeapPayloadColumn.class);
        assertThat(re.payloadPlacement()).isEqualTo(MemoryPlacement.PINNED);
        assertThat(re.payloadAt(0)).isEqualTo(F.objectNode().put("k", "v"));
        re.setPayload(0, F.objectNode().put("k", "w"), 2);
        assertThat(re.payloadAt(0)).isEqualTo(F.objectNode().put("k", "w"));
    }

    @Test
    void corruptPointsFileIsRejectedByTheMappedOpen() throws Exception {
        long seed = 11;
        Random r = new Random(seed);
        Path dir = tmp.resolve("corrupt");
        writeImmutable(dir, r, 50);
        Path pf = dir.resolve(PointsFile.NAME);
        byte[] good = Files.readAllBytes(pf);
        for (int trial = 0; trial < 20; trial++) {
            int at = FileHeader.SIZE + r.nextInt(good.length - FileHeader.SIZE);
            byte[] bad = good.clone();
            bad[at] ^= (byte) (1 + r.nextInt(255));
            Files.write(pf, bad);
            assertThatThrownBy(() -> Segment.open(dir, LAYOUT, Map.of(), MemoryPlacement.COLD))
                    .as("seed %d, byte %d flipped", seed, at)
                    .isInstanceOf(ServiceException.class)
                    .hasMessageContaining(pf.toString());
        }
        Files.write(pf, java.util.Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> Segment.open(dir, LAYOUT, Map.of(), MemoryPlacement.CACHED))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("checksum");
        try (RandomAccessFile raf = new RandomAccessFile(pf.toFile(), "rw")) {
            raf.setLength(0);
            raf.write(good);
        }
        assertThat(Segment.open(dir, LAYOUT, Map.of(), MemoryPlacement.COLD).offsetLimit())
                .isEqualTo(50);
    }

    private static List<Integer> matches(OffsetFilter f, Segment s) {
        List<Integer> out = new ArrayList<>();
        for (int o = 0; o < s.offsetLimit(); o++) {
            if (s.isLive(o) && f.test(o)) {
                out.add(o);
            }
        }
        return out;
    }

    /** Writes {@code n} points with random payloads as an immutable segment, deletes some; returns them. */
    private static List<Integer> writeImmutable(Path dir, Random r, int n) {
        Path appDir = dir.resolveSibling(dir.getFileName() + "-app");
        Segment app = Segment.createAppendable(appDir, LAYOUT);
        for (int i = 0; i < n; i++) {
            ObjectNode payload = r.nextInt(8) == 0 ? null : randomObject(r, 0);
            app.append(PointId.of(i), i + 1, Map.of("", new float[] {i, 1, 2, 3}), payload);
        }
        app.flush(n);
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        app.liveOffsetsById(null).forEachRemaining((int o) -> refs.add(new SegmentWriter.PointRef(app, o)));
        SegmentWriter.write(dir, LAYOUT, refs, n);
        app.close();
        Segment imm = Segment.open(dir, LAYOUT, Map.of());
        List<Integer> deleted = new ArrayList<>();
        for (int o = 0; o < n; o++) {
            if (r.nextInt(5) == 0) {
                imm.delete(o);
                deleted.add(o);
            }
        }
        imm.flush(n + 1);
        imm.close();
        return deleted;
    }

    private static ObjectNode randomObject(Random r, int depth) {
        ObjectNode o = F.objectNode();
        int fields = r.nextInt(depth == 0 ? 6 : 3); // 0 fields: the empty object
        for (int i = 0; i < fields; i++) {
            o.set(i == 0 ? "kw" : i == 1 ? "plain" : WORDS[r.nextInt(WORDS.length)] + i, randomValue(r, depth));
        }
        return o;
    }

    private static com.fasterxml.jackson.databind.JsonNode randomValue(Random r, int depth) {
        return switch (r.nextInt(depth < 2 ? 8 : 6)) {
            case 0, 1 -> F.textNode(WORDS[r.nextInt(WORDS.length)]);
            case 2 -> F.numberNode(r.nextLong());
            case 3 -> F.numberNode(r.nextDouble() * 1e6);
            case 4 -> F.booleanNode(r.nextBoolean());
            case 5 -> F.nullNode();
            case 6 -> randomObject(r, depth + 1);
            default -> {
                ArrayNode a = F.arrayNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.add(randomValue(r, depth + 1));
                }
                yield a;
            }
        };
    }
}
