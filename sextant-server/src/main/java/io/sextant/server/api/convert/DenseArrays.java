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
            out = append(scratch, out, n++, f);
        }
        return n == 0 ? null : Arrays.copyOf(out, n);
    }

    /** {@code out} with {@code f} at {@code n}, grown (and kept in {@code scratch[0]}) when full. */
    private static float[] append(float[][] scratch, float[] out, int n, float f) {
        if (n == out.length) {
            out = Arrays.copyOf(out, Math.max(16, n * 2));
            scratch[0] = out;
        }
        out[n] = f;
        return out;
    }

    /** Longest number text {@link #readBytes} converts itself (a float printed in full takes 15). */
    private static final int MAX_NUMBER_CHARS = 32;

    private static final ThreadLocal<char[]> NUMBER_TEXT = ThreadLocal.withInitial(() -> new char[MAX_NUMBER_CHARS]);

    /**
     * The numbers of the JSON array whose first element (or whitespace) starts at {@code b[from]},
     * read straight from the bytes, with {@code end[0]} set to the index just past its {@code ]}.
     * Gives exactly the floats {@link #read(JsonParser)} gives, or null (then nothing is decided and
     * the caller parses the body as before) for anything it does not handle itself: an empty array,
     * a number that is not strict JSON ({@code 01}, {@code 1.}, {@code .5}, {@code +1}), more than
     * 18 integer digits, text {@link DecimalText} cannot convert exactly, a non-finite float, or any
     * other token. Integers are converted as Jackson's int and long nodes convert them.
     */
    static float[] readBytes(byte[] b, int from, int limit, int[] end) {
        float[][] scratch = SCRATCH.get();
        float[] out = scratch[0];
        char[] text = NUMBER_TEXT.get();
        int n = 0;
        int i = from;
        while (true) {
            i = skipWhitespace(b, i, limit);
            int start = i;
            boolean negative = i < limit && b[i] == '-';
            if (negative) {
                i++;
            }
            int intStart = i;
            if (i < limit && b[i] == '0') {
                i++;
            } else if (i < limit && b[i] >= '1' && b[i] <= '9') {
                i = afterDigits(b, i, limit);
            } else {
                return null;
            }
            int intEnd = i;
            boolean integer = true;
            if (i < limit && b[i] == '.') {
                integer = false;
                int digits = i + 1;
                i = afterDigits(b, digits, limit);
                if (i == digits) {
                    return null;
                }
            }
            if (i < limit && (b[i] == 'e' || b[i] == 'E')) {
                integer = false;
                i++;
                if (i < limit && (b[i] == '+' || b[i] == '-')) {
                    i++;
                }
                int digits = i;
                i = afterDigits(b, digits, limit);
                if (i == digits) {
                    return null;
                }
            }
            float f;
            if (integer) {
                if (intEnd - intStart > 18) {
                    return null;
                }
                long v = 0;
                for (int k = intStart; k < intEnd; k++) {
                    v = v * 10 + (b[k] - '0');
                }
                f = negative ? -v : v; // IntNode / LongNode.floatValue(): -0 is 0
            } else {
                int len = i - start;
                if (len > MAX_NUMBER_CHARS) {
                    return null;
                }
                for (int k = 0; k < len; k++) {
                    text[k] = (char) b[start + k];
                }
                double d = DecimalText.exactDouble(text, 0, len);
                if (Double.isNaN(d)) {
                    return null;
                }
                f = (float) d;
            }
            if (!Float.isFinite(f)) {
                return null;
            }
            out = append(scratch, out, n++, f);
            i = skipWhitespace(b, i, limit);
            if (i < limit && b[i] == ',') {
                i++;
            } else if (i < limit && b[i] == ']') {
                end[0] = i + 1;
                break;
            } else {
                return null;
            }
        }
        float[] result = Arrays.copyOf(out, n);
        if (scratch[0].length > KEPT_SCRATCH) {
            scratch[0] = new float[512];
        }
        return result;
    }

    /** The index of the first byte from {@code i} that is not a decimal digit. */
    private static int afterDigits(byte[] b, int i, int limit) {
        while (i < limit && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    /** The index of the first byte from {@code i} that is not JSON whitespace. */
    static int skipWhitespace(byte[] b, int i, int limit) {
        while (i < limit && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }
}
