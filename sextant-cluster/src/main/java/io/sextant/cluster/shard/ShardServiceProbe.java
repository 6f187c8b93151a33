package io.sextant.cluster.shard;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.thirdparty.io.grpc.CallOptions;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.StatusRuntimeException;
import org.apache.ratis.thirdparty.io.grpc.stub.ClientCalls;

/**
 * A cheap liveness probe of another peer's internal shard service: the call {@code Ping} (request
 * body empty, addressed to collection {@code ""} shard 0, response body empty), answered by the
 * service's executor without touching a shard, with a short deadline. It tells whether the peer's
 * shard service takes and answers calls, which Raft's heartbeats do not (they run on Ratis's own
 * threads). An older peer that does not know {@code Ping} answers {@code UNIMPLEMENTED}, which
 * counts as an answer. Thread-safe.
 */
public final class ShardServiceProbe {
    private final PeerChannels channels;
    private final Duration deadline;

    /** @param deadline how long one probe may take before it counts as unanswered */
    public ShardServiceProbe(PeerChannels channels, Duration deadline) {
        this.channels = channels;
        this.deadline = deadline;
    }

    /** Whether the shard service at {@code address} ({@code host:port}) answered within the deadline. */
    public boolean answers(String address) {
        if (address == null) {
            return false;
        }
        try {
            ClientCalls.blockingUnaryCall(
                    channels.channel(address),
                    ShardCalls.PING.method(),
                    CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS),
                    ShardCalls.PING.encodeRequest("", 0, null));
            return true;
        } catch (StatusRuntimeException e) {
            channels.failed(address, e.getStatus().getCode());
            return e.getStatus().getCode() == Status.Code.UNIMPLEMENTED;
        } catch (RuntimeException e) { // closed channels
            return false;
        }
    }
}
