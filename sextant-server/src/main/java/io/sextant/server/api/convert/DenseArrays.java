package io.sextant.server.api.convert;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads a JSON array of numbers straight from the parser into a {@code float[]}, for the streaming
 * body readers ({@link QueryBody}, {@link UpsertBody}). Only when the answer cannot differ from
 * Jackson's tree: a non-empty array of numbers that the tree would hold as {@code IntNode}, {@code
 * LongNode} or {@code DoubleNode}, each finite as a float; the floats are what {@code
 * JsonNode.floatValue()} gives for those nodes. Anything else (a nested array, a non-number, a big
 * integer, an overflow, an empty array) gives null, and the caller parses the body as a tree.
 * Stateless.
 */
final class DenseArrays {
    private DenseArrays() {}

    /** Scratch arrays larger than this are not kept for the thread's next read. */
    private static final int KEPT_SCRATCH = 4096;

    /**
     * Per-thread scratch for {@link #read(JsonParser)}: a query reads one vector per request, so
     * only the exactly sized result is allocated (before: a 512-float scratch and the result).
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[512]});

    /**
     * The numbers of the array the parser is at (its {@code START_ARRAY} read), up to its end; null
     * when it is not a plain dense vector (the tokens read are consumed either way).
     */
    static float[] read(JsonParser p) throws IOException {
        float[][] scratch = SCRATCH.get();
        try {
            return read(p, scratch);
        } finally {
            if (scratch[0].length > KEPT_SCRATCH) {
                scratch[0] = new float[512];
            }
        }
    }

    /**
     * As {@link #read(JsonParser)}, reading into {@code scratch[0]} (grown and kept there when too
     * small), so a body with many vectors allocates one exactly sized array per vector.
     */
    static float[] read(JsonParser p, float[][] scratch) throws IOException {
        float[] out = scratch[0];
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            float f;
            if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                // a textual parser types every fraction/exponent number DOUBLE (the tree makes a
                // DoubleNode): read its text without the String getNumberType() would build
                double d = DecimalText.exactDouble(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                f = (float) (Double.isNaN(d) ? p.getDoubleValue() : d); // DoubleNode.floatValue()
            } else if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                f = p.getIntValue(); // IntNode.floatValue()
            } else if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.LONG) {
                f = p.getLongValue(); // LongNode.floatValue()
            } else {
                return null;
            }
            if (!Float.isFinite(f)) {
                return null;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, Math.max(16, n * 2));
                scratch[0] = out;
            }
            out[n++] = f;
        }
        return n == 0 ? null : Arrays.copyOf(out, n);
    }
}
