package io.sextant.server.cli;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * The mechanics shared by the line-oriented sources (JSONL, CSV): blank lines skipped but counted
 * for line numbers, the first record read ahead so the dimension is known at construction, every
 * later record checked against it. Subclasses parse one line into a point. Not thread-safe.
 */
abstract class LinePointSource implements PointSource {
    private final BufferedReader in;
    private final long total;
    /** The number of the line last read (1-based), for error messages. */
    protected long lineNo;

    private int dim = -1;
    private ImportPoint peeked;

    /**
     * @param in the reader, positioned at the first record line
     * @param linesBefore lines already consumed (a CSV header), for line numbers
     * @param total number of records, or -1 when unknown
     */
    LinePointSource(BufferedReader in, long linesBefore, long total) {
        this.in = in;
        this.lineNo = linesBefore;
        this.total = total;
    }

    /** Parses record line {@link #lineNo}; malformed input fails naming the line. */
    abstract ImportPoint parse(String line);

    /** Sets a dimension known before any record (CSV vector columns). */
    final void expectDimension(int d) {
        dim = d;
    }

    /** Reads the first record ahead; subclasses call it last in their constructor. */
    final void readAhead() throws IOException {
        peeked = read();
        if (peeked != null) {
            dim = peeked.vector().length;
        }
    }

    @Override
    public final long total() {
        return total;
    }

    @Override
    public final int dimension() {
        return dim;
    }

    @Override
    public final ImportPoint next() throws IOException {
        if (peeked != null) {
            ImportPoint p = peeked;
            peeked = null;
            return p;
        }
        return read();
    }

    private ImportPoint read() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                return null;
            }
            lineNo++;
        } while (line.isBlank());
        ImportPoint p = parse(line);
        if (dim >= 0 && p.vector().length != dim) {
            throw new IllegalArgumentException(
                    "line " + lineNo + ": vector has dimension " + p.vector().length + ", expected " + dim);
        }
        return p;
    }

    @Override
    public final void close() throws IOException {
        in.close();
    }
}
