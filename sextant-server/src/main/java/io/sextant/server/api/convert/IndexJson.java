package io.sextant.server.api.convert;

import static io.sextant.server.api.convert.JsonFields.child;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.text.TextAnalysisOptions;
import java.util.Set;

/**
 * Payload index schemas on the wire: {@code field_schema} in its short form ({@code "keyword"})
 * or parameterized form ({@code {"type":"text","tokenizer":"word",…}}), and the {@code
 * payload_schema} entries of collection info. Stateless and thread-safe.
 */
public final class IndexJson {

    private static final Set<String> COMMON = Set.of("type", "on_disk", "memory", "enable_hnsw");

    private IndexJson() {}

    /** A parsed {@code PUT /collections/{c}/index} body. */
    public record CreateIndex(String fieldName, PayloadIndexSpec spec) {}

    public static CreateIndex parseCreate(JsonNode body) {
        JsonFields.object(body, "");
        JsonFields.onlyFields(body, "", Set.of("field_name", "field_schema"));
        String field = JsonFields.requiredString(body, "field_name", "");
        if (field.isEmpty()) {
            throw JsonFields.error("field_name", "must not be empty");
        }
        JsonNode schema = body.get("field_schema");
        if (schema == null || schema.isNull()) {
            throw JsonFields.error("field_schema", "a field schema is required (e.g. \"keyword\")");
        }
        return new CreateIndex(field, parseSchema(schema, "field_schema"));
    }

    public static PayloadIndexSpec parseSchema(JsonNode node, String path) {
        if (node.isTextual()) {
            return PayloadIndexSpec.of(type(node.textValue(), path));
        }
        JsonFields.object(node, path);
        PayloadSchemaType type = type(JsonFields.requiredString(node, "type", path), child(path, "type"));
        Set<String> allowed = new java.util.HashSet<>(COMMON);
        switch (type) {
            case KEYWORD -> allowed.addAll(Set.of("is_tenant", "prefix"));
            case UUID -> allowed.add("is_tenant");
            case INTEGER -> allowed.addAll(Set.of("lookup", "range", "is_principal"));
            case FLOAT, DATETIME -> allowed.add("is_principal");
            case TEXT ->
                allowed.addAll(Set.of(
                        "tokenizer",
                        "min_token_len",
                        "max_token_len",
                        "lowercase",
                        "ascii_folding",
                        "phrase_matching",
                        "stopwords",
                        "stemmer"));
            default -> {}
        }
        JsonFields.onlyFields(node, path, allowed);
        PayloadIndexSpec.TextIndexParams text = null;
        if (type == PayloadSchemaType.TEXT) {
            try {
                text = new PayloadIndexSpec.TextIndexParams(
                        JsonFields.optString(node, "tokenizer", path),
                        JsonFields.bool(node, "lowercase", path, true),
                        JsonFields.optUint(node, "min_token_len", path),
                        JsonFields.optUint(node, "max_token_len", path),
                        JsonFields.optBool(node, "phrase_matching", path),
                        JsonFields.optBool(node, "ascii_folding", path),
                        JsonFields.has(node, "stopwords") ? stopwords(node, path) : null,
                        JsonFields.has(node, "stemmer") ? stemmer(node, path) : null);
            } catch (IllegalArgumentException e) {
                throw JsonFields.error(path, e.getMessage());
            }
        }
        return new PayloadIndexSpec(
                        type,
                        JsonFields.optBool(node, "is_tenant", path),
                        JsonFields.optBool(node, "is_principal", path),
                        JsonFields.optBool(node, "on_disk", path),
                        JsonFields.optBool(node, "lookup", path),
                        JsonFields.optBool(node, "range", path),
                        text,
                        JsonFields.optMemory(node, path),
                        JsonFields.optBool(node, "prefix", path),
                        JsonFields.optBool(node, "enable_hnsw", path))
                .validated();
    }

    private static TextAnalysisOptions.Stopwords stopwords(JsonNode node, String path) {
        try {
            return TextOptionsJson.stopwords(node.get("stopwords"));
        } catch (IllegalArgumentException e) {
            throw JsonFields.error(child(path, "stopwords"), e.getMessage());
        }
    }

    private static TextAnalysisOptions.Stemmer stemmer(JsonNode node, String path) {
        try {
            return TextOptionsJson.stemmer(node.get("stemmer"));
        } catch (IllegalArgumentException e) {
            throw JsonFields.error(child(path, "stemmer"), e.getMessage());
        }
    }

    private static PayloadSchemaType type(String name, String path) {
        try {
            return PayloadSchemaType.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw JsonFields.error(path, e.getMessage());
        }
    }

    /** The {@code payload_schema} entry of collection info: data_type, params when given, points. */
    public static ObjectNode writeInfo(PayloadIndexSpec spec, long points) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("data_type", spec.type().wireName());
        if (spec.hasParams()) {
            out.set("params", writeParams(spec));
        }
        out.put("points", points);
        return out;
    }

    /** The parameterized form of {@code spec}. */
    public static ObjectNode writeParams(PayloadIndexSpec spec) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("type", spec.type().wireName());
        if (spec.isTenant() != null) {
            p.put("is_tenant", spec.isTenant());
        }
        if (spec.isPrincipal() != null) {
            p.put("is_principal", spec.isPrincipal());
        }
        if (spec.lookup() != null) {
            p.put("lookup", spec.lookup());
        }
        if (spec.range() != null) {
            p.put("range", spec.range());
        }
        if (spec.onDisk() != null) {
            p.put("on_disk", spec.onDisk());
        }
        if (spec.memory() != null) {
            p.put("memory", spec.memory().wireName());
        }
        if (spec.prefix() != null) {
            p.put("prefix", spec.prefix());
        }
        if (spec.enableHnsw() != null) {
            p.put("enable_hnsw", spec.enableHnsw());
        }
        PayloadIndexSpec.TextIndexParams t = spec.text();
        if (t != null) {
            p.put("tokenizer", t.tokenizer());
            if (t.minTokenLen() != null) {
                p.put("min_token_len", t.minTokenLen());
            }
            if (t.maxTokenLen() != null) {
                p.put("max_token_len", t.maxTokenLen());
            }
            p.put("lowercase", t.lowercase());
            if (t.asciiFolding() != null) {
                p.put("ascii_folding", t.asciiFolding());
            }
            if (t.phraseMatching() != null) {
                p.put("phrase_matching", t.phraseMatching());
            }
            if (t.stopwords() != null) {
                p.set("stopwords", TextOptionsJson.write(t.stopwords()));
            }
            if (t.stemmer() != null) {
                p.set("stemmer", TextOptionsJson.write(t.stemmer()));
            }
        }
        return p;
    }
}
