package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Turns one Parquet row (parquet-java's example {@link Group}) into a JSON object, so Parquet rows
 * take the same id/vector/payload mapping as JSONL records. Mapping by type:
 *
 * <ul>
 *   <li>{@code LIST}-annotated groups (the standard three-level {@code list/element} layout and
 *       the legacy two-level one) and repeated fields: JSON arrays; {@code MAP}: a JSON object keyed
 *       by the key's text; any other group: a nested JSON object.
 *   <li>INT32/INT64: numbers (DECIMAL scaled to a decimal number); FLOAT/DOUBLE: numbers; BOOLEAN;
 *       BINARY as STRING/ENUM/JSON: text (JSON is parsed); FIXED_LEN_BYTE_ARRAY as UUID: the UUID
 *       text; FLOAT16: a number; any other binary: base64 text. INT96 (legacy timestamps) is refused
 *       with the column name.
 *   <li>A null (optional field without a value) is left out of the object, as Qdrant stores no key.
 * </ul>
 *
 * Stateless.
 */
final class ParquetRowJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ParquetRowJson() {}

    static ObjectNode toJson(Group g, String where) {
        ObjectNode out = F.objectNode();
        GroupType type = g.getType();
        for (int i = 0; i < type.getFieldCount(); i++) {
            Type f = type.getType(i);
            int n = g.getFieldRepetitionCount(i);
            if (n == 0) {
                continue; // null or an absent repeated field
            }
            if (f.isRepetition(Type.Repetition.REPEATED)) {
                ArrayNode arr = out.putArray(f.getName());
                for (int k = 0; k < n; k++) {
                    arr.add(value(g, i, k, f, where));
                }
            } else {
                out.set(f.getName(), value(g, i, 0, f, where));
            }
        }
        return out;
    }

    private static JsonNode value(Group g, int field, int index, Type f, String where) {
        if (f.isPrimitive()) {
            return primitive(g, field, index, f.asPrimitiveType(), where);
        }
        Group child = g.getGroup(field, index);
        LogicalTypeAnnotation logical = f.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            return list(child, where);
        }
        if (logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation) {
            return map(child, where);
        }
        return toJson(child, where);
    }

    /** A LIST group: one repeated field whose entries are the elements (3-level: a group of one). */
    private static ArrayNode list(Group list, String where) {
        ArrayNode arr = F.arrayNode();
        GroupType t = list.getType();
        if (t.getFieldCount() != 1) {
            return arr;
        }
        Type repeated = t.getType(0);
        int n = list.getFieldRepetitionCount(0);
        for (int k = 0; k < n; k++) {
            if (!repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1) {
                Group entry = list.getGroup(0, k);
                Type element = repeated.asGroupType().getType(0);
                arr.add(entry.getFieldRepetitionCount(0) == 0 ? F.nullNode() : value(entry, 0, 0, element, where));
            } else {
                arr.add(value(list, 0, k, repeated, where));
            }
        }
        return arr;
    }

    private static ObjectNode map(Group map, String where) {
        ObjectNode out = F.objectNode();
        int n = map.getFieldRepetitionCount(0);
        for (int k = 0; k < n; k++) {
            Group kv = map.getGroup(0, k);
            GroupType t = kv.getType();
            String key = value(kv, 0, 0, t.getType(0), where).asText();
            out.set(
                    key,
                    t.getFieldCount() > 1 && kv.getFieldRepetitionCount(1) > 0
                            ? value(kv, 1, 0, t.getType(1), where)
                            : F.nullNode());
        }
        return out;
    }

    private static JsonNode primitive(Group g, int field, int index, PrimitiveType t, String where) {
        LogicalTypeAnnotation logical = t.getLogicalTypeAnnotation();
        return switch (t.getPrimitiveTypeName()) {
            case BOOLEAN -> F.booleanNode(g.getBoolean(field, index));
            case INT32 ->
                logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d
                        ? F.numberNode(BigDecimal.valueOf(g.getInteger(field, index), d.getScale()))
                        : F.numberNode(g.getInteger(field, index));
            case INT64 ->
                logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d
                        ? F.numberNode(BigDecimal.valueOf(g.getLong(field, index), d.getScale()))
                        : F.numberNode(g.getLong(field, index));
            case FLOAT -> F.numberNode(g.getFloat(field, index));
            case DOUBLE -> F.numberNode(g.getDouble(field, index));
            case INT96 ->
                throw new IllegalArgumentException(where + ": column `" + t.getName()
                        + "` is an INT96 timestamp (legacy); cast it to a timestamp or string before importing");
            case BINARY, FIXED_LEN_BYTE_ARRAY -> binary(g.getBinary(field, index), t, where);
        };
    }

    private static JsonNode binary(Binary b, PrimitiveType t, String where) {
        LogicalTypeAnnotation logical = t.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation) {
            return F.textNode(b.toStringUsingUTF8());
        }
        if (logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
            try {
                return RestClient.M.readTree(b.toStringUsingUTF8());
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(where + ": column `" + t.getName() + "` holds invalid JSON", e);
            }
        }
        if (logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
            ByteBuffer bb = b.toByteBuffer();
            return F.textNode(new UUID(bb.getLong(), bb.getLong()).toString());
        }
        if (logical instanceof LogicalTypeAnnotation.Float16LogicalTypeAnnotation) {
            byte[] bytes = b.getBytes(); // little endian
            return F.numberNode(Float.float16ToFloat((short) ((bytes[0] & 0xff) | (bytes[1] << 8))));
        }
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
            return F.numberNode(new BigDecimal(new BigInteger(b.getBytes()), d.getScale()));
        }
        return F.textNode(Base64.getEncoder().encodeToString(b.getBytes()));
    }
}
