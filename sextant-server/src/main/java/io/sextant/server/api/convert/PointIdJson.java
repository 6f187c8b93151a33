package io.sextant.server.api.convert;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.segment.PointId;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Point ids on the wire: an unsigned 64-bit JSON integer or a UUID string (Qdrant's {@code
 * ExtendedPointId}). Numbers above {@code Long.MAX_VALUE} are written as unsigned JSON numbers,
 * never negative. Stateless and thread-safe.
 */
public final class PointIdJson {

    private static final BigInteger U64_MAX = new BigInteger("18446744073709551615");

    private PointIdJson() {}

    public static PointId parse(JsonNode node, String path) {
        if (node != null && node.isIntegralNumber()) {
            BigInteger v = node.bigIntegerValue();
            if (v.signum() < 0 || v.compareTo(U64_MAX) > 0) {
                throw JsonFields.error(path, "point id " + v + " is not an unsigned 64-bit integer");
            }
            return PointId.of(v.longValue());
        }
        if (node != null && node.isTextual()) {
            String text = node.textValue();
            try {
                if (text.length() == 36 || text.length() == 32) {
                    return PointId.parse(text) instanceof PointId.Uuid u ? u : badUuid(text, path);
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            return badUuid(text, path);
        }
        throw JsonFields.error(
                path, "point id must be an unsigned integer or a UUID string, got " + JsonFields.describe(node));
    }

    private static PointId badUuid(String text, String path) {
        throw JsonFields.error(path, "point id \"" + text + "\" is neither an unsigned integer nor a valid UUID");
    }

    /** Parses a path parameter ({@code GET /points/{id}}): digits or a UUID. */
    public static PointId parseText(String text) {
        try {
            return PointId.parse(text);
        } catch (IllegalArgumentException e) {
            throw JsonFields.error("", e.getMessage());
        }
    }

    public static List<PointId> parseList(JsonNode node, String path) {
        List<JsonNode> items = JsonFields.array(node, path);
        List<PointId> ids = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            ids.add(parse(items.get(i), JsonFields.index(path, i)));
        }
        return ids;
    }

    /**
     * Writes {@code id} as {@link #write(PointId)}'s node would serialize, without building the node
     * (a tree written through a generator creates a serializer context per call).
     */
    public static void write(JsonGenerator g, PointId id) throws IOException {
        switch (id) {
            case PointId.Num n -> {
                if (n.value() >= 0) {
                    g.writeNumber(n.value());
                } else {
                    g.writeNumber(new BigInteger(Long.toUnsignedString(n.value())));
                }
            }
            case PointId.Uuid u -> g.writeString(u.value().toString());
        }
    }

    public static JsonNode write(PointId id) {
        return switch (id) {
            case PointId.Num n ->
                n.value() >= 0
                        ? JsonNodeFactory.instance.numberNode(n.value())
                        : JsonNodeFactory.instance.numberNode(new BigInteger(Long.toUnsignedString(n.value())));
            case PointId.Uuid u -> JsonNodeFactory.instance.textNode(u.value().toString());
        };
    }
}
