package io.sextant.shard.wal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of {@link OperationCodec#decode}, the decoder of WAL record payloads
 * (run at every shard open on each record after the checkpoint). Any byte string must decode or be
 * rejected with {@link ServiceException}; nothing else may escape (no buffer underflow, class cast,
 * negative or huge allocation). A decoded operation must encode again, and that encoding must be a
 * fixed point (decode then encode gives the same bytes).
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the seeds below and the files under {@code
 * src/test/resources/io/sextant/shard/wal/OperationCodecFuzzTestInputs/decode}; {@code bin/bench
 * fuzz} fuzzes it.
 */
class OperationCodecFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @MethodSource("seeds")
    @FuzzTest
    void decode(byte[] data) {
        PointOperation op;
        try {
            op = OperationCodec.decode(data);
        } catch (ServiceException expected) {
            return;
        }
        byte[] again = OperationCodec.encode(op);
        assertThat(OperationCodec.encode(OperationCodec.decode(again))).isEqualTo(again);
    }

    /** One encoded record of every operation type, as the shard logs them. */
    static Stream<byte[]> seeds() throws IOException {
        ObjectNode payload = (ObjectNode) JSON.readTree("{\"city\":\"Berlin\",\"n\":[1,2.5],\"o\":{\"k\":null}}");
        PointsSelector ids = new PointsSelector.Ids(
                List.of(PointId.of(1), PointId.of(UUID.fromString("5c56c793-69f3-4fbf-87e6-c4bf54c28c26"))));
        PayloadIndexSpec text = OperationCodec.specFromJson((ObjectNode) JSON.readTree(
                "{\"type\":\"text\",\"on_disk\":true,\"text\":{\"tokenizer\":\"word\",\"min_token_len\":2}}"));
        return Stream.<PointOperation>of(
                        new PointOperation.Upsert(List.of(
                                new PointOperation.PointStruct(
                                        PointId.of(1), Map.of("", new float[] {0.05f, 0.61f, 0.76f, 0.74f}), payload),
                                new PointOperation.PointStruct(PointId.of(2), Map.of(), null))),
                        new PointOperation.Delete(ids),
                        new PointOperation.SetPayload(payload, ids, "a.b"),
                        new PointOperation.OverwritePayload(payload, ids),
                        new PointOperation.DeletePayload(List.of("city", "n[0]"), ids),
                        new PointOperation.ClearPayload(ids),
                        new PointOperation.UpdateVectors(List.of(
                                new PointOperation.PointVectors(PointId.of(3), Map.of("img", new float[] {1, 2})))),
                        new PointOperation.DeleteVectors(ids, List.of("img", "")),
                        new PointOperation.CreateFieldIndex("city", text),
                        new PointOperation.DeleteFieldIndex("city"))
                .map(OperationCodec::encode);
    }
}
