package io.sextant.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionConfigFile;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.SparseVectorParams;
import io.sextant.collection.config.VectorNameConfig;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.vector.Distance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named vectors created and dropped on a live collection over real shards. */
class VectorNameCollectionTest {
    @TempDir
    Path storage;

    private static CollectionConfig twoVectors() {
        return CollectionConfig.of(CollectionParams.named(
                        Map.of("a", VectorParams.of(2, Distance.EUCLID), "b", VectorParams.of(3, Distance.DOT)))
                .withShardNumber(2));
    }

    private static void upsert(Collection c, Map<String, float[]> vectors, int from, int to) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pts.add(new PointOperation.PointStruct(PointId.of(i), vectors, null));
        }
        c.update(new PointOperation.Upsert(pts), true);
    }

    private static PointRecord get(Collection c, long id) {
        return c.retrieve(List.of(PointId.of(id)), PayloadSelector.NONE, VectorSelector.ALL)
                .getFirst();
    }

    @Test
    void createAndDropPersistAcrossRestartAndBadInputChangesNothing() throws Exception {
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            Collection c = toc.create("docs", twoVectors());
            upsert(c, Map.of("a", new float[] {1, 2}, "b", new float[] {1, 2, 3}), 0, 30);

            toc.createVector("docs", "c", VectorNameConfig.dense(VectorParams.of(4, Distance.COSINE)));
            toc.createVector("docs", "s", VectorNameConfig.sparse(SparseVectorParams.DEFAULT));
            toc.deleteVector("docs", "b");
            assertThat(c.config().params().vectors()).containsOnlyKeys("a", "c");
            assertThat(get(c, 5).vectors()).containsOnlyKeys("a");
            upsert(c, Map.of("a", new float[] {3, 4}, "c", new float[] {0, 0, 1, 0}), 5, 6);

            byte[] before = Files.readAllBytes(c.dir().resolve("config.json"));
            // same schema again: a no-op; other schema or other kind: 400; unknown collection: 404
            toc.createVector("docs", "c", VectorNameConfig.dense(VectorParams.of(4, Distance.COSINE)));
            assertThatThrownBy(() ->
                            toc.createVector("docs", "c", VectorNameConfig.dense(VectorParams.of(5, Distance.COSINE))))
                    .isInstanceOfSatisfying(
                            UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.BAD_REQUEST))
                    .hasMessageContaining("already exists");
            assertThatThrownBy(() -> toc.createVector("docs", "a", VectorNameConfig.sparse(SparseVectorParams.DEFAULT)))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("dense");
            assertThatThrownBy(() ->
                            toc.createVector("docs", "x/y", VectorNameConfig.dense(VectorParams.of(2, Distance.DOT))))
                    .isInstanceOf(UserException.class);
            assertThatThrownBy(() ->
                            toc.createVector("nope", "x", VectorNameConfig.dense(VectorParams.of(2, Distance.DOT))))
                    .isInstanceOfSatisfying(
                            UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.NOT_FOUND));
            toc.deleteVector("docs", "never-was");
            assertThat(Files.readAllBytes(c.dir().resolve("config.json"))).isEqualTo(before);
        }
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            Collection c = toc.get("docs");
            assertThat(CollectionConfigFile.read(c.dir()).params().vectors()).containsOnlyKeys("a", "c");
            assertThat(c.config().params().sparseVectors()).containsOnlyKeys("s");
            assertThat(get(c, 5).vectors().get("c")).hasSize(4);
            assertThat(get(c, 6).vectors()).containsOnlyKeys("a");
            assertThat(c.count(io.sextant.segment.filter.Filter.ALL, true)).isEqualTo(30);
        }
    }

    @Test
    void anUnnamedVectorCollectionGetsNoNamedVectors() {
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            toc.create("one", CollectionConfig.of(CollectionParams.single(VectorParams.of(2, Distance.DOT))));
            assertThatThrownBy(() ->
                            toc.createVector("one", "x", VectorNameConfig.dense(VectorParams.of(2, Distance.DOT))))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("unnamed");
        }
    }
}
