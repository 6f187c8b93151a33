package io.sextant.shard.wal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.index.PayloadIndexSpec.TextIndexParams;
import io.sextant.segment.text.TextAnalysisOptions.Stemmer;
import io.sextant.segment.text.TextAnalysisOptions.Stopwords;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored JSON form of {@link TextIndexParams}, the {@code "text"} member of a stored index spec
 * (WAL {@code CreateFieldIndex} records and the shard manifest's payload schema):
 *
 * <pre>
 * {"tokenizer": "word", "lowercase": true, "min_token_len": n?, "max_token_len": n?,
 *  "phrase_matching": b?, "ascii_folding": b?,
 *  "stopwords": "english" | {"languages": [..]?, "custom": [..]?}?,
 *  "stemmer": {"type": "snowball", "language": "english"} | {"type": "none"}?}
 * </pre>
 *
 * Members marked {@code ?} are absent when not given; the last three were added after the first
 * format and are optional, so older stored specs read as before (no folding, stop words or
 * stemming). Stateless and thread-safe.
 */
final class TextIndexParamsCodec {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private TextIndexParamsCodec() {}

    static ObjectNode toJson(TextIndexParams p) {
        ObjectNode t = F.objectNode();
        t.put("tokenizer", p.tokenizer());
        t.put("lowercase", p.lowercase());
        if (p.minTokenLen() != null) {
            t.put("min_token_len", p.minTokenLen());
        }
        if (p.maxTokenLen() != null) {
            t.put("max_token_len", p.maxTokenLen());
        }
        if (p.phraseMatching() != null) {
            t.put("phrase_matching", p.phraseMatching());
        }
        if (p.asciiFolding() != null) {
            t.put("ascii_folding", p.asciiFolding());
        }
        Stopwords s = p.stopwords();
        if (s != null && s.language() != null) {
            t.put("stopwords", s.language());
        } else if (s != null) {
            ObjectNode o = t.putObject("stopwords");
            if (s.languages() != null) {
                s.languages().forEach(o.putArray("languages")::add);
            }
            if (s.custom() != null) {
                s.custom().forEach(o.putArray("custom")::add);
            }
        }
        if (p.stemmer() != null) {
            ObjectNode o = t.putObject("stemmer");
            o.put("type", p.stemmer().isNone() ? "none" : "snowball");
            if (!p.stemmer().isNone()) {
                o.put("language", p.stemmer().language());
            }
        }
        return t;
    }

    static TextIndexParams fromJson(JsonNode t) {
        try {
            return new TextIndexParams(
                    t.path("tokenizer").asText("word"),
                    t.path("lowercase").asBoolean(true),
                    t.has("min_token_len") ? t.get("min_token_len").asInt() : null,
                    t.has("max_token_len") ? t.get("max_token_len").asInt() : null,
                    optBool(t, "phrase_matching"),
                    optBool(t, "ascii_folding"),
                    stopwords(t.get("stopwords")),
                    stemmer(t.get("stemmer")));
        } catch (IllegalArgumentException e) {
            throw new ServiceException("Corrupt stored text index parameters " + t + ": " + e.getMessage());
        }
    }

    private static Stopwords stopwords(JsonNode s) {
        if (s == null || s.isNull()) {
            return null;
        }
        if (s.isTextual()) {
            return Stopwords.language(s.textValue());
        }
        return Stopwords.set(strings(s.get("languages")), strings(s.get("custom")));
    }

    private static Stemmer stemmer(JsonNode s) {
        if (s == null || s.isNull()) {
            return null;
        }
        return "none".equals(s.path("type").asText())
                ? Stemmer.NONE
                : Stemmer.snowball(s.path("language").asText());
    }

    private static List<String> strings(JsonNode a) {
        if (!(a instanceof ArrayNode arr)) {
            return null;
        }
        List<String> out = new ArrayList<>(arr.size());
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Boolean optBool(JsonNode o, String k) {
        return o.has(k) ? o.get(k).asBoolean() : null;
    }
}
