package io.sextant.bench.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A lean HTTP/1.1 keep-alive client for load generation, the way {@code wrk} works: one blocking
 * socket, requests written as prepared bytes (request line, headers and body built once, before the
 * run), the answer read into a reused buffer by its {@code Content-Length}. No selector thread, no
 * executor hand-off and no per-request header objects, so the client's share of the 2 cores it
 * shares with the server stays small (Java's {@code HttpClient} passes every exchange through its
 * selector thread and an executor). Only what the benchmark needs: no chunked answers, no
 * redirects. Not thread-safe: one connection per client thread.
 */
final class RawHttpConnection implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private byte[] buf = new byte[16 * 1024];
    private int bodyStart;
    private int bodyLength;

    RawHttpConnection(URI base) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    /** A complete {@code POST} request (request line, headers, JSON body) as bytes. */
    static byte[] post(URI uri, String jsonBody) {
        byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Sends {@code request} and reads the answer; returns its status code (body: {@link #body}). */
    int exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        int n = 0;
        int headerEnd;
        while ((headerEnd = headerEnd(n)) < 0) {
            n = fill(n);
        }
        int status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
        int length = contentLength(headerEnd);
        bodyStart = headerEnd;
        bodyLength = length;
        if (headerEnd + length > buf.length) {
            buf = java.util.Arrays.copyOf(buf, headerEnd + length);
        }
        while (n < headerEnd + length) {
            n = fill(n);
        }
        if (n != headerEnd + length) {
            throw new IOException("unexpected bytes after the answer (pipelining is not used)");
        }
        return status;
    }

    /** The last answer's body as text. */
    String body() {
        return new String(buf, bodyStart, bodyLength, StandardCharsets.UTF_8);
    }

    private int fill(int n) throws IOException {
        if (n == buf.length) {
            buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
            throw new EOFException("the server closed the connection");
        }
        return n + r;
    }

    /** The index just past the blank line ending the headers in {@code buf[0, n)}, or -1. */
    private int headerEnd(int n) {
        for (int i = 3; i < n; i++) {
            if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private int contentLength(int headerEnd) throws IOException {
        String head = new String(buf, 0, headerEnd, StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
        int i = head.indexOf("\r\ncontent-length:");
        if (i < 0) {
            throw new IOException(
                    "answer without Content-Length: " + head.lines().findFirst().orElse(""));
        }
        int s = i + "\r\ncontent-length:".length();
        int e = head.indexOf('\r', s);
        return Integer.parseInt(head.substring(s, e).trim());
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
