package io.sextant.server.api.rest;

import io.sextant.segment.error.UserException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Undoes a request's {@code Content-Encoding} ({@code gzip} or {@code deflate}, possibly a
 * comma-separated chain applied in order), as Qdrant accepts compressed request bodies. Unknown
 * codings read as identity, as in Qdrant; {@code br} and {@code zstd}, which Qdrant decodes but
 * this server does not, are a 400 rather than a confusing JSON error.
 * The decompressed size is bounded while inflating: output beyond the limit is never buffered, so a
 * small body that expands without bound (a zip bomb) costs at most the limit in memory. Stateless.
 */
final class ContentDecoding {

    private ContentDecoding() {}

    /**
     * The decoded body. {@code tooLarge} builds the error for output over {@code limit} bytes; a
     * corrupt body is a 400.
     */
    static byte[] decode(String contentEncoding, byte[] body, long limit, Supplier<UserException> tooLarge) {
        if (contentEncoding == null || contentEncoding.isBlank()) {
            return body;
        }
        byte[] out = body;
        for (String coding : contentEncoding.split(",")) {
            String c = coding.trim().toLowerCase(Locale.ROOT);
            switch (c) {
                case "gzip", "x-gzip" -> out = inflate(out, true, limit, tooLarge);
                case "deflate" -> out = inflate(out, false, limit, tooLarge);
                case "br", "zstd" ->
                    throw UserException.badRequest(
                            "Unsupported Content-Encoding `" + c + "`: expected gzip, deflate or identity");
                default -> {
                    // identity; Qdrant (actix) also reads an unknown coding as identity
                }
            }
        }
        return out;
    }

    private static byte[] inflate(byte[] body, boolean gzip, long limit, Supplier<UserException> tooLarge) {
        if (body.length == 0) {
            return body;
        }
        try (InputStream in = gzip
                ? new GZIPInputStream(new ByteArrayInputStream(body))
                : new InflaterInputStream(new ByteArrayInputStream(body))) {
            byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (out.length > limit) {
                throw tooLarge.get();
            }
            return out;
        } catch (IOException e) {
            throw UserException.badRequest("Cannot decode " + (gzip ? "gzip" : "deflate") + " request body: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
