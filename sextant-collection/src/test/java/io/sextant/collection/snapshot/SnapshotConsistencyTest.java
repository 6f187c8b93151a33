package io.sextant.collection.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots taken while a writer upserts restore to one consistent point in time. Upsert number
 * {@code b} (one WAL record, seq b+1 on a fresh shard) rewrites the 40 hot points with payload and
 * vector {@code b} and adds 5 new points tagged {@code b}. A consistent snapshot at WAL position
 * {@code B} therefore holds hot points all at version B, exactly {@code 40 + 5 (B+1)} points, and
 * no point tagged after B.
 */
class SnapshotConsistencyTest {
    static final int HOT = 40;
    static final int NEW_PER_BATCH = 5;

    @TempDir
    Path tmp;

    @Test
    void snapshotsWhileWritingRestoreToOneVersion() throws Exception {
        Path snapshots = tmp.resolve("snapshots");
        try (TableOfContents toc = TableOfContents.open(tmp.resolve("storage"), LocalShard::open)) {
            SnapshotService service =
                    new SnapshotService(toc, new LocalSnapshotStore(snapshots), snapshots, null, Clock.systemUTC());
            Collection c =
                    toc.create("w", CollectionConfig.of(CollectionParams.single(VectorParams.of(3, Distance.EUCLID))));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger batches = new AtomicInteger();
            AtomicReference<Throwable> writerError = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int b = 0; !stop.get(); b++) {
                        c.update(new PointOperation.Upsert(batch(b)), b % 2 == 0);
                        batches.incrementAndGet();
                    }
                } catch (Throwable t) {
                    writerError.set(t);
                }
            });
            writer.start();
            List<SnapshotDescription> taken = new ArrayList<>();
            while (taken.size() < 4) {
                Thread.sleep(60);
                if (batches.get() > 0) {
                    taken.add(service.createCollection("w"));
                }
            }
            stop.set(true);
            writer.join();
            assertThat(writerError.get()).isNull();
            assertThat(batches.get()).isGreaterThan(taken.size());

            for (int i = 0; i < taken.size(); i++) {
                Path file = snapshots.resolve("w").resolve(taken.get(i).name());
                SnapshotRestorer.Restored r = service.recoverCollection(
                        "r" + i, new RecoverRequest(file.toUri().toString(), null, null, null));
                Collection restored = toc.get("r" + i);
                long checkpoint = r.manifest().body().at("/shards/0/checkpoint").asLong();
                long lastBatch = checkpoint - 1; // batch b is WAL record b + 1
                long count = restored.count(Filter.ALL, true);
                assertThat(count)
                        .as("snapshot %d at WAL seq %d", i, checkpoint)
                        .isEqualTo(HOT + NEW_PER_BATCH * (lastBatch + 1))
                        .isEqualTo(r.expectedPoints());
                List<PointRecord> hot = restored.retrieve(
                        LongStream.range(0, HOT).mapToObj(PointId::of).toList(),
                        PayloadSelector.ALL,
                        VectorSelector.ALL);
                assertThat(hot).hasSize(HOT);
                for (PointRecord p : hot) {
                    assertThat(p.payload().get("v").asLong())
                            .as("point %s", p.id())
                            .isEqualTo(lastBatch);
                    assertThat(p.vectors().get("")[0]).isEqualTo((float) lastBatch);
                }
                var page = restored.scroll(new io.sextant.shard.ScrollRequest(
                        Filter.ALL, 100_000, null, null, PayloadSelector.ALL, VectorSelector.NONE));
                for (PointRecord p : page.points()) {
                    JsonNode tag = p.payload().get("tag");
                    if (tag != null) {
                        assertThat(tag.asLong()).isLessThanOrEqualTo(lastBatch);
                    }
                }
            }
        }
    }

    private static List<PointOperation.PointStruct> batch(int b) {
        List<PointOperation.PointStruct> out = new ArrayList<>();
        for (int i = 0; i < HOT; i++) {
            out.add(new PointOperation.PointStruct(
                    PointId.of(i),
                    Map.of("", new float[] {b, i, 1}),
                    JsonNodeFactory.instance.objectNode().put("v", b)));
        }
        for (int k = 0; k < NEW_PER_BATCH; k++) {
            long id = 1_000_000L + (long) b * NEW_PER_BATCH + k;
            out.add(new PointOperation.PointStruct(
                    PointId.of(id),
                    Map.of("", new float[] {b, k, 2}),
                    JsonNodeFactory.instance.objectNode().put("tag", b)));
        }
        return out;
    }
}
