package io.sextant.server.api.convert;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Walks the fields of a JSON object with a streaming parser, for the streaming body readers
 * ({@link QueryBody}, {@link UpsertBody}): anything but a field name or the object's end is a parse
 * error, which those readers answer by falling back to the tree parse. Stateless.
 */
final class StreamedFields {
    private StreamedFields() {}

    /**
     * The next field's name, with the parser moved to its value's first token; null at the end of
     * the object the parser is in.
     *
     * @throws JsonParseException when the object is malformed or the input ends
     */
    static String next(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_OBJECT) {
            return null;
        }
        if (t != JsonToken.FIELD_NAME) {
            throw new JsonParseException(p, "expected a field name");
        }
        String name = p.currentName();
        if (p.nextToken() == null) {
            throw new JsonParseException(p, "unexpected end of input");
        }
        return name;
    }
}
