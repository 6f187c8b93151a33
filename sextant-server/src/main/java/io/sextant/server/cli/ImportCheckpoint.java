package io.sextant.server.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The resume checkpoint of one import: how many batches, counted from the start of the source,
 * are acknowledged without a gap. A rerun of the same command skips that many batches; batches
 * after it that were acknowledged too are sent again, which upserts by id make harmless.
 *
 * <p>Format, version 1: UTF-8 text, LF line ends, exactly these six lines in this order:
 *
 * <pre>
 * sextant-import 1            magic and format version
 * source &lt;absolute path&gt;      the data file
 * collection &lt;name&gt;
 * batch &lt;points per batch&gt;    decimal
 * done &lt;batches&gt;              decimal: batches 0..done-1 are acknowledged
 * crc &lt;8 hex digits&gt;          CRC32C of the bytes of the five lines above, LFs included
 * </pre>
 *
 * A file that does not parse or whose CRC does not match is refused with a message (delete it to
 * start over); one written for another source, collection or batch size is refused too. Written
 * to a temporary name, fsynced and renamed over the old one. Instances are immutable.
 *
 * @param source the data file
 * @param collection target collection
 * @param batchSize points per batch
 * @param doneBatches acknowledged contiguous batches from the start
 */
record ImportCheckpoint(String source, String collection, int batchSize, long doneBatches) {
    static final String MAGIC = "sextant-import";
    static final int VERSION = 1;

    /** Writes this checkpoint atomically to {@code file}. */
    void write(Path file) throws IOException {
        String body = MAGIC + " " + VERSION + "\nsource " + source + "\ncollection " + collection + "\nbatch "
                + batchSize + "\ndone " + doneBatches + "\n";
        String text = body + "crc " + crcHex(body) + "\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a checkpoint, or null when {@code file} does not exist. */
    static ImportCheckpoint read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw corrupt(file, "not UTF-8 text");
        }
        String[] lines = text.split("\n", -1);
        if (lines.length != 7 || !lines[6].isEmpty() || !lines[0].startsWith(MAGIC + " ")) {
            throw corrupt(file, "not a sextant-import checkpoint");
        }
        if (!lines[0].equals(MAGIC + " " + VERSION)) {
            throw corrupt(file, "unsupported checkpoint version '" + lines[0].substring(MAGIC.length() + 1) + "'");
        }
        String body = text.substring(0, text.length() - lines[5].length() - 1);
        if (!lines[5].equals("crc " + crcHex(body))) {
            throw corrupt(file, "checksum mismatch");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        String[] keys = {"source", "collection", "batch", "done"};
        for (int i = 0; i < keys.length; i++) {
            String l = lines[i + 1];
            if (!l.startsWith(keys[i] + " ")) {
                throw corrupt(file, "line " + (i + 2) + " should start with '" + keys[i] + "'");
            }
            kv.put(keys[i], l.substring(keys[i].length() + 1));
        }
        try {
            return new ImportCheckpoint(
                    kv.get("source"),
                    kv.get("collection"),
                    Integer.parseInt(kv.get("batch")),
                    Long.parseLong(kv.get("done")));
        } catch (NumberFormatException e) {
            throw corrupt(file, e.getMessage());
        }
    }

    /** Refuses to resume a checkpoint of another import. */
    void checkMatches(ImportCheckpoint other, Path file) {
        if (!source.equals(other.source) || !collection.equals(other.collection) || batchSize != other.batchSize) {
            throw new IllegalArgumentException("checkpoint " + file + " belongs to another import (source " + source
                    + ", collection " + collection + ", batch " + batchSize + "; now: source " + other.source
                    + ", collection " + other.collection + ", batch " + other.batchSize
                    + "); delete it or pass --checkpoint with another path");
        }
    }

    private static String crcHex(String s) {
        CRC32C crc = new CRC32C();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    private static IllegalArgumentException corrupt(Path file, String why) {
        return new IllegalArgumentException(
                "checkpoint " + file + " is corrupt (" + why + "); delete it to import from the start");
    }
}
