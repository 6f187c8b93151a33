package io.sextant.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.backup.IncrementalBackups;
import io.sextant.collection.backup.S3BlobStore;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
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
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental backups in S3 (S3Mock in its own JVM): the second backup uploads only the changed
 * files, a backup restores equal to the source, retention sweeps the blobs only the dropped backup
 * named, and a blob missing from the bucket fails the restore clearly.
 */
class IncrementalS3BackupTest {
    @TempDir
    Path tmp;

    @Test
    void dedupRestoreSweepAndMissingBlobAgainstS3() {
        S3MockServer mock = S3MockServer.get();
        String prefix = "incr-" + System.nanoTime();
        try (TableOfContents toc = TableOfContents.open(tmp.resolve("storage"), LocalShard::open);
                IncrementalBackups backups =
                        new IncrementalBackups(new S3BlobStore(mock.config(prefix)), Clock.systemUTC())) {
            Collection c = toc.create(
                    "s3c", CollectionConfig.of(CollectionParams.single(VectorParams.of(3, Distance.EUCLID))));
            c.update(new PointOperation.Upsert(points(0, 500, "a")), true);
            IncrementalBackups.Created first = backups.create(c, toc.newWorkDir("b1"));
            assertThat(first.newBlobs()).isPositive();
            c.update(new PointOperation.Upsert(points(0, 5, "b")), true);
            IncrementalBackups.Created second = backups.create(c, toc.newWorkDir("b2"));
            assertThat(second.newBytes()).isPositive().isLessThan(first.newBytes());
            assertThat(second.newBlobs()).isLessThan(second.manifest().files().size());
            assertThat(backups.list("s3c")).hasSize(2);
            assertThat(backups.collections()).containsExactly("s3c");

            backups.delete("s3c", List.of(first.description().name()));
            assertThat(backups.sweep().deletedBlobs())
                    .as("nothing left to sweep")
                    .isZero();
            backups.restore(toc, "copy", "s3c", second.description().name());
            assertThat(all(toc.get("copy"))).usingRecursiveComparison().isEqualTo(all(c));

            String victim = second.manifest().files().getLast().chunks().getFirst();
            backups.store().delete("incremental/blobs/" + victim.substring(0, 2) + "/" + victim);
            assertThatThrownBy(() -> backups.restore(
                            toc, "copy2", "s3c", second.description().name()))
                    .isInstanceOf(ServiceException.class)
                    .hasMessageContaining("is missing from s3://")
                    .hasMessageContaining(victim);
            assertThat(toc.list()).doesNotContain("copy2");
        }
    }

    private static List<PointRecord> all(Collection c) {
        return c.retrieve(
                LongStream.range(0, 500).mapToObj(PointId::of).toList(), PayloadSelector.ALL, VectorSelector.ALL);
    }

    private static List<PointOperation.PointStruct> points(int from, int to, String rev) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i),
                    Map.of("", new float[] {i, i % 7, rev.length()}),
                    JsonNodeFactory.instance.objectNode().put("i", i).put("rev", rev)));
        }
        return pts;
    }
}
