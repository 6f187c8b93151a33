package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.UserException;
import io.sextant.segment.text.Bm25Encoder;
import io.sextant.segment.text.Bm25Options;
import io.sextant.vector.sparse.SparseVector;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Qdrant's {@code Document} (text for server-side inference) on the wire: {@code {"text": "...",
 * "model": "qdrant/bm25", "options": {...}}}, where a vector or a query may stand. Sextant runs only
 * Qdrant's local BM25 model: the model name is matched case-insensitively against {@code
 * qdrant/bm25} and {@code bm25}; any other model is a 400, since there is no inference service to
 * send it to.
 *
 * <p>Options are those of Qdrant's {@code Bm25Config}: {@code k}, {@code b}, {@code avg_len},
 * {@code tokenizer}, {@code language}, {@code lowercase}, {@code ascii_folding}, {@code
 * stopwords}, {@code stemmer}, {@code min_token_len}, {@code max_token_len}. Unknown options are
 * ignored and null means absent, as in Qdrant; a value of the wrong type or out of range is a 400
 * ({@code Invalid BM25 config: …}, or Qdrant's {@code BM25 k1 must be …} for bad parameters).
 * Stateless and thread-safe.
 */
public final class DocumentJson {

    /** The local BM25 model's canonical name. */
    public static final String BM25_MODEL = "qdrant/bm25";

    private DocumentJson() {}

    /**
     * A parsed document.
     *
     * @param text the text to embed
     * @param model the model name as given
     * @param bm25 the BM25 options (every option absent = Qdrant's defaults)
     */
    public record Document(String text, String model, Bm25Options bm25) {
        /** The document as a stored point's sparse vector (BM25 term weights). */
        public SparseVector asPointVector() {
            return Bm25Encoder.forOptions(bm25).document(text);
        }

        /** The document as a query (weight 1 per distinct term). */
        public SparseVector asQueryVector() {
            return Bm25Encoder.forOptions(bm25).query(text);
        }
    }

    /**
     * Whether {@code node} is a document (an object whose {@code text} is a string), not e.g. a
     * sparse vector or a map of named vectors that has a vector called "text".
     */
    public static boolean isDocument(JsonNode node) {
        return node != null
                && node.isObject()
                && node.has("text")
                && node.get("text").isTextual();
    }

    /** Whether {@code model} names the local BM25 model (case-insensitive {@code qdrant/bm25} or {@code bm25}). */
    public static boolean isBm25(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        return m.equals(BM25_MODEL) || m.equals("bm25");
    }

    /** The error for a model other than BM25: Sextant has no inference service to send it to. */
    public static UserException unknownModel(String model) {
        return UserException.badRequest("Unknown model: " + model + ". InferenceService is not configured: only the"
                + " local model " + BM25_MODEL + " is available");
    }

    public static Document parse(JsonNode node, String path) {
        JsonFields.object(node, path);
        String text = JsonFields.requiredString(node, "text", path);
        String model = JsonFields.requiredString(node, "model", path);
        if (!isBm25(model)) {
            throw unknownModel(model);
        }
        JsonNode options = node.get("options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw JsonFields.error(
                    JsonFields.child(path, "options"), "expected an object, got " + JsonFields.describe(options));
        }
        return new Document(
                text, model, bm25Options(options == null || options.isNull() ? null : (ObjectNode) options));
    }

    /**
     * Qdrant's {@code Bm25Config} from a document's options object (null = none given).
     *
     * @throws UserException (bad request) for a value of the wrong type or out of range
     */
    public static Bm25Options bm25Options(ObjectNode o) {
        if (o == null) {
            return Bm25Options.DEFAULT;
        }
        try {
            Bm25Options options = new Bm25Options(
                    number(o, "k"),
                    number(o, "b"),
                    number(o, "avg_len"),
                    present(o, "tokenizer") ? TextOptionsJson.tokenizer(o.get("tokenizer")) : null,
                    string(o, "language"),
                    bool(o, "lowercase"),
                    bool(o, "ascii_folding"),
                    present(o, "stopwords") ? TextOptionsJson.stopwords(o.get("stopwords")) : null,
                    present(o, "stemmer") ? TextOptionsJson.stemmer(o.get("stemmer")) : null,
                    usize(o, "min_token_len"),
                    usize(o, "max_token_len"));
            options.analysis(); // checks min_token_len <= max_token_len
            return options;
        } catch (BadOption e) {
            throw UserException.badRequest("Invalid BM25 config: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // Bm25Options' parameter checks speak Qdrant's words already ("BM25 k1 must be ...")
            throw UserException.badRequest(
                    e.getMessage().startsWith("BM25 ") ? e.getMessage() : "Invalid BM25 config: " + e.getMessage());
        }
    }

    private static boolean present(JsonNode o, String field) {
        return JsonFields.has(o, field);
    }

    private static Double number(JsonNode o, String field) {
        return option(o, field, JsonNode::isNumber, "invalid type", "f64", JsonNode::doubleValue);
    }

    private static Boolean bool(JsonNode o, String field) {
        return option(o, field, JsonNode::isBoolean, "invalid type", "a boolean", JsonNode::booleanValue);
    }

    private static String string(JsonNode o, String field) {
        return option(o, field, JsonNode::isTextual, "invalid type", "a string", JsonNode::textValue);
    }

    private static Integer usize(JsonNode o, String field) {
        return option(
                o,
                field,
                v -> v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0,
                "invalid value",
                "usize",
                JsonNode::intValue);
    }

    /** An option's value (null when absent or null), or a serde-worded error when {@code ok} fails. */
    private static <T> T option(
            JsonNode o,
            String field,
            Predicate<JsonNode> ok,
            String problem,
            String expected,
            Function<JsonNode, T> read) {
        if (!present(o, field)) {
            return null;
        }
        JsonNode v = o.get(field);
        if (!ok.test(v)) {
            throw new BadOption(
                    problem + ": " + JsonFields.describe(v) + ", expected " + expected + " for `" + field + "`");
        }
        return read.apply(v);
    }

    /** A malformed option value (turned into {@code Invalid BM25 config: …}). */
    private static final class BadOption extends IllegalArgumentException {
        BadOption(String message) {
            super(message);
        }
    }
}
