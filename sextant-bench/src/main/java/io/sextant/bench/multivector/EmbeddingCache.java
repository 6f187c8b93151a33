package io.sextant.bench.multivector;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Embeds a list of texts through a cache of the texts embedded so far, so that a build that was
 * stopped resumes where it left off, and a smaller build whose texts are a prefix of a larger one's
 * (same seed, fewer synsets) reuses its work.
 *
 * <p>Files: {@code embeddings.key} holds the model name (another model discards the cache); {@code
 * embeddings.txt} holds text i on line i (UTF-8; texts must not contain line breaks); {@code
 * embeddings.f32} holds, with no header, the float32 little-endian embedding of text i as row i
 * ({@code dim} values). The cached rows are the common prefix of both files (a stop between the two
 * writes, or mid-row, leaves one longer; the excess is cut). When the requested list first differs
 * from the cached texts at position m, rows from m on are discarded and recomputed. Not thread-safe.
 */
final class EmbeddingCache {
    private final Path data;
    private final Path textsFile;
    private final Path key;
    private final int dim;

    EmbeddingCache(Path dir, int dim) {
        this.data = dir.resolve("embeddings.f32");
        this.textsFile = dir.resolve("embeddings.txt");
        this.key = dir.resolve("embeddings.key");
        this.dim = dim;
    }

    /** A hook for progress lines: (texts done, texts total). */
    interface Progress {
        void report(int done, int total);
    }

    /** The embeddings of all {@code texts}, computing only the ones not yet in the cache. */
    float[][] embedAll(String model, List<String> texts, Function<String, float[]> embedder, Progress progress)
            throws IOException {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).indexOf('\n') >= 0 || texts.get(i).indexOf('\r') >= 0) {
                throw new IllegalArgumentException("text " + i + " contains a line break: '" + texts.get(i) + "'");
            }
        }
        if (!Files.exists(key) || !Files.readString(key).trim().equals(model)) {
            Files.deleteIfExists(data);
            Files.deleteIfExists(textsFile);
            Files.writeString(key, model + "\n");
        }
        List<String> cached = cachedTexts();
        long rowBytes = 4L * dim;
        try (FileChannel ch =
                FileChannel.open(data, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int rows = (int) Math.min(cached.size(), ch.size() / rowBytes);
            int same = 0;
            while (same < Math.min(rows, texts.size()) && cached.get(same).equals(texts.get(same))) {
                same++;
            }
            // keep every valid row unless the request departs from the cached texts before their end
            int keep = same < Math.min(rows, texts.size()) ? same : rows;
            if (keep < cached.size() || ch.size() != keep * rowBytes) {
                ch.truncate(keep * rowBytes);
                Files.write(textsFile, cached.subList(0, keep), StandardCharsets.UTF_8);
            }
            if (keep < texts.size()) {
                appendMissing(ch, keep, texts, embedder, progress);
            }
            float[][] out = new float[texts.size()][dim];
            ByteBuffer in = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, texts.size() * rowBytes))
                    .order(ByteOrder.LITTLE_ENDIAN);
            while (in.hasRemaining()) {
                if (ch.read(in, in.position()) < 0) {
                    throw new IOException(data + " ended at byte " + in.position() + " while reading it back");
                }
            }
            in.flip();
            for (float[] v : out) {
                for (int d = 0; d < dim; d++) {
                    v[d] = in.getFloat();
                }
            }
            return out;
        }
    }

    private void appendMissing(
            FileChannel ch, int from, List<String> texts, Function<String, float[]> embedder, Progress progress)
            throws IOException {
        ch.position((long) from * 4 * dim);
        ByteBuffer row = ByteBuffer.allocate(4 * dim).order(ByteOrder.LITTLE_ENDIAN);
        try (BufferedWriter names = Files.newBufferedWriter(
                textsFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int i = from; i < texts.size(); i++) {
                float[] v = embedder.apply(texts.get(i));
                if (v.length != dim) {
                    throw new IllegalStateException(
                            "embedding of text " + i + " has " + v.length + " dims, expected " + dim);
                }
                row.clear();
                for (float x : v) {
                    row.putFloat(x);
                }
                row.flip();
                while (row.hasRemaining()) {
                    ch.write(row);
                }
                names.write(texts.get(i));
                names.newLine();
                if ((i + 1) % 256 == 0) {
                    names.flush();
                }
                progress.report(i + 1, texts.size());
            }
        }
        ch.force(false);
    }

    private List<String> cachedTexts() throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.exists(textsFile)) {
            return out;
        }
        try (BufferedReader in = Files.newBufferedReader(textsFile, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.add(line);
            }
        }
        return out;
    }
}
