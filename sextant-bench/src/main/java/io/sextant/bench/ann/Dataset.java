package io.sextant.bench.ann;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark data set as described in {@code shared/datasets/README.md}: base and query vectors
 * (decoded as stored, not normalized), exact top-100 ground truth, and for wordnet-bge384 the
 * keyword payload columns and the named filters with their own ground truth. Immutable after
 * loading; the arrays are shared, so callers must copy before modifying. Thread-safe for reading.
 *
 * @param name the data set's name ("wordnet-bge384", "fashion-mnist")
 * @param cosine true for Cosine (similarity, higher is better), false for Euclidean distance
 * @param base the base vectors, row i = ordinal i
 * @param queries the query vectors
 * @param groundTruth per query, the exact nearest base rows, best first
 * @param keywords payload keyword columns (field → value of row i), empty when the set has none
 * @param filters the named filters of the set, empty when it has none
 */
public record Dataset(
        String name,
        boolean cosine,
        float[][] base,
        float[][] queries,
        int[][] groundTruth,
        Map<String, String[]> keywords,
        List<Filter> filters) {

    /**
     * A conjunction of keyword equality conditions ({@code {"must":[{"key":k,"match":{"value":v}}]}}).
     *
     * @param name the filter's name in {@code filters.json}
     * @param conditions field → required value, all must hold
     * @param accept the matching base rows
     * @param groundTruth per query, the exact nearest matching rows
     */
    public record Filter(String name, Map<String, String> conditions, BitSet accept, int[][] groundTruth) {
        /** The number of matching base rows. */
        public int cardinality() {
            return accept.cardinality();
        }
    }

    public int dimension() {
        return base[0].length;
    }

    /** The filter named {@code name}; throws when the set has none of that name. */
    public Filter filter(String filterName) {
        for (Filter f : filters) {
            if (f.name().equals(filterName)) {
                return f;
            }
        }
        throw new IllegalArgumentException("data set " + name + " has no filter " + filterName);
    }

    /**
     * Loads a data set by name from {@code dir}: {@code wordnet-bge384} (float16 files, payload,
     * filters) or {@code fashion-mnist} (fvecs files written by the shared build script).
     */
    public static Dataset load(String name, Path dir) throws IOException {
        return switch (name) {
            case "wordnet-bge384" -> loadWordnet(dir);
            case "fashion-mnist" -> loadFashionMnist(dir);
            default ->
                throw new IllegalArgumentException(
                        "unknown data set " + name + ", expected wordnet-bge384 or fashion-mnist");
        };
    }

    static Dataset loadWordnet(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        int dim = json.readTree(dir.resolve("meta.json").toFile()).path("dim").asInt(384);
        float[][] base = readF16(dir.resolve("base.f16"), dim);
        float[][] queries = readF16(dir.resolve("query.f16"), dim);
        int[][] truth = readIvecs(dir.resolve("groundtruth.ivecs"));
        Map<String, String[]> keywords = new LinkedHashMap<>();
        String[] pos = new String[base.length];
        String[] lexname = new String[base.length];
        try (BufferedReader in = Files.newBufferedReader(dir.resolve("base.jsonl"))) {
            for (int i = 0; i < base.length; i++) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("base.jsonl has " + i + " lines, expected " + base.length);
                }
                JsonNode row = json.readTree(line);
                pos[i] = row.path("pos").asText();
                lexname[i] = row.path("lexname").asText();
            }
        }
        keywords.put("pos", pos);
        keywords.put("lexname", lexname);
        List<Filter> filters = new ArrayList<>();
        for (JsonNode f : json.readTree(dir.resolve("filters.json").toFile()).path("filters")) {
            Map<String, String> conditions = parseFilter(f.path("filter"));
            BitSet accept = evaluate(conditions, keywords, base.length);
            int expected = f.path("matching_base_rows").asInt(-1);
            if (expected >= 0 && expected != accept.cardinality()) {
                throw new IOException("filter " + f.path("name").asText() + " matches " + accept.cardinality()
                        + " rows, filters.json says " + expected);
            }
            filters.add(new Filter(
                    f.path("name").asText(),
                    conditions,
                    accept,
                    readIvecs(dir.resolve(f.path("groundtruth").asText()))));
        }
        return new Dataset("wordnet-bge384", true, base, queries, truth, keywords, filters);
    }

    static Dataset loadFashionMnist(Path dir) throws IOException {
        float[][] base = readFvecs(dir.resolve("base.fvecs"));
        float[][] queries = readFvecs(dir.resolve("query.fvecs"));
        int[][] truth = readIvecs(dir.resolve("groundtruth.ivecs"));
        return new Dataset("fashion-mnist", false, base, queries, truth, Map.of(), List.of());
    }

    /** Parses the subset of Qdrant's filter JSON the data sets use: must-lists of keyword matches. */
    static Map<String, String> parseFilter(JsonNode filter) {
        Map<String, String> conditions = new LinkedHashMap<>();
        var names = filter.fieldNames();
        while (names.hasNext()) {
            String clause = names.next();
            if (!clause.equals("must")) {
                throw new IllegalArgumentException("unsupported filter clause " + clause + " in " + filter);
            }
        }
        for (JsonNode c : filter.path("must")) {
            JsonNode value = c.path("match").path("value");
            if (!c.hasNonNull("key") || !value.isTextual()) {
                throw new IllegalArgumentException("unsupported filter condition " + c + ", expected a keyword match");
            }
            conditions.put(c.get("key").asText(), value.asText());
        }
        return conditions;
    }

    static BitSet evaluate(Map<String, String> conditions, Map<String, String[]> keywords, int rows) {
        BitSet accept = new BitSet(rows);
        accept.set(0, rows);
        for (Map.Entry<String, String> c : conditions.entrySet()) {
            String[] column = keywords.get(c.getKey());
            if (column == null) {
                throw new IllegalArgumentException("no payload field " + c.getKey() + ", have " + keywords.keySet());
            }
            for (int i = accept.nextSetBit(0); i >= 0; i = accept.nextSetBit(i + 1)) {
                if (!c.getValue().equals(column[i])) {
                    accept.clear(i);
                }
            }
        }
        return accept;
    }

    static float[][] readF16(Path file, int dim) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[][] rows = new float[in.remaining() / (2 * dim)][dim];
        for (float[] row : rows) {
            for (int d = 0; d < dim; d++) {
                row[d] = Float.float16ToFloat(in.getShort());
            }
        }
        return rows;
    }

    public static float[][] readFvecs(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<float[]> rows = new ArrayList<>();
        while (in.hasRemaining()) {
            float[] row = new float[in.getInt()];
            for (int i = 0; i < row.length; i++) {
                row[i] = in.getFloat();
            }
            rows.add(row);
        }
        return rows.toArray(new float[0][]);
    }

    public static int[][] readIvecs(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<int[]> rows = new ArrayList<>();
        while (in.hasRemaining()) {
            int[] row = new int[in.getInt()];
            for (int i = 0; i < row.length; i++) {
                row[i] = in.getInt();
            }
            rows.add(row);
        }
        return rows.toArray(new int[0][]);
    }
}
