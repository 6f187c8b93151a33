package io.sextant.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.shard.ScrollRequest;
import io.sextant.vector.Distance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Custom sharding: shard keys, routing of writes and reads by key, persistence of the key table. */
class ShardKeyCollectionTest {
    private static final ShardKey A = ShardKey.of("a");
    private static final ShardKey B = ShardKey.of(7);

    @TempDir
    Path storage;

    private static CollectionConfig custom(int shardNumber) {
        return CollectionConfig.of(CollectionParams.single(VectorParams.of(2, Distance.DOT))
                .withShardNumber(shardNumber)
                .withCustomSharding(true));
    }

    private static PointOperation.Upsert points(int from, int to, String tag) {
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i),
                    Map.of("", new float[] {i, 1}),
                    JsonNodeFactory.instance.objectNode().put("tag", tag)));
        }
        return new PointOperation.Upsert(pts);
    }

    @Test
    void customCollectionStartsWithoutShardsAndRoutesByKey() {
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            Collection c = toc.create("t", custom(2));
            assertThat(c.shards()).isEmpty();
            assertThat(c.count(Filter.ALL, true)).isZero();
            assertThat(c.scroll(new ScrollRequest(Filter.ALL, 10, null, null, PayloadSelector.ALL, VectorSelector.NONE))
                            .points())
                    .isEmpty();
            assertThat(c.retrieve(List.of(PointId.of(1)), PayloadSelector.ALL, VectorSelector.NONE))
                    .isEmpty();
            assertThat(c.info().pointsCount()).isZero();
            assertThatThrownBy(() -> c.update(points(0, 1, "x"), true))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("Shard key not specified");

            toc.createShardKey("t", A, 2);
            toc.createShardKey("t", B, 1);
            assertThat(c.shardKeys()).containsExactly(Map.entry(A, List.of(0, 1)), Map.entry(B, List.of(2)));
            assertThat(c.shardIds()).containsExactly(0, 1, 2);

            c.scoped(List.of(A)).update(points(0, 20, "a"), true);
            c.scoped(List.of(B)).update(points(10, 15, "b"), true);
            // the same id in two keys: two points
            assertThat(c.count(Filter.ALL, true)).isEqualTo(25);
            assertThat(c.scoped(List.of(A)).count(Filter.ALL, true)).isEqualTo(20);
            assertThat(c.scoped(List.of(B)).count(Filter.ALL, true)).isEqualTo(5);
            assertThat(c.shard(0).count(Filter.ALL, true) + c.shard(1).count(Filter.ALL, true))
                    .isEqualTo(20);
            assertThat(c.shard(0).count(Filter.ALL, true)).isPositive();
            assertThat(c.shard(1).count(Filter.ALL, true)).isPositive();

            List<PointRecord> inB = c.scoped(List.of(B))
                    .retrieve(List.of(PointId.of(3), PointId.of(12)), PayloadSelector.ALL, VectorSelector.NONE);
            assertThat(inB).extracting(PointRecord::id).containsExactly(PointId.of(12));
            assertThat(inB.getFirst().payload().get("tag").asText()).isEqualTo("b");
            var scroll = c.scoped(List.of(B))
                    .scroll(new ScrollRequest(Filter.ALL, 100, null, null, PayloadSelector.ALL, VectorSelector.NONE));
            assertThat(scroll.points()).hasSize(5);

            // a write to both keys lands in each
            c.scoped(List.of(A, B))
                    .update(new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(12)))), true);
            assertThat(c.count(Filter.ALL, true)).isEqualTo(23);

            assertThatThrownBy(() -> c.scoped(List.of(ShardKey.of("nope"))))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("Shard key \"nope\" not found");
            assertThatThrownBy(() -> toc.createShardKey("t", A, 1))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("already exists");
        }
    }

    @Test
    void keysSurviveRestartAndDropDeletesTheirShards() {
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            Collection c = toc.create("t", custom(1));
            // an index defined before any key exists (no shard to hold it yet)
            c.update(new PointOperation.CreateFieldIndex("tag", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)), true);
            assertThat(c.payloadSchema()).containsKey("tag");
            toc.createShardKey("t", A, 1);
            toc.createShardKey("t", B, 2);
            c.scoped(List.of(A)).update(points(0, 4, "a"), true);
            c.scoped(List.of(B)).update(points(0, 6, "b"), true);
            // the index defined before the keys were created exists on their shards
            assertThat(c.shard(0).payloadSchema()).containsKey("tag");
            assertThat(c.shard(1).payloadSchema()).containsKey("tag");
        }
        Path keyFile = storage.resolve("collections/t").resolve(ShardKeyTable.FILE_NAME);
        assertThat(keyFile).exists();
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            Collection c = toc.get("t");
            assertThat(c.customSharding()).isTrue();
            assertThat(c.shardKeys()).containsExactly(Map.entry(A, List.of(0)), Map.entry(B, List.of(1, 2)));
            assertThat(c.scoped(List.of(B)).count(Filter.ALL, true)).isEqualTo(6);
            toc.dropShardKey("t", B);
            assertThat(storage.resolve("collections/t/shards/1")).doesNotExist();
            assertThat(c.count(Filter.ALL, true)).isEqualTo(4);
            assertThatThrownBy(() -> toc.dropShardKey("t", B))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("does not exist");
            toc.createShardKey("t", B, 1);
            assertThat(c.shardKeys().get(B)).containsExactly(3); // ids are never reused
            assertThat(c.shard(3).payloadSchema()).containsKey("tag");
            c.update(new PointOperation.DeleteFieldIndex("tag"), true);
        }
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            assertThat(toc.get("t").shardKeys()).containsExactly(Map.entry(A, List.of(0)), Map.entry(B, List.of(3)));
            toc.createShardKey("t", ShardKey.of("c"), 1);
            assertThat(toc.get("t").shard(4).payloadSchema())
                    .as("a dropped index is not recreated")
                    .isEmpty();
            assertThat(toc.get("t").count(Filter.ALL, true)).isEqualTo(4);
        }
    }

    @Test
    void autoShardedCollectionsHaveNoKeys() {
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            Collection c =
                    toc.create("auto", CollectionConfig.of(CollectionParams.single(VectorParams.of(2, Distance.DOT))));
            assertThatThrownBy(() -> toc.createShardKey("auto", A, 1))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("Auto sharding");
            assertThatThrownBy(() -> c.scoped(List.of(A)))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("not found");
            assertThat(c.scoped(null)).isSameAs(c);
        }
    }

    @Test
    void corruptKeyTableFailsTheCollectionNotTheNode() throws Exception {
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            toc.create("t", custom(1));
            toc.createShardKey("t", A, 1);
        }
        Path keyFile = storage.resolve("collections/t").resolve(ShardKeyTable.FILE_NAME);
        Files.writeString(keyFile, "{\"format\":1,\"next_shard_id\":1,\"keys\":[{\"key\":\"a\",\"shards\":[5]}]}");
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            assertThat(toc.failedCollections())
                    .extracting(FailedCollection::name)
                    .containsExactly("t");
            assertThatThrownBy(() -> toc.get("t"))
                    .isInstanceOf(ServiceException.class)
                    .hasMessageContaining(ShardKeyTable.FILE_NAME);
        }
        Files.writeString(keyFile, "{\"format\":2,\"next_shard_id\":1,\"keys\":[]}");
        assertThatThrownBy(() -> ShardKeyTable.read(keyFile.getParent()))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("format 2");
    }

    @Test
    void keyTableRoundTripsNumberAndKeywordKeys() {
        ShardKeyTable t = ShardKeyTable.EMPTY
                .with(ShardKey.of("1"), 2)
                .with(ShardKey.of(-1L), 1)
                .withIndex("f", PayloadIndexSpec.of(PayloadSchemaType.INTEGER));
        t.write(storage);
        ShardKeyTable back = ShardKeyTable.read(storage);
        assertThat(back).isEqualTo(t);
        assertThat(back.keys().keySet()).containsExactly(ShardKey.of("1"), ShardKey.of(-1L));
        assertThat(ShardKey.of(-1L).toString()).isEqualTo("18446744073709551615");
        assertThat(back.nextShardId()).isEqualTo(3);
        assertThat(back.payloadSchema().get("f").type()).isEqualTo(PayloadSchemaType.INTEGER);
    }
}
