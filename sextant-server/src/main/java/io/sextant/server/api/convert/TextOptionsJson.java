package io.sextant.server.api.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.text.TextAnalysisOptions.Stemmer;
import io.sextant.segment.text.TextAnalysisOptions.Stopwords;
import io.sextant.segment.text.TokenizerKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The text-analysis options shared by full-text index schemas and BM25 documents, on the wire as
 * Qdrant has them: {@code tokenizer} ({@code "word"}, …), {@code stopwords} ({@code "english"} or
 * {@code {"languages": [...], "custom": [...]}}) and {@code stemmer} ({@code {"type": "snowball",
 * "language": "english"}} or {@code {"type": "none"}}).
 *
 * <p>Unknown members inside {@code stopwords} and {@code stemmer} are ignored, as Qdrant ignores
 * them. Parsers throw {@link IllegalArgumentException} with a message in the words of Qdrant's JSON
 * decoder (serde), without a path; callers add their context. Stateless and thread-safe.
 */
public final class TextOptionsJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TextOptionsJson() {}

    public static TokenizerKind tokenizer(JsonNode v) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException("invalid type: " + JsonFields.describe(v)
                    + ", expected one of `prefix`, `whitespace`, `word`, `multilingual`");
        }
        try {
            return TokenizerKind.fromWireName(v.textValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown variant `" + v.textValue()
                    + "`, expected one of `prefix`, `whitespace`, `word`, `multilingual`");
        }
    }

    /** {@code stopwords}: a language name or a {@code {languages, custom}} set. */
    public static Stopwords stopwords(JsonNode v) {
        try {
            if (v.isTextual()) {
                return Stopwords.language(v.textValue());
            }
            if (v.isObject()) {
                return Stopwords.set(strings(v.get("languages")), strings(v.get("custom")));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "data did not match any variant of untagged enum StopwordsInterface: " + e.getMessage());
        }
        throw new IllegalArgumentException("data did not match any variant of untagged enum StopwordsInterface: "
                + "expected a language name or {\"languages\": [...], \"custom\": [...]}, got "
                + JsonFields.describe(v));
    }

    /** {@code stemmer}: {@code {"type": "snowball", "language": …}} or {@code {"type": "none"}}. */
    public static Stemmer stemmer(JsonNode v) {
        String type = v.isObject() && v.path("type").isTextual() ? v.get("type").textValue() : null;
        try {
            if ("none".equals(type)) {
                return Stemmer.NONE;
            }
            if ("snowball".equals(type) && v.path("language").isTextual()) {
                return Stemmer.snowball(v.get("language").textValue());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "data did not match any variant of untagged enum StemmingAlgorithm: " + e.getMessage());
        }
        throw new IllegalArgumentException("data did not match any variant of untagged enum StemmingAlgorithm: "
                + "expected {\"type\": \"snowball\", \"language\": \"...\"} or {\"type\": \"none\"}, got "
                + JsonFields.describe(v));
    }

    /** The wire form of {@code stopwords}. */
    public static JsonNode write(Stopwords s) {
        if (s.language() != null) {
            return F.textNode(s.language());
        }
        ObjectNode o = F.objectNode();
        if (s.languages() != null) {
            s.languages().forEach(o.putArray("languages")::add);
        }
        if (s.custom() != null) {
            s.custom().forEach(o.putArray("custom")::add);
        }
        return o;
    }

    /** The wire form of {@code stemmer}. */
    public static JsonNode write(Stemmer s) {
        ObjectNode o = F.objectNode();
        if (s.isNone()) {
            o.put("type", "none");
        } else {
            o.put("type", "snowball");
            o.put("language", s.language());
        }
        return o;
    }

    private static List<String> strings(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("invalid type: " + JsonFields.describe(v) + ", expected a sequence");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException("invalid type: " + JsonFields.describe(e) + ", expected a string");
            }
            out.add(e.textValue());
        }
        return out;
    }
}
