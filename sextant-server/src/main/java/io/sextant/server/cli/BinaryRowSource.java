package io.sextant.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fixed-layout binary vector rows, little-endian: raw float16 or float32 rows of a given dimension
 * (after an optional header, as in NumPy files), or the TEXMEX {@code .fvecs} / {@code .bvecs}
 * layouts where each row is an int32 dimension followed by that many float32 / uint8 values. Ids
 * are row numbers (0-based). An optional payload file gives the payload of row i on line i (JSONL).
 * Not thread-safe.
 */
final class BinaryRowSource implements PointSource {
    private static final ObjectMapper M = new ObjectMapper();

    /** Row layouts. */
    enum Layout {
        F16(2, false),
        F32(4, false),
        FVECS(4, true),
        BVECS(1, true);

        final int elementBytes;
        final boolean dimPrefix;

        Layout(int elementBytes, boolean dimPrefix) {
            this.elementBytes = elementBytes;
            this.dimPrefix = dimPrefix;
        }
    }

    private final InputStream in;
    private final Layout layout;
    private final int dim;
    private final long total;
    private final BufferedReader payloads;
    private final byte[] row;
    private final ByteBuffer rowBuf;
    private long rowNo;

    /**
     * @param headerBytes bytes to skip before the first row (NumPy header), 0 otherwise
     * @param dim the dimension for raw layouts; ignored (read from the file) for fvecs/bvecs
     */
    BinaryRowSource(Path file, Layout layout, long headerBytes, int dim, Path payloadFile) throws IOException {
        this.layout = layout;
        long size = Files.size(file) - headerBytes;
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 20);
        in.skipNBytes(headerBytes);
        if (layout.dimPrefix) {
            if (size < 4) {
                throw new IllegalArgumentException(
                        file + " is too short for " + layout.name().toLowerCase() + " rows");
            }
            in.mark(4);
            byte[] d = in.readNBytes(4);
            in.reset();
            int d0 = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (d0 <= 0 || d0 > 65536) {
                throw new IllegalArgumentException("row 0: implausible dimension " + d0 + " in " + file);
            }
            this.dim = d0;
        } else {
            if (dim <= 0) {
                throw new IllegalArgumentException(
                        "--dim is required for raw " + layout.name().toLowerCase() + " rows");
            }
            this.dim = dim;
        }
        long rowBytes = (layout.dimPrefix ? 4 : 0) + (long) this.dim * layout.elementBytes;
        if (size % rowBytes != 0) {
            throw new IllegalArgumentException(file + ": size " + size + " is not a multiple of the row size "
                    + rowBytes + " (dimension " + this.dim + "); wrong --dim or --format?");
        }
        this.total = size / rowBytes;
        this.row = new byte[(int) rowBytes];
        this.rowBuf = ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN);
        this.payloads = payloadFile == null ? null : Files.newBufferedReader(payloadFile, StandardCharsets.UTF_8);
    }

    @Override
    public long total() {
        return total;
    }

    @Override
    public int dimension() {
        return dim;
    }

    @Override
    public ImportPoint next() throws IOException {
        if (rowNo >= total) {
            return null;
        }
        try {
            in.readNBytes(row, 0, row.length);
        } catch (EOFException e) {
            throw new IllegalArgumentException("row " + rowNo + ": truncated", e);
        }
        float[] v = new float[dim];
        int off = 0;
        if (layout.dimPrefix) {
            int d = rowBuf.getInt(0);
            if (d != dim) {
                throw new IllegalArgumentException("row " + rowNo + ": dimension " + d + ", expected " + dim);
            }
            off = 4;
        }
        switch (layout) {
            case F16 -> {
                for (int i = 0; i < dim; i++) {
                    v[i] = Float.float16ToFloat(rowBuf.getShort(off + 2 * i));
                }
            }
            case F32, FVECS -> {
                for (int i = 0; i < dim; i++) {
                    v[i] = rowBuf.getFloat(off + 4 * i);
                }
            }
            case BVECS -> {
                for (int i = 0; i < dim; i++) {
                    v[i] = row[off + i] & 0xFF;
                }
            }
        }
        long id = rowNo++;
        return new ImportPoint(LongNode.valueOf(id), v, payload(id));
    }

    private ObjectNode payload(long id) throws IOException {
        if (payloads == null) {
            return JsonNodeFactory.instance.objectNode();
        }
        String line = payloads.readLine();
        if (line == null) {
            throw new IllegalArgumentException(
                    "payload file line " + (id + 1) + ": missing (the payload file has fewer lines than rows)");
        }
        JsonNode node;
        try {
            node = M.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException("payload file line " + (id + 1) + ": not valid JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("payload file line " + (id + 1) + ": expected a JSON object");
        }
        return (ObjectNode) node;
    }

    @Override
    public void close() throws IOException {
        in.close();
        if (payloads != null) {
            payloads.close();
        }
    }
}
