package io.sextant.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0-3.0): magic {@code \x93NUMPY}, major
 * and minor version bytes, a little-endian header length (uint16 for 1.x, uint32 for 2.x/3.x) and a
 * Python dict literal with {@code descr}, {@code fortran_order} and {@code shape}. Only 2-D C-order
 * little-endian float32 ({@code <f4}) and float16 ({@code <f2}) arrays are accepted.
 *
 * @param layout the row layout of the data
 * @param rows number of rows
 * @param dim row length
 * @param dataOffset byte offset of the first row
 */
record NpyHeader(BinaryRowSource.Layout layout, long rows, int dim, long dataOffset) {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    static NpyHeader read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] pre = in.readNBytes(8);
            if (pre.length < 8
                    || (pre[0] & 0xFF) != 0x93
                    || !new String(pre, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
                throw new IllegalArgumentException(file + " is not a NumPy .npy file (bad magic)");
            }
            int major = pre[6];
            long len;
            int lenBytes;
            if (major == 1) {
                lenBytes = 2;
                len = ByteBuffer.wrap(in.readNBytes(2))
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .getShort()
                        & 0xFFFF;
            } else if (major == 2 || major == 3) {
                lenBytes = 4;
                len = ByteBuffer.wrap(in.readNBytes(4))
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .getInt()
                        & 0xFFFFFFFFL;
            } else {
                throw new IllegalArgumentException(file + ": unsupported .npy format version " + major);
            }
            String dict = new String(
                    in.readNBytes((int) len), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            return parse(dict, 8 + lenBytes + len, file.toString());
        }
    }

    static NpyHeader parse(String dict, long dataOffset, String name) {
        Matcher d = DESCR.matcher(dict);
        Matcher f = FORTRAN.matcher(dict);
        Matcher s = SHAPE.matcher(dict);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IllegalArgumentException(name + ": malformed .npy header: " + dict.strip());
        }
        BinaryRowSource.Layout layout =
                switch (d.group(1)) {
                    case "<f4" -> BinaryRowSource.Layout.F32;
                    case "<f2" -> BinaryRowSource.Layout.F16;
                    default ->
                        throw new IllegalArgumentException(name + ": dtype " + d.group(1)
                                + " not supported (need little-endian float32 '<f4' or float16 '<f2')");
                };
        if (f.group(1).equals("True")) {
            throw new IllegalArgumentException(name + ": Fortran-order arrays are not supported (save with C order)");
        }
        String[] dims = s.group(1).split(",");
        java.util.List<Long> shape = new java.util.ArrayList<>();
        for (String x : dims) {
            if (!x.isBlank()) {
                shape.add(Long.parseLong(x.trim()));
            }
        }
        if (shape.size() != 2) {
            throw new IllegalArgumentException(name + ": expected a 2-D array, shape is " + shape);
        }
        return new NpyHeader(layout, shape.get(0), Math.toIntExact(shape.get(1)), dataOffset);
    }
}
