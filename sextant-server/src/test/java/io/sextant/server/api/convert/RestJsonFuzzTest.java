package io.sextant.server.api.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.segment.error.UserException;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.VectorSelector;
import io.sextant.server.api.rest.ApiExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Coverage-guided fuzzing of the REST JSON converters ({@code api.convert}): a request body is
 * parsed with the server's {@link ApiExchange#MAPPER} and handed to the converter of one endpoint,
 * exactly as the route handlers do. The only acceptable outcomes are a converted request or a user
 * error, i.e. what {@code ErrorMapper} answers with a 4xx: {@link UserException}, {@link
 * IllegalArgumentException} (and a body that is not JSON at all). Anything else (NPE, class cast,
 * index out of bounds, stack overflow, OOM, ...) would be a 500 and is a finding.
 *
 * <p>Input: the first byte picks the endpoint ({@code 'a'} is the first of the method's list, see
 * the seeds), the rest is the body. Seeds are the README walkthrough's requests and Qdrant's
 * documented request shapes, under {@code RestJsonFuzzTestInputs/<method>}. {@code bin/test}
 * replays them; {@code bin/bench fuzz} fuzzes.
 */
class RestJsonFuzzTest {

    /** Collection-level bodies: create, update, aliases, payload index, snapshot recovery. */
    private static final List<Function<JsonNode, Object>> COLLECTIONS = List.of(
            CollectionJson::parseCreate,
            CollectionJson::parsePatch,
            CollectionJson::parseAliases,
            IndexJson::parseCreate,
            SnapshotJson::recover,
            b -> IndexJson.parseSchema(b, "field_schema"));

    /** Point writes and reads: upsert, the update family, batch, retrieve, scroll and count parts. */
    private static final List<Function<JsonNode, Object>> POINTS = List.of(
            b -> PointJson.parseUpsert(b, ""),
            b -> UpdateJson.delete(b, ""),
            b -> UpdateJson.setPayload(b, "", false),
            b -> UpdateJson.setPayload(b, "", true),
            b -> UpdateJson.deletePayload(b, ""),
            b -> UpdateJson.clearPayload(b, ""),
            b -> UpdateJson.updateVectors(b, ""),
            b -> UpdateJson.deleteVectors(b, ""),
            UpdateJson::batch,
            RestJsonFuzzTest::retrieveOrScroll,
            b -> Objects.requireNonNullElse(
                    FilterJson.parseOptional(JsonFields.object(b, "").get("filter"), "filter"), "no filter"));

    /** Searches: universal query (single, batch, groups), legacy search and recommend. */
    private static final List<Function<JsonNode, Object>> QUERIES = List.of(
            b -> QueryJson.query(b, ""),
            QueryJson::queryBatch,
            QueryJson::queryGroups,
            b -> QueryJson.search(b, ""),
            QueryJson::searchBatch,
            b -> QueryJson.recommend(b, ""),
            QueryJson::recommendBatch,
            b -> FilterJson.parse(b, "filter"));

    /** The body parts {@code PointRoutes} reads for {@code POST points} and {@code points/scroll}. */
    private static Object retrieveOrScroll(JsonNode b) {
        JsonNode body = JsonFields.object(b, "");
        Object ids =
                body.has("ids") ? PointIdJson.parseList(body.get("ids"), "ids") : JsonFields.optUint(body, "limit", "");
        JsonNode off = body.get("offset");
        JsonNode ob = body.get("order_by");
        return List.of(
                ids == null ? "" : ids,
                off == null || off.isNull() ? "" : PointIdJson.parse(off, "offset"),
                ob == null || ob.isNull() ? "" : QueryJson.orderBy(ob, "order_by"),
                SelectorJson.payload(body.get("with_payload"), "with_payload", PayloadSelector.ALL),
                SelectorJson.vectorOf(body, "", VectorSelector.NONE));
    }

    @FuzzTest
    void collections(byte[] input) {
        convert(COLLECTIONS, input);
    }

    @FuzzTest
    void points(byte[] input) {
        convert(POINTS, input);
    }

    @FuzzTest
    void queries(byte[] input) {
        convert(QUERIES, input);
    }

    private static void convert(List<Function<JsonNode, Object>> converters, byte[] input) {
        if (input.length == 0) {
            return;
        }
        Function<JsonNode, Object> converter = converters.get(Math.floorMod(input[0] - 'a', converters.size()));
        JsonNode body;
        try {
            body = body(input);
        } catch (IOException notJson) {
            return; // 400 "Format error in JSON body"
        }
        try {
            assertThat(converter.apply(body)).isNotNull();
        } catch (UserException | IllegalArgumentException userError) {
            assertThat(userError.getMessage()).isNotBlank();
        }
    }

    /** The body as {@code ApiExchange.body} reads it: empty is an empty object. */
    private static JsonNode body(byte[] input) throws IOException {
        if (input.length == 1) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode node = ApiExchange.MAPPER.readTree(input, 1, input.length - 1);
            return node == null || node.isMissingNode() ? JsonNodeFactory.instance.objectNode() : node;
        } catch (JsonProcessingException e) {
            throw new IOException(new String(input, StandardCharsets.UTF_8), e);
        }
    }
}
