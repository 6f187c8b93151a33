package io.sextant.cluster.shard;

import io.sextant.segment.codec.BinaryReader;
import io.sextant.segment.codec.BinaryWriter;
import io.sextant.shard.Shard;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.Status;

/**
 * One {@link Shard} method as a unary call of the internal gRPC service {@value #SERVICE}: its
 * name, how its request and response are encoded, and how the serving peer invokes it on a local
 * shard. gRPC carries the messages as raw bytes (no protobuf); the method name says which call it
 * is. The {@link ShardCalls} constants are the calls there are.
 *
 * <p>Messages, big-endian ({@code str} as in {@link BinaryWriter}):
 *
 * <pre>
 * request   u8 version = 1, str collection name, u32 shard id, request body of the call
 * response  u8 version = 1, response body of the call
 * </pre>
 *
 * The bodies are listed in {@link ShardCalls}. A peer answers a request of a version it does not
 * know with an internal error; a new version gets a new number and old layouts never change within
 * a version. Errors travel as gRPC statuses ({@link ShardCallErrors}), not in the response bytes.
 * Immutable and thread-safe.
 *
 * @param <Q> the request body
 * @param <A> the response body
 */
public final class ShardCall<Q, A> {
    /** Full name of the internal gRPC service. */
    public static final String SERVICE = "sextant.internal.Shard";
    /** Version byte of requests and responses. */
    public static final int VERSION = 1;

    /** Which configured deadline applies to a call. */
    public enum Deadline {
        UPDATE,
        SEARCH,
        READ
    }

    /** A decoded request: which shard and the body. */
    public record Addressed<Q>(String collection, int shardId, Q body) {}

    private final String name;
    private final Deadline deadline;
    private final BiConsumer<BinaryWriter, Q> writeRequest;
    private final Function<BinaryReader, Q> readRequest;
    private final BiConsumer<BinaryWriter, A> writeResponse;
    private final Function<BinaryReader, A> readResponse;
    private final BiFunction<Shard, Q, A> invoke;
    private final MethodDescriptor<byte[], byte[]> method;

    ShardCall(
            String name,
            Deadline deadline,
            BiConsumer<BinaryWriter, Q> writeRequest,
            Function<BinaryReader, Q> readRequest,
            BiConsumer<BinaryWriter, A> writeResponse,
            Function<BinaryReader, A> readResponse,
            BiFunction<Shard, Q, A> invoke) {
        this.name = name;
        this.deadline = deadline;
        this.writeRequest = writeRequest;
        this.readRequest = readRequest;
        this.writeResponse = writeResponse;
        this.readResponse = readResponse;
        this.invoke = invoke;
        this.method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(RawBytes.INSTANCE)
                .setResponseMarshaller(RawBytes.INSTANCE)
                .build();
    }

    /** The gRPC method name, e.g. {@code Search}. */
    public String name() {
        return name;
    }

    public Deadline deadline() {
        return deadline;
    }

    /** The gRPC method, raw bytes both ways. */
    public MethodDescriptor<byte[], byte[]> method() {
        return method;
    }

    public byte[] encodeRequest(String collection, int shardId, Q body) {
        BinaryWriter w = new BinaryWriter().u8(VERSION).str(collection).i32(shardId);
        writeRequest.accept(w, body);
        return w.toByteArray();
    }

    /** @throws io.sextant.segment.codec.CorruptEncodingException when the bytes are not a request of this call */
    public Addressed<Q> decodeRequest(byte[] bytes) {
        return BinaryReader.decode(bytes, name + " request", r -> {
            r.expectVersion(VERSION);
            String collection = r.str();
            int shardId = r.i32();
            return new Addressed<>(collection, shardId, readRequest.apply(r));
        });
    }

    public byte[] encodeResponse(A body) {
        BinaryWriter w = new BinaryWriter().u8(VERSION);
        writeResponse.accept(w, body);
        return w.toByteArray();
    }

    /** @throws io.sextant.segment.codec.CorruptEncodingException when the bytes are not a response of this call */
    public A decodeResponse(byte[] bytes) {
        return BinaryReader.decode(bytes, name + " response", r -> {
            r.expectVersion(VERSION);
            return readResponse.apply(r);
        });
    }

    /** Runs the call on a local shard (the serving side). */
    public A invoke(Shard shard, Q body) {
        return invoke.apply(shard, body);
    }

    @Override
    public String toString() {
        return SERVICE + "/" + name;
    }

    /** gRPC marshaller that passes the message bytes through unchanged. */
    private enum RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw Status.INTERNAL
                        .withDescription("Cannot read an internal shard message: " + e.getMessage())
                        .withCause(e)
                        .asRuntimeException();
            }
        }
    }
}
