package io.sextant.collection.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.ops.PointOperation;
import io.sextant.shard.LocalShard;
import io.sextant.shard.snapshot.SnapshotTarReader;
import io.sextant.vector.Distance;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 snapshot store against a real S3-compatible server (S3Mock in its own JVM). */
class S3SnapshotStoreTest {
    @TempDir
    Path tmp;

    @Test
    void putListDownloadDeleteAndMultipart() throws Exception {
        long seed = System.nanoTime();
        try (S3SnapshotStore store =
                new S3SnapshotStore(S3MockServer.get().config("unit-" + seed), 6L << 20, 5 << 20)) {
            assertThat(store.list("c")).isEmpty();
            byte[] data = new byte[(11 << 20) + 1234]; // three parts of 5 MiB, 5 MiB and the rest
            new Random(seed).nextBytes(data);
            Path f = tmp.resolve("big");
            Files.write(f, data);
            String sha = SnapshotTarReader.sha256(f);
            String name = "c-1-2024-01-02-03-04-05.snapshot";
            SnapshotDescription d = store.put("c", name, f, sha);
            assertThat(d).isEqualTo(new SnapshotDescription(name, "2024-01-02T03:04:05", data.length, sha));
            assertThat(store.list("c")).containsExactly(d);
            assertThat(store.list("")).isEmpty(); // scopes do not leak into each other
            try (InputStream in = store.open("c", name)) {
                assertThat(in.readAllBytes()).as("seed %d", seed).isEqualTo(data);
            }
            Path copy = store.localCopy("c", name, tmp.resolve("copy"));
            assertThat(SnapshotTarReader.sha256(copy)).isEqualTo(sha);
            assertThat(store.delete("c", name)).isTrue();
            assertThat(store.delete("c", name)).isFalse();
            assertThat(store.list("c")).isEmpty();
            assertThatThrownBy(() -> store.open("c", name)).isInstanceOf(UserException.class);
        }
    }

    @Test
    void collectionSnapshotThroughS3RestoresAfterTheCollectionIsGone() {
        Path snapshots = tmp.resolve("snapshots");
        try (S3SnapshotStore store = new S3SnapshotStore(S3MockServer.get().config("svc-" + System.nanoTime()));
                TableOfContents toc = TableOfContents.open(tmp.resolve("storage"), LocalShard::open)) {
            SnapshotService service = new SnapshotService(toc, store, snapshots, null, Clock.systemUTC());
            Collection c = toc.create(
                    "s3c", CollectionConfig.of(CollectionParams.single(VectorParams.of(3, Distance.EUCLID))));
            List<PointOperation.PointStruct> pts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                pts.add(new PointOperation.PointStruct(
                        PointId.of(i),
                        Map.of("", new float[] {i, 1, 2}),
                        JsonNodeFactory.instance.objectNode().put("n", i)));
            }
            c.update(new PointOperation.Upsert(pts), true);
            SnapshotDescription d = service.createCollection("s3c");
            assertThat(service.listCollection("s3c")).containsExactly(d);
            assertThat(Files.exists(snapshots.resolve("s3c"))).isFalse(); // nothing kept locally
            toc.delete("s3c");
            assertThat(service.listCollection("s3c")).containsExactly(d); // snapshots outlive the collection
            service.recoverFromStore("s3c", SnapshotNames.collectionScope("s3c"), d.name());
            Collection back = toc.get("s3c");
            assertThat(back.count(Filter.ALL, true)).isEqualTo(200);
            assertThat(back.retrieve(
                                    List.of(PointId.of(42)),
                                    io.sextant.segment.query.PayloadSelector.ALL,
                                    io.sextant.segment.query.VectorSelector.NONE)
                            .getFirst()
                            .payload()
                            .get("n")
                            .asInt())
                    .isEqualTo(42);
            assertThat(service.deleteCollection("s3c", d.name())).isTrue();
            assertThat(service.listCollection("s3c")).isEmpty();
        }
    }
}
