package io.sextant.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * Parquet files (as written by pandas/pyarrow, Spark, DuckDB, Polars): each row becomes a JSON
 * object ({@link ParquetRowJson}) mapped to a point by the {@link ColumnMapping} exactly like a
 * JSONL record: the id column (integer or UUID string; the row number when absent or null), the
 * vector column (a list, or fixed-size list, of float16/float32/float64/integer values) and the
 * other columns as payload (nested structs become objects, lists become arrays). Read row group by
 * row group with Apache parquet-java, so memory holds one row group's pages, not the file; the
 * compression codecs are those parquet-java supports (snappy, zstd, gzip, lz4-raw, none). The first
 * row is read ahead so the dimension is known at construction; every later vector must have it.
 * Not thread-safe.
 */
final class ParquetPointSource implements PointSource {
    private final ParquetFileReader reader;
    private final MessageType schema;
    private final ColumnMapping mapping;
    private final org.apache.parquet.io.MessageColumnIO columns;
    private final long total;

    private RecordReader<Group> rows;
    private long rowsLeftInGroup;
    private long row; // 0-based number of the next row
    private int dim = -1;
    private ImportPoint peeked;

    ParquetPointSource(Path file, ColumnMapping mapping) throws IOException {
        try {
            this.reader = new ParquetFileReader(
                    new LocalInputFile(file),
                    ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a readable Parquet file: " + e.getMessage(), e);
        }
        this.schema = reader.getFooter().getFileMetaData().getSchema();
        this.mapping = mapping;
        this.total = reader.getRecordCount();
        if (!schema.containsField(mapping.vectorField())) {
            reader.close();
            throw new IllegalArgumentException(file + ": no column `" + mapping.vectorField() + "` (columns: "
                    + columnNames() + "); pass --vector-field");
        }
        this.columns = new ColumnIOFactory().getColumnIO(schema); // one column layout for every row group
        peeked = read();
        if (peeked != null) {
            dim = peeked.vector().length;
        }
    }

    private String columnNames() {
        return String.join(
                ", ", schema.getFields().stream().map(f -> f.getName()).toList());
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
        if (peeked != null) {
            ImportPoint p = peeked;
            peeked = null;
            return p;
        }
        ImportPoint p = read();
        if (p != null && p.vector().length != dim) {
            throw new IllegalArgumentException(
                    "row " + (row - 1) + ": vector has dimension " + p.vector().length + ", expected " + dim);
        }
        return p;
    }

    private ImportPoint read() throws IOException {
        while (rowsLeftInGroup == 0) {
            PageReadStore pages = reader.readNextRowGroup();
            if (pages == null) {
                return null;
            }
            rows = columns.getRecordReader(pages, new GroupRecordConverter(schema));
            rowsLeftInGroup = pages.getRowCount();
        }
        long r = row++;
        rowsLeftInGroup--;
        Group g;
        try {
            g = rows.read();
        } catch (ParquetDecodingException e) {
            throw new IOException("row " + r + ": cannot decode: " + e.getMessage(), e);
        }
        ObjectNode node = ParquetRowJson.toJson(g, "row " + r);
        return mapping.toPoint(node, r, "row " + r);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
