package io.sextant.collection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.collection.query.Query;
import io.sextant.collection.query.QueryRequest;
import io.sextant.collection.query.VectorInput;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.vector.Distance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Collections over the real LocalShard: data, config and aliases survive a close and reopen. */
class LocalShardCollectionTest {
    @TempDir
    Path storage;

    @Test
    void pointsConfigAndAliasesSurviveReopen() {
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            Collection c = toc.create(
                    "docs",
                    CollectionConfig.of(CollectionParams.single(VectorParams.of(3, Distance.COSINE))
                            .withShardNumber(2)));
            List<PointOperation.PointStruct> pts = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                pts.add(new PointOperation.PointStruct(
                        PointId.of(i),
                        Map.of("", new float[] {i + 1, 1, 0}),
                        JsonNodeFactory.instance.objectNode().put("i", i)));
            }
            CollectionUpdateResult r = c.update(new PointOperation.Upsert(pts), true);
            assertThat(r.status()).isEqualTo(CollectionUpdateResult.Status.COMPLETED);
            c.update(new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(3), PointId.of(4)))), true);
            c.update(new PointOperation.CreateFieldIndex("i", PayloadIndexSpec.of(PayloadSchemaType.INTEGER)), true);
            toc.updateAliases(List.of(new AliasOperation.Create("docs", "current")));
            assertThat(c.info().pointsCount()).isEqualTo(48);
        }
        try (TableOfContents toc = TableOfContents.open(storage, LocalShard::open)) {
            Collection c = toc.get("current");
            assertThat(c.count(Filter.ALL, true)).isEqualTo(48);
            CollectionInfo info = c.info();
            assertThat(info.pointsCount()).isEqualTo(48);
            assertThat(info.config().params().shardNumber()).isEqualTo(2);
            List<PointRecord> got = c.retrieve(
                    List.of(PointId.of(4), PointId.of(10), PointId.of(2)), PayloadSelector.ALL, VectorSelector.ALL);
            assertThat(got).extracting(PointRecord::id).containsExactly(PointId.of(10), PointId.of(2));
            assertThat(got.get(0).payload().get("i").asInt()).isEqualTo(10);
            var hits = c.query(QueryRequest.of(new Query.Nearest(VectorInput.of(PointId.of(10))), 2));
            assertThat(hits).extracting(h -> h.id()).containsExactlyInAnyOrder(PointId.of(9), PointId.of(11));
        }
    }
}
