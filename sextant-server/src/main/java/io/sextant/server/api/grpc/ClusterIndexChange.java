package io.sextant.server.api.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Points;
import io.sextant.cluster.MetadataCommand;
import io.sextant.server.cluster.MetadataGate;
import java.util.function.Supplier;

/**
 * {@code Points/CreateFieldIndex}, {@code DeleteFieldIndex}, {@code CreateVectorName} and {@code
 * DeleteVectorName} in cluster mode: the command goes
 * through the metadata log ({@link MetadataGate}) and the applied result, REST's {@code
 * {"operation_id":…,"status":…}}, becomes the gRPC {@code UpdateResult}. Stateless.
 */
final class ClusterIndexChange {

    private ClusterIndexChange() {}

    static void submit(
            MetadataGate gate,
            String method,
            StreamObserver<Points.PointsOperationResponse> o,
            Supplier<MetadataCommand> command) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, method, () -> {
            JsonNode r = gate.submit(command.get());
            return Points.PointsOperationResponse.newBuilder()
                    .setResult(Points.UpdateResult.newBuilder()
                            .setOperationId(r.path("operation_id").asLong())
                            .setStatus(
                                    "completed".equals(r.path("status").asText())
                                            ? Points.UpdateStatus.Completed
                                            : Points.UpdateStatus.Acknowledged))
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }
}
