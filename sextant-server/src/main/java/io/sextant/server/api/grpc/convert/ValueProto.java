package io.sextant.server.api.grpc.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qdrant.client.grpc.JsonWithInt.ListValue;
import io.qdrant.client.grpc.JsonWithInt.NullValue;
import io.qdrant.client.grpc.JsonWithInt.Struct;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.util.Map;

/**
 * Payload values between Qdrant's {@code json_with_int.proto} ({@code Value}, {@code Struct},
 * {@code ListValue}: JSON with a separate 64-bit integer kind) and Jackson trees, the payload
 * representation of the domain. Integers stay integers and doubles stay doubles both ways, so a
 * payload written over REST reads back identically over gRPC and vice versa. Stateless and
 * thread-safe.
 */
public final class ValueProto {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ValueProto() {}

    /** A payload map (as in {@code PointStruct.payload}) as a JSON object; empty map gives an empty object. */
    public static ObjectNode toObject(Map<String, Value> fields) {
        ObjectNode out = F.objectNode();
        fields.forEach((k, v) -> out.set(k, toJson(v)));
        return out;
    }

    /** One value as a JSON node. A value with no kind set is JSON null (as Qdrant reads it). */
    public static JsonNode toJson(Value v) {
        return switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> F.nullNode();
            case DOUBLE_VALUE -> F.numberNode(v.getDoubleValue());
            case INTEGER_VALUE -> F.numberNode(v.getIntegerValue());
            case STRING_VALUE -> F.textNode(v.getStringValue());
            case BOOL_VALUE -> F.booleanNode(v.getBoolValue());
            case STRUCT_VALUE -> toObject(v.getStructValue().getFieldsMap());
            case LIST_VALUE -> {
                ArrayNode arr = F.arrayNode();
                for (Value e : v.getListValue().getValuesList()) {
                    arr.add(toJson(e));
                }
                yield arr;
            }
        };
    }

    /** A JSON object as a payload map; null gives an empty map. */
    public static Map<String, Value> toProtoMap(ObjectNode payload) {
        if (payload == null) {
            return Map.of();
        }
        Map<String, Value> out = new java.util.LinkedHashMap<>();
        payload.properties().forEach(e -> out.put(e.getKey(), toProto(e.getValue())));
        return out;
    }

    /**
     * One JSON node as a value: integral numbers that fit a signed 64-bit integer become {@code
     * integer_value}, other numbers {@code double_value}.
     */
    public static Value toProto(JsonNode n) {
        Value.Builder b = Value.newBuilder();
        switch (n.getNodeType()) {
            case NULL, MISSING -> b.setNullValue(NullValue.NULL_VALUE);
            case BOOLEAN -> b.setBoolValue(n.booleanValue());
            case STRING -> b.setStringValue(n.textValue());
            case NUMBER -> {
                if (n.isIntegralNumber() && n.canConvertToLong()) {
                    b.setIntegerValue(n.longValue());
                } else {
                    b.setDoubleValue(n.doubleValue());
                }
            }
            case ARRAY -> {
                ListValue.Builder l = ListValue.newBuilder();
                n.forEach(e -> l.addValues(toProto(e)));
                b.setListValue(l);
            }
            case OBJECT -> {
                Struct.Builder s = Struct.newBuilder();
                n.properties().forEach(e -> s.putFields(e.getKey(), toProto(e.getValue())));
                b.setStructValue(s);
            }
            default -> b.setStringValue(n.asText()); // binary and POJO nodes never occur in payloads
        }
        return b.build();
    }
}
