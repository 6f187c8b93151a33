package io.sextant.bench.http;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A lean gRPC client for load generation, the way {@code h2load} or {@code ghz} work and the HTTP/2
 * counterpart of {@link RawHttpConnection}: one blocking socket speaking cleartext HTTP/2 (prior
 * knowledge), every unary call written as prepared bytes (a HEADERS frame whose header block uses
 * only literal fields without indexing, so it never touches the HPACK dynamic table, and one DATA
 * frame with the length-prefixed protobuf message), the answer's DATA bytes collected until the
 * stream ends. No event loop, no executor hand-off, no per-call header or message objects on the
 * sending side, so the client takes about as little of the 2 shared cores as the REST client does
 * (grpc-java's blocking stub costs several times more per call: a Netty event loop thread does the
 * socket I/O and wakes the caller).
 *
 * <p>What it implements of HTTP/2: the preface and SETTINGS exchange (acknowledging the server's),
 * PING answers (grpc-java's server measures the bandwidth-delay product with pings), the
 * connection-level send window (WINDOW_UPDATE on stream 0; one request is far below a stream's
 * initial window), a receive window of 2^30 bytes per stream and for the connection, topped up as
 * answers are read. RST_STREAM and GOAWAY end the call or the connection with an {@link
 * IOException}. It does not decode the answer's headers or trailers (the server's HPACK encoder uses
 * its dynamic table): a call counts as answered when its stream carried a message, and as failed
 * (null) when it ended without one, which is what a trailers-only gRPC error is. One call at a time
 * (closed loop). Not thread-safe: one connection per client thread.
 */
final class RawGrpcConnection implements AutoCloseable {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int PING = 6;
    private static final int GOAWAY = 7;
    private static final int WINDOW_UPDATE = 8;
    private static final int END_STREAM = 0x1;
    private static final int ACK = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int RECEIVE_WINDOW = 1 << 30;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private int nextStream = 1;
    private long sendWindow = 65_535;
    private long receivedSinceUpdate;
    private byte[] frame = new byte[16 * 1024];
    private byte[] message = new byte[16 * 1024];
    private byte[] call = new byte[0];
    private int messageLength;

    RawGrpcConnection(String host, int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024));
        byte[] settings = new byte[9 + 6];
        header(settings, 0, 6, SETTINGS, 0, 0);
        settings[9] = 0; // SETTINGS_INITIAL_WINDOW_SIZE (0x4)
        settings[10] = 4;
        putInt(settings, 11, RECEIVE_WINDOW);
        out.write(PREFACE);
        out.write(settings);
        out.write(windowUpdate(0, RECEIVE_WINDOW - 65_535));
        out.flush();
    }

    /**
     * A unary call's request, prepared once: the HEADERS and DATA frames (stream id 0, set per call
     * by {@link #call}).
     *
     * @param authority {@code host:port}
     * @param path {@code /package.Service/Method}
     * @param protobuf the serialized request message
     */
    static byte[] request(String authority, String path, byte[] protobuf) {
        byte[] block = concat(
                new byte[] {(byte) 0x83, (byte) 0x86}, // :method POST, :scheme http (static table)
                literal(4, path), // :path, name from the static table
                literal(1, authority), // :authority
                literal(31, "application/grpc"), // content-type
                literalNewName("te", "trailers"));
        byte[] all = new byte[9 + block.length + 9 + 5 + protobuf.length];
        header(all, 0, block.length, HEADERS, END_HEADERS, 0);
        System.arraycopy(block, 0, all, 9, block.length);
        int d = 9 + block.length;
        header(all, d, 5 + protobuf.length, DATA, END_STREAM, 0);
        all[d + 9] = 0; // not compressed
        putInt(all, d + 10, protobuf.length);
        System.arraycopy(protobuf, 0, all, d + 14, protobuf.length);
        return all;
    }

    /**
     * Sends a prepared {@link #request} on a new stream and reads until that stream ends.
     *
     * @return whether the answer carried a message ({@link #message()}); false for a gRPC error
     */
    boolean call(byte[] request) throws IOException {
        int stream = nextStream;
        nextStream += 2;
        if (call.length != request.length) {
            call = new byte[request.length];
        }
        System.arraycopy(request, 0, call, 0, request.length);
        int headersLength = ((call[0] & 0xff) << 16) | ((call[1] & 0xff) << 8) | (call[2] & 0xff);
        putInt(call, 5, stream);
        putInt(call, 9 + headersLength + 5, stream);
        int dataLength = call.length - (9 + headersLength + 9);
        while (sendWindow < dataLength) { // wait for the server to open the connection window
            readFrame(-1);
        }
        sendWindow -= dataLength;
        out.write(call);
        out.flush();
        messageLength = 0;
        while (!readFrame(stream)) {
            // frames of the connection or of this stream until it ends
        }
        return messageLength >= 5;
    }

    /** The answer's message bytes after the 5-byte gRPC prefix: offset 5, {@link #messageLength} - 5. */
    byte[] message() {
        return message;
    }

    int messageLength() {
        return messageLength;
    }

    /** Reads one frame; true when it ended {@code stream}. */
    private boolean readFrame(int stream) throws IOException {
        int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int id = in.readInt() & 0x7fffffff;
        if (frame.length < length) {
            frame = new byte[Math.max(length, frame.length * 2)];
        }
        in.readFully(frame, 0, length);
        switch (type) {
            case DATA -> {
                int start = 0;
                int end = length;
                if ((flags & PADDED) != 0) {
                    end -= frame[0] & 0xff;
                    start = 1;
                }
                if (id == stream) {
                    int n = end - start;
                    if (message.length < messageLength + n) {
                        message = Arrays.copyOf(message, Math.max(messageLength + n, message.length * 2));
                    }
                    System.arraycopy(frame, start, message, messageLength, n);
                    messageLength += n;
                }
                receivedSinceUpdate += length;
                if (receivedSinceUpdate > RECEIVE_WINDOW / 2) { // the streams' windows are never exhausted
                    out.write(windowUpdate(0, (int) receivedSinceUpdate));
                    out.flush();
                    receivedSinceUpdate = 0;
                }
                return id == stream && (flags & END_STREAM) != 0;
            }
            case HEADERS -> {
                return id == stream && (flags & END_STREAM) != 0;
            }
            case SETTINGS -> {
                if ((flags & ACK) == 0) {
                    byte[] ack = new byte[9];
                    header(ack, 0, 0, SETTINGS, ACK, 0);
                    out.write(ack);
                    out.flush();
                }
                return false;
            }
            case PING -> {
                if ((flags & ACK) == 0) {
                    byte[] pong = new byte[9 + 8];
                    header(pong, 0, 8, PING, ACK, 0);
                    System.arraycopy(frame, 0, pong, 9, 8);
                    out.write(pong);
                    out.flush();
                }
                return false;
            }
            case WINDOW_UPDATE -> {
                if (id == 0) {
                    sendWindow += getInt(frame, 0) & 0x7fffffff;
                }
                return false;
            }
            case RST_STREAM -> {
                if (id == stream) {
                    throw new IOException("the server reset the stream, error code " + getInt(frame, 0));
                }
                return false;
            }
            case GOAWAY -> throw new IOException("the server sent GOAWAY, error code " + getInt(frame, 4));
            default -> {
                return false; // PRIORITY, CONTINUATION of headers we do not read, unknown types
            }
        }
    }

    private static byte[] windowUpdate(int stream, int increment) {
        byte[] f = new byte[9 + 4];
        header(f, 0, 4, WINDOW_UPDATE, 0, stream);
        putInt(f, 9, increment);
        return f;
    }

    /** A literal header field without indexing whose name is static table entry {@code index}. */
    private static byte[] literal(int index, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        byte[] name = index < 15 ? new byte[] {(byte) index} : new byte[] {0x0f, (byte) (index - 15)};
        return concat(name, string(v));
    }

    /** A literal header field without indexing with a new name. */
    private static byte[] literalNewName(String name, String value) {
        return concat(
                new byte[] {0},
                string(name.getBytes(StandardCharsets.US_ASCII)),
                string(value.getBytes(StandardCharsets.US_ASCII)));
    }

    /** An HPACK string literal, not Huffman-coded (lengths below 127 only). */
    private static byte[] string(byte[] s) {
        if (s.length >= 127) {
            throw new IllegalArgumentException("header value too long for this client: " + s.length);
        }
        byte[] out = new byte[1 + s.length];
        out[0] = (byte) s.length;
        System.arraycopy(s, 0, out, 1, s.length);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static void header(byte[] b, int at, int length, int type, int flags, int stream) {
        b[at] = (byte) (length >>> 16);
        b[at + 1] = (byte) (length >>> 8);
        b[at + 2] = (byte) length;
        b[at + 3] = (byte) type;
        b[at + 4] = (byte) flags;
        putInt(b, at + 5, stream);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
