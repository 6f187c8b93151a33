package io.sextant.server.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sextant.server.config.SecurityConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only audit log: one JSON object per line in {@code <dir>/audit.log}, e.g. {@code
 * {"time":"2026-…Z","principal":"api_key","action":"PUT /collections/{collection_name}/points",
 * "collection":"docs","outcome":"ok","status":200,"remote":"127.0.0.1"}}. Principals are key
 * names ({@code api_key}, {@code read_only_api_key}) or {@code jwt:<subject>}; secrets, vectors and
 * payloads are never written. Before a line would push the file past {@code maxFileBytes} the file
 * is rotated: {@code audit.log.N} becomes {@code audit.log.N+1} (the oldest beyond {@code
 * maxFiles} is deleted) and {@code audit.log} becomes {@code audit.log.1}. Lines are written with
 * one {@code write} each, not fsynced (the audit log is not a durability mechanism). An I/O error
 * is logged once and never fails the request.
 *
 * <p>Thread-safe: {@link #record} is synchronized.
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper M = new ObjectMapper();

    /** The file name of the current log. */
    public static final String FILE = "audit.log";

    /**
     * One audited event.
     *
     * @param principal who (never a secret)
     * @param action what: method and route template, or an event name such as {@code auth}
     * @param collection the collection concerned, or null
     * @param outcome {@code ok}, {@code denied} (401/403) or {@code failed}
     * @param status HTTP status
     * @param remote client address
     */
    public record Event(
            String principal, String action, String collection, String outcome, int status, String remote) {}

    private final Path dir;
    private final long maxFileBytes;
    private final int maxFiles;
    private FileChannel out;
    private long size;
    private boolean failedOnce;

    public AuditLog(SecurityConfig.Audit settings) {
        this.dir = settings.dir();
        this.maxFileBytes = settings.maxFileBytes();
        this.maxFiles = settings.maxFiles();
        try {
            Files.createDirectories(dir);
            open();
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot open audit log in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void open() throws IOException {
        out = FileChannel.open(
                dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = out.size();
    }

    /** Appends one event (rotating first when needed). */
    public synchronized void record(Event e) {
        ObjectNode line = M.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("principal", e.principal());
        line.put("action", e.action());
        if (e.collection() != null) {
            line.put("collection", e.collection());
        }
        line.put("outcome", e.outcome());
        line.put("status", e.status());
        if (e.remote() != null) {
            line.put("remote", e.remote());
        }
        byte[] bytes = (line.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (out == null) {
                open();
            }
            if (size > 0 && size + bytes.length > maxFileBytes) {
                rotate();
            }
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            size += bytes.length;
        } catch (IOException ex) {
            if (!failedOnce) {
                failedOnce = true;
                LOG.error("Cannot write the audit log in {}: {}", dir, ex.getMessage());
            }
            closeQuietly();
        }
    }

    private void rotate() throws IOException {
        out.close();
        out = null;
        Files.deleteIfExists(dir.resolve(FILE + "." + maxFiles));
        for (int i = maxFiles - 1; i >= 1; i--) {
            Path from = dir.resolve(FILE + "." + i);
            if (Files.exists(from)) {
                Files.move(from, dir.resolve(FILE + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(dir.resolve(FILE), dir.resolve(FILE + ".1"), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private void closeQuietly() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // already failing
        }
        out = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
