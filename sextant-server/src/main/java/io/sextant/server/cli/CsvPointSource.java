package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CSV with a header row (RFC 4180 quoting, comma separator, one record per line). The vector is
 * either one column holding a JSON array ({@code "[0.1, 0.2]"}, quoted) or several numeric columns
 * ({@link ColumnMapping#vectorColumns()}). Payload cells become JSON numbers when they parse as
 * integers or decimals, booleans for {@code true}/{@code false}, strings otherwise; empty cells
 * are left out. Ids: integers or UUID strings; a missing id column uses the row number. Not
 * thread-safe.
 */
final class CsvPointSource extends LinePointSource {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final ColumnMapping mapping;
    private final List<String> header;
    private final Map<String, Integer> index = new HashMap<>();
    private final int[] vectorCols;
    private long record;

    CsvPointSource(Path file, ColumnMapping mapping) throws IOException {
        this(file, mapping, Files.newBufferedReader(file, StandardCharsets.UTF_8));
    }

    private CsvPointSource(Path file, ColumnMapping mapping, BufferedReader in) throws IOException {
        super(in, 1, Math.max(0, LineCounter.nonBlankLines(file) - 1));
        this.mapping = mapping;
        String first = in.readLine();
        if (first == null) {
            in.close();
            throw new IllegalArgumentException("CSV file " + file + " is empty (expected a header row)");
        }
        header = split(first.startsWith("\uFEFF") ? first.substring(1) : first, 1);
        for (int i = 0; i < header.size(); i++) {
            index.put(header.get(i).trim(), i);
        }
        if (mapping.vectorColumns().isEmpty()) {
            vectorCols = new int[] {column(mapping.vectorField(), "vector")};
        } else {
            vectorCols = new int[mapping.vectorColumns().size()];
            for (int i = 0; i < vectorCols.length; i++) {
                vectorCols[i] = column(mapping.vectorColumns().get(i), "vector");
            }
            expectDimension(vectorCols.length);
        }
        readAhead();
    }

    private int column(String name, String role) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException(
                    "CSV header has no " + role + " column `" + name + "` (columns: " + header + ")");
        }
        return i;
    }

    @Override
    ImportPoint parse(String line) {
        List<String> cells = split(line, lineNo);
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException(
                    "line " + lineNo + ": " + cells.size() + " cells, header has " + header.size());
        }
        long rec = record++;
        float[] vector;
        if (mapping.vectorColumns().isEmpty()) {
            vector = VectorParsing.fromJsonText(
                    cells.get(vectorCols[0]), "line " + lineNo + ", column `" + mapping.vectorField() + "`");
        } else {
            vector = new float[vectorCols.length];
            for (int i = 0; i < vector.length; i++) {
                String cell = cells.get(vectorCols[i]).trim();
                try {
                    vector[i] = Float.parseFloat(cell);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "line " + lineNo + ", column `" + header.get(vectorCols[i]) + "`: not a number: '" + cell
                                    + "'",
                            e);
                }
            }
        }
        JsonNode id = LongNode.valueOf(rec);
        Integer idCol = index.get(mapping.idField());
        if (idCol != null) {
            String cell = cells.get(idCol).trim();
            if (cell.isEmpty()) {
                throw new IllegalArgumentException(
                        "line " + lineNo + ": empty id in column `" + mapping.idField() + "`");
            }
            try {
                id = LongNode.valueOf(Long.parseLong(cell));
            } catch (NumberFormatException e) {
                id = TextNode.valueOf(cell);
            }
        }
        ObjectNode payload = F.objectNode();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).trim();
            String cell = cells.get(i);
            if (!cell.isEmpty() && mapping.isPayload(name)) {
                payload.set(name, cellValue(cell));
            }
        }
        return new ImportPoint(id, vector, payload);
    }

    static JsonNode cellValue(String cell) {
        if (cell.equals("true") || cell.equals("false")) {
            return F.booleanNode(Boolean.parseBoolean(cell));
        }
        if (cell.matches("-?\\d{1,18}")) {
            return F.numberNode(Long.parseLong(cell));
        }
        if (cell.matches("-?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?")) {
            return F.numberNode(Double.parseDouble(cell));
        }
        return F.textNode(cell);
    }

    /** Splits one CSV record: commas separate, double quotes quote, {@code ""} escapes a quote. */
    static List<String> split(String line, long lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("line " + lineNo + ": unterminated quoted cell");
        }
        out.add(cell.toString());
        return out;
    }
}
