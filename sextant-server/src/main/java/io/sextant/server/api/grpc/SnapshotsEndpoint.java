package io.sextant.server.api.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.SnapshotsGrpc;
import io.qdrant.client.grpc.SnapshotsService;
import io.sextant.collection.snapshot.SnapshotDescription;
import io.sextant.collection.snapshot.SnapshotService;
import io.sextant.segment.error.UserException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code qdrant.Snapshots}: create, list and delete collection and full snapshots through the
 * node's {@link SnapshotService} (the one the REST snapshot routes use). Deleting a snapshot that
 * does not exist is {@code NOT_FOUND}, as over REST. Thread-safe.
 */
final class SnapshotsEndpoint extends SnapshotsGrpc.SnapshotsImplBase {

    private final SnapshotService snapshots;

    SnapshotsEndpoint(SnapshotService snapshots) {
        this.snapshots = snapshots;
    }

    @Override
    public void create(
            SnapshotsService.CreateSnapshotRequest r, StreamObserver<SnapshotsService.CreateSnapshotResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Snapshots/Create", () -> created(snapshots.createCollection(r.getCollectionName()), t0));
    }

    @Override
    public void list(
            SnapshotsService.ListSnapshotsRequest r, StreamObserver<SnapshotsService.ListSnapshotsResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Snapshots/List", () -> listed(snapshots.listCollection(r.getCollectionName()), t0));
    }

    @Override
    public void delete(
            SnapshotsService.DeleteSnapshotRequest r, StreamObserver<SnapshotsService.DeleteSnapshotResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Snapshots/Delete", () -> {
            if (!snapshots.deleteCollection(r.getCollectionName(), r.getSnapshotName())) {
                throw notFound(r.getSnapshotName());
            }
            return SnapshotsService.DeleteSnapshotResponse.newBuilder()
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    @Override
    public void createFull(
            SnapshotsService.CreateFullSnapshotRequest r, StreamObserver<SnapshotsService.CreateSnapshotResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Snapshots/CreateFull", () -> created(snapshots.createFull(), t0));
    }

    @Override
    public void listFull(
            SnapshotsService.ListFullSnapshotsRequest r, StreamObserver<SnapshotsService.ListSnapshotsResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Snapshots/ListFull", () -> listed(snapshots.listFull(), t0));
    }

    @Override
    public void deleteFull(
            SnapshotsService.DeleteFullSnapshotRequest r, StreamObserver<SnapshotsService.DeleteSnapshotResponse> o) {
        long t0 = System.nanoTime();
        UnaryCalls.run(o, "Snapshots/DeleteFull", () -> {
            if (!snapshots.deleteFull(r.getSnapshotName())) {
                throw notFound(r.getSnapshotName());
            }
            return SnapshotsService.DeleteSnapshotResponse.newBuilder()
                    .setTime(UnaryCalls.seconds(t0))
                    .build();
        });
    }

    private static UserException notFound(String name) {
        return UserException.notFound("Not found: Snapshot " + name + " not found");
    }

    private static SnapshotsService.CreateSnapshotResponse created(SnapshotDescription d, long t0) {
        return SnapshotsService.CreateSnapshotResponse.newBuilder()
                .setSnapshotDescription(description(d))
                .setTime(UnaryCalls.seconds(t0))
                .build();
    }

    private static SnapshotsService.ListSnapshotsResponse listed(List<SnapshotDescription> list, long t0) {
        SnapshotsService.ListSnapshotsResponse.Builder b = SnapshotsService.ListSnapshotsResponse.newBuilder();
        list.forEach(d -> b.addSnapshotDescriptions(description(d)));
        return b.setTime(UnaryCalls.seconds(t0)).build();
    }

    private static SnapshotsService.SnapshotDescription description(SnapshotDescription d) {
        SnapshotsService.SnapshotDescription.Builder b = SnapshotsService.SnapshotDescription.newBuilder()
                .setName(d.name())
                .setSize(d.size());
        if (d.checksum() != null) {
            b.setChecksum(d.checksum());
        }
        if (d.creationTime() != null) {
            try {
                long secs = LocalDateTime.parse(d.creationTime()).toEpochSecond(ZoneOffset.UTC);
                b.setCreationTime(Timestamp.newBuilder().setSeconds(secs));
            } catch (DateTimeParseException e) {
                // an unparseable time is left out rather than failing the listing
            }
        }
        return b.build();
    }
}
