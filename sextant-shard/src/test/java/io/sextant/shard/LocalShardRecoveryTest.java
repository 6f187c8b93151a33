package io.sextant.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.config.ShardConfig;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.vector.Distance;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalShardRecoveryTest {
    @TempDir
    Path tmp;

    private static final ShardConfig CFG = ShardFixtures.config(3, Distance.EUCLID);

    /** All points as "id -> payload|vector" strings, for comparing states. */
    static Map<String, String> dump(Shard shard) {
        Map<String, String> out = new TreeMap<>();
        PointId offset = null;
        do {
            ScrollPage page = shard.scroll(
                    new ScrollRequest(Filter.ALL, 100, offset, null, PayloadSelector.ALL, VectorSelector.ALL));
            for (PointRecord r : page.points()) {
                StringBuilder v = new StringBuilder();
                r.vectors().forEach((k, f) -> v.append(k).append('=').append(java.util.Arrays.toString(f)));
                out.put(r.id().toString(), r.payload() + "|" + v);
            }
            offset = page.nextOffset();
        } while (offset != null);
        return out;
    }

    private static List<PointOperation> randomOps(Random r, int n) {
        List<PointOperation> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long a = r.nextInt(30);
            PointsSelector sel = new PointsSelector.Ids(List.of(PointId.of(a), PointId.of(r.nextInt(30))));
            ObjectNode p = JsonNodeFactory.instance.objectNode().put("k" + r.nextInt(3), r.nextInt(100));
            ops.add(
                    switch (r.nextInt(7)) {
                        case 0, 1 -> ShardFixtures.upsert(r, 3, a, a + 1 + r.nextInt(5));
                        case 2 -> new PointOperation.Delete(sel);
                        case 3 -> new PointOperation.SetPayload(p, sel, null);
                        case 4 -> new PointOperation.OverwritePayload(p, sel);
                        case 5 -> new PointOperation.DeletePayload(List.of("k0", "n"), sel);
                        default -> new PointOperation.DeleteVectors(sel, List.of(""));
                    });
        }
        return ops;
    }

    @Test
    void crashWithoutCloseKeepsEveryAcknowledgedOperation() throws Exception {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        Path live = tmp.resolve("live");
        LocalShard shard = LocalShard.open(live, CFG, false);
        List<PointOperation> ops = randomOps(r, 200);
        Map<String, String> atCrash = null;
        Path copy = tmp.resolve("crashed");
        for (int i = 0; i < ops.size(); i++) {
            shard.update(ops.get(i), r.nextBoolean());
            if (i == 80) {
                shard.flush(); // a checkpoint in the middle
            }
        }
        atCrash = dump(shard);
        ShardFixtures.copyDir(live, copy); // "kill -9": files as they are, nothing closed
        try (LocalShard reopened = LocalShard.open(copy, CFG, false)) {
            assertThat(dump(reopened)).as("seed %d", seed).isEqualTo(atCrash);
        }
        shard.close();
        try (LocalShard reopened = LocalShard.open(live, CFG, false)) {
            assertThat(dump(reopened)).as("seed %d", seed).isEqualTo(atCrash);
        }
    }

    @Test
    void replayOverNewerSegmentFilesIsIdempotent() throws Exception {
        Path dir = tmp.resolve("s");
        PointsSelector one = new PointsSelector.Ids(List.of(PointId.of(1)));
        Map<String, String> expected;
        byte[] oldManifest;
        try (LocalShard shard = LocalShard.open(dir, CFG, false)) {
            shard.update(ShardFixtures.upsert(new Random(5), 3, 0, 5), true);
            shard.flush();
            oldManifest = Files.readAllBytes(dir.resolve(ShardManifest.NAME));
            shard.update(
                    new PointOperation.SetPayload(
                            JsonNodeFactory.instance.objectNode().put("a", 1), one, null),
                    true);
            shard.update(
                    new PointOperation.OverwritePayload(
                            JsonNodeFactory.instance.objectNode().put("b", 2), one),
                    true);
            shard.update(new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(2)))), true);
            shard.update(ShardFixtures.upsert(new Random(6), 3, 2, 3), true);
            shard.update(new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(3)))), true);
            expected = dump(shard);
        }
        // Segment files now reflect every operation; pretend the checkpoint never happened.
        Files.write(dir.resolve(ShardManifest.NAME), oldManifest);
        try (LocalShard shard = LocalShard.open(dir, CFG, false)) {
            assertThat(dump(shard)).isEqualTo(expected);
            assertThat(shard.retrieve(List.of(PointId.of(1)), PayloadSelector.ALL, VectorSelector.NONE)
                            .get(0)
                            .payload()
                            .toString())
                    .isEqualTo("{\"b\":2}");
        }
    }

    @Test
    void indexSchemaIsLoggedAndPersisted() {
        Path dir = tmp.resolve("s");
        try (LocalShard shard = LocalShard.open(dir, CFG, false)) {
            shard.update(ShardFixtures.upsert(new Random(7), 3, 0, 10), true);
            shard.update(
                    new PointOperation.CreateFieldIndex("parity", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)),
                    true);
            shard.update(
                    new PointOperation.CreateFieldIndex("n", PayloadIndexSpec.of(PayloadSchemaType.INTEGER)), true);
            assertThat(shard.info().payloadSchema().get("parity").points()).isEqualTo(10);
        }
        try (LocalShard shard = LocalShard.open(dir, CFG, false)) {
            assertThat(shard.info().payloadSchema()).containsOnlyKeys("parity", "n");
            ObjectNode bad = JsonNodeFactory.instance.objectNode().put("n", "not a number");
            assertThatThrownBy(() -> shard.update(
                            new PointOperation.OverwritePayload(bad, new PointsSelector.Ids(List.of(PointId.of(1)))),
                            true))
                    .isInstanceOf(io.sextant.segment.error.UserException.class);
            shard.update(new PointOperation.DeleteFieldIndex("n"), true);
        }
        try (LocalShard shard = LocalShard.open(dir, CFG, false)) {
            assertThat(shard.info().payloadSchema()).containsOnlyKeys("parity");
        }
    }

    @Test
    void corruptSegmentHeaderIsReportedClearly() throws Exception {
        Path dir = tmp.resolve("s");
        try (LocalShard shard = LocalShard.open(dir, CFG, false)) {
            shard.update(ShardFixtures.upsert(new Random(8), 3, 0, 10), true);
        }
        Path points;
        try (var s = Files.walk(dir)) {
            points = s.filter(p -> p.getFileName().toString().equals("points.bin"))
                    .findFirst()
                    .orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(points.toFile(), "rw")) {
            raf.write(new byte[] {'J', 'U', 'N', 'K'});
        }
        assertThatThrownBy(() -> LocalShard.open(dir, CFG, false))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining(points.toString())
                .hasMessageContaining("magic");
    }

    @Test
    void tornWalTailAfterCrashIsDropped() throws Exception {
        Path dir = tmp.resolve("s");
        LocalShard shard = LocalShard.open(dir, CFG, false);
        shard.update(ShardFixtures.upsert(new Random(9), 3, 0, 10), true);
        shard.update(ShardFixtures.upsert(new Random(9), 3, 10, 20), true);
        Path copy = tmp.resolve("c");
        ShardFixtures.copyDir(dir, copy);
        shard.close();
        Path walFile;
        try (var s = Files.list(copy.resolve(LocalShard.WAL))) {
            walFile = s.sorted().toList().getLast();
        }
        try (RandomAccessFile raf = new RandomAccessFile(walFile.toFile(), "rw")) {
            raf.setLength(raf.length() - 5);
        }
        try (LocalShard reopened = LocalShard.open(copy, CFG, false)) {
            assertThat(reopened.count(Filter.ALL, true)).isEqualTo(10);
            assertThat(reopened.update(ShardFixtures.upsert(new Random(9), 3, 30, 31), true)
                            .operationId())
                    .isEqualTo(2);
        }
    }
}
