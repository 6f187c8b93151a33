package io.sextant.shard.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.text.TextAnalysisOptions.Stemmer;
import io.sextant.segment.text.TextAnalysisOptions.Stopwords;
import io.sextant.vector.sparse.SparseVector;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OperationCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PointOperation roundTrip(PointOperation op) {
        return OperationCodec.decode(OperationCodec.encode(op));
    }

    @Test
    void roundTripsEveryOperation() throws Exception {
        ObjectNode payload = (ObjectNode) JSON.readTree("{\"a\":1,\"b\":[\"x\",{\"c\":null}],\"d\":1.5}");
        PointsSelector ids = new PointsSelector.Ids(List.of(PointId.of(-1L), PointId.of(UUID.randomUUID())));
        var upsert = (PointOperation.Upsert) roundTrip(new PointOperation.Upsert(List.of(
                new PointOperation.PointStruct(
                        PointId.of(7), Map.of("", new float[] {1.5f, -0f, Float.MIN_VALUE}), payload),
                new PointOperation.PointStruct(PointId.of(8), Map.of(), null))));
        assertThat(upsert.points().get(0).id()).isEqualTo(PointId.of(7));
        assertThat(upsert.points().get(0).vectors().get("")).containsExactly(1.5f, -0f, Float.MIN_VALUE);
        assertThat(upsert.points().get(0).payload()).isEqualTo(payload);
        assertThat(upsert.points().get(1).payload()).isNull();

        assertThat(roundTrip(new PointOperation.Delete(ids))).isEqualTo(new PointOperation.Delete(ids));
        assertThat(roundTrip(new PointOperation.SetPayload(payload, ids, "x.y")))
                .isEqualTo(new PointOperation.SetPayload(payload, ids, "x.y"));
        assertThat(roundTrip(new PointOperation.SetPayload(payload, ids, null)))
                .isEqualTo(new PointOperation.SetPayload(payload, ids, null));
        assertThat(roundTrip(new PointOperation.OverwritePayload(payload, ids)))
                .isEqualTo(new PointOperation.OverwritePayload(payload, ids));
        assertThat(roundTrip(new PointOperation.DeletePayload(List.of("a", "b[0]"), ids)))
                .isEqualTo(new PointOperation.DeletePayload(List.of("a", "b[0]"), ids));
        assertThat(roundTrip(new PointOperation.ClearPayload(ids))).isEqualTo(new PointOperation.ClearPayload(ids));
        var uv = (PointOperation.UpdateVectors) roundTrip(new PointOperation.UpdateVectors(
                List.of(new PointOperation.PointVectors(PointId.of(3), Map.of("img", new float[] {2, 3})))));
        assertThat(uv.points().get(0).vectors().get("img")).containsExactly(2, 3);
        assertThat(roundTrip(new PointOperation.DeleteVectors(ids, List.of("img", ""))))
                .isEqualTo(new PointOperation.DeleteVectors(ids, List.of("img", "")));
        PayloadIndexSpec text = new PayloadIndexSpec(
                PayloadSchemaType.TEXT,
                null,
                null,
                true,
                null,
                null,
                new PayloadIndexSpec.TextIndexParams("prefix", false, 2, 10, true));
        assertThat(roundTrip(new PointOperation.CreateFieldIndex("t", text)))
                .isEqualTo(new PointOperation.CreateFieldIndex("t", text));
        for (var analysis : List.of(
                new PayloadIndexSpec.TextIndexParams(
                        "word", true, null, null, null, true, Stopwords.language("en"), Stemmer.snowball("english")),
                new PayloadIndexSpec.TextIndexParams(
                        "multilingual",
                        true,
                        1,
                        null,
                        null,
                        false,
                        Stopwords.set(List.of("german"), null),
                        Stemmer.NONE),
                new PayloadIndexSpec.TextIndexParams(
                        "word", true, null, null, null, null, Stopwords.set(null, List.of("The", "a")), null))) {
            PayloadIndexSpec spec =
                    new PayloadIndexSpec(PayloadSchemaType.TEXT, null, null, null, null, null, analysis);
            assertThat(roundTrip(new PointOperation.CreateFieldIndex("t", spec)))
                    .isEqualTo(new PointOperation.CreateFieldIndex("t", spec));
        }
        PayloadIndexSpec kw = PayloadIndexSpec.of(PayloadSchemaType.KEYWORD);
        assertThat(roundTrip(new PointOperation.CreateFieldIndex("k", kw)))
                .isEqualTo(new PointOperation.CreateFieldIndex("k", kw));
        assertThat(roundTrip(new PointOperation.DeleteFieldIndex("k")))
                .isEqualTo(new PointOperation.DeleteFieldIndex("k"));
    }

    @Test
    void filterSelectorsAreRejectedAndUnknownVersionsFail() {
        assertThatThrownBy(
                        () -> OperationCodec.encode(new PointOperation.Delete(new PointsSelector.ByFilter(Filter.ALL))))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] b = OperationCodec.encode(new PointOperation.DeleteFieldIndex("k"));
        b[0] = 9;
        assertThatThrownBy(() -> OperationCodec.decode(b)).hasMessageContaining("format version 9");
    }

    @Test
    void sparseVectorsRoundTripAsTypes11And12AndDenseOnlyOperationsKeepTheirOldBytes() {
        SparseVector sv = SparseVector.of(new int[] {-1, 3, 0}, new float[] {0.5f, -2f, 7f});
        var withSparse = new PointOperation.Upsert(List.of(
                new PointOperation.PointStruct(PointId.of(1), Map.of("d", new float[] {1}), Map.of("t", sv), null),
                new PointOperation.PointStruct(PointId.of(2), Map.of("d", new float[] {2}), null)));
        byte[] bytes = OperationCodec.encode(withSparse);
        assertThat(bytes[1]).isEqualTo((byte) 11);
        var back = (PointOperation.Upsert) OperationCodec.decode(bytes);
        assertThat(back.points().get(0).sparseVectors()).containsExactly(Map.entry("t", sv));
        assertThat(back.points().get(1).sparseVectors()).isEmpty();
        assertThat(back.points().get(1).vectors().get("d")).containsExactly(2f);

        var uv = new PointOperation.UpdateVectors(
                List.of(new PointOperation.PointVectors(PointId.of(3), Map.of(), Map.of("t", sv))));
        byte[] ub = OperationCodec.encode(uv);
        assertThat(ub[1]).isEqualTo((byte) 12);
        assertThat(((PointOperation.UpdateVectors) OperationCodec.decode(ub))
                        .points()
                        .get(0)
                        .sparseVectors())
                .containsExactly(Map.entry("t", sv));

        var dense = new PointOperation.Upsert(
                List.of(new PointOperation.PointStruct(PointId.of(2), Map.of("d", new float[] {2}), null)));
        assertThat(OperationCodec.encode(dense)[1]).isEqualTo((byte) 1);
    }

    @Test
    void aSparseRecordWithDuplicateIdsIsCorruptNotAcceptedUnsorted() {
        SparseVector sv = SparseVector.of(new int[] {1, 2}, new float[] {1, 1});
        byte[] bytes = OperationCodec.encode(new PointOperation.Upsert(
                List.of(new PointOperation.PointStruct(PointId.of(1), Map.of(), Map.of("t", sv), null))));
        // layout: version, type, u32 n, id (u8 kind + u64), u16 dense count (0), u16 sparse count, str name
        // (u16 + 1 byte), u32 nnz, then the ids: make the second id equal the first
        int firstId = 1 + 1 + 4 + 9 + 2 + 2 + 3 + 4;
        System.arraycopy(bytes, firstId, bytes, firstId + 4, 4);
        assertThatThrownBy(() -> OperationCodec.decode(bytes)).hasMessageContaining("unique");
    }

    @Test
    void textSpecsStoredBeforeAnalysisOptionsStillRead() throws Exception {
        var old = (ObjectNode) new ObjectMapper()
                .readTree("{\"type\":\"text\",\"text\":{\"tokenizer\":\"prefix\",\"lowercase\":false,"
                        + "\"min_token_len\":2}}");
        assertThat(OperationCodec.specFromJson(old).text())
                .isEqualTo(new PayloadIndexSpec.TextIndexParams("prefix", false, 2, null, null));
    }

    @Test
    void enableHnswRoundTripsAndSpecsWithoutItStillRead() throws Exception {
        PayloadIndexSpec off = new PayloadIndexSpec(
                io.sextant.segment.index.PayloadSchemaType.KEYWORD,
                true,
                null,
                null,
                null,
                null,
                null,
                null,
                true,
                false);
        PointOperation.CreateFieldIndex op = new PointOperation.CreateFieldIndex("tenant", off);
        PointOperation back = OperationCodec.decode(OperationCodec.encode(op));
        assertThat(((PointOperation.CreateFieldIndex) back).spec().enableHnsw()).isFalse();
        assertThat(((PointOperation.CreateFieldIndex) back).spec().prefix()).isTrue();
        assertThat(((PointOperation.CreateFieldIndex) back).spec().linksInHnsw())
                .isFalse();
        var old = (ObjectNode) new ObjectMapper().readTree("{\"type\":\"keyword\",\"is_tenant\":true}");
        assertThat(OperationCodec.specFromJson(old).enableHnsw()).isNull();
        assertThat(OperationCodec.specFromJson(old).prefix()).isNull();
        assertThat(OperationCodec.specFromJson(old).linksInHnsw()).isTrue();
    }
}
