package io.sextant.collection.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.AliasOperation;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.error.UserException;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.ops.PointsSelector;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.shard.snapshot.SnapshotTarReader;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Collection, shard and full snapshots over real LocalShards: round trips and bad input. */
class SnapshotServiceTest {
    @TempDir
    Path tmp;

    TableOfContents toc;
    SnapshotService service;
    Path snapshots;
    final long seed = System.nanoTime();

    @BeforeEach
    void open() {
        snapshots = tmp.resolve("snapshots");
        toc = TableOfContents.open(tmp.resolve("storage"), LocalShard::open);
        service = new SnapshotService(toc, new LocalSnapshotStore(snapshots), snapshots, null, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        toc.close();
    }

    static CollectionConfig config(int shards) {
        return CollectionConfig.of(
                CollectionParams.single(VectorParams.of(4, Distance.DOT)).withShardNumber(shards));
    }

    Collection filled(String name, int shards, int n) {
        Collection c = toc.create(name, config(shards));
        Random rnd = new Random(seed);
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = {rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat(), i};
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i),
                    Map.of("", v),
                    JsonNodeFactory.instance.objectNode().put("i", i).put("tag", "t" + (i % 7))));
        }
        c.update(new PointOperation.Upsert(pts), true);
        c.update(new PointOperation.CreateFieldIndex("i", PayloadIndexSpec.of(PayloadSchemaType.INTEGER)), true);
        c.update(new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(1), PointId.of(2)))), true);
        return c;
    }

    static List<PointRecord> all(Collection c, int n) {
        List<PointId> ids = LongStream.range(0, n).mapToObj(PointId::of).toList();
        return c.retrieve(ids, PayloadSelector.ALL, VectorSelector.ALL);
    }

    static void assertSame(List<PointRecord> a, List<PointRecord> b) {
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).id()).isEqualTo(a.get(i).id());
            assertThat(b.get(i).payload()).isEqualTo(a.get(i).payload());
            assertThat(b.get(i).vectors().get("")).isEqualTo(a.get(i).vectors().get(""));
        }
    }

    @Test
    void customShardedCollectionSnapshotKeepsItsShardKeys() {
        toc.create(
                "tenants",
                CollectionConfig.of(CollectionParams.single(VectorParams.of(4, Distance.DOT))
                        .withCustomSharding(true)));
        io.sextant.collection.ShardKey a = io.sextant.collection.ShardKey.of("a");
        io.sextant.collection.ShardKey b = io.sextant.collection.ShardKey.of(9);
        toc.createShardKey("tenants", a, 1);
        toc.createShardKey("tenants", b, 2);
        toc.dropShardKey("tenants", a); // shard ids 1 and 2 remain: not 0..n-1
        Collection c = toc.get("tenants");
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i), Map.of("", new float[] {i, 1, 0, 0}), JsonNodeFactory.instance.objectNode()));
        }
        c.scoped(List.of(b)).update(new PointOperation.Upsert(pts), true);

        SnapshotDescription d = service.createCollection("tenants");
        Path file = snapshots.resolve("tenants").resolve(d.name());
        service.recoverCollection(
                "copy", new RecoverRequest(file.toUri().toString(), SnapshotPriority.SNAPSHOT, d.checksum(), null));
        Collection copy = toc.get("copy");
        assertThat(copy.customSharding()).isTrue();
        assertThat(copy.shardKeys()).containsExactly(Map.entry(b, List.of(1, 2)));
        assertThat(copy.scoped(List.of(b)).count(Filter.ALL, true)).isEqualTo(40);
        assertThat(copy.shard(1).count(Filter.ALL, true)).isPositive();
        assertThat(copy.shard(2).count(Filter.ALL, true)).isPositive();
    }

    @Test
    void collectionSnapshotRestoresIntoNewNameAndInPlace() throws IOException {
        Collection c = filled("books", 2, 300);
        toc.updateAliases(List.of(new AliasOperation.Create("books", "library")));
        List<PointRecord> before = all(c, 300);

        SnapshotDescription d = service.createCollection("library");
        assertThat(d.name())
                .as("seed %d", seed)
                .matches("books-\\d+-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}\\.snapshot");
        Path file = snapshots.resolve("books").resolve(d.name());
        assertThat(file).exists();
        assertThat(d.checksum()).isEqualTo(SnapshotTarReader.sha256(file));
        assertThat(Files.readString(snapshots.resolve("books").resolve(d.name() + ".checksum")))
                .isEqualTo(d.checksum());
        assertThat(d.size()).isEqualTo(file.toFile().length());
        assertThat(d.creationTime()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
        assertThat(service.listCollection("books")).containsExactly(d);
        assertThat(stagingLeftovers()).isEmpty();

        RecoverRequest req = new RecoverRequest(file.toUri().toString(), SnapshotPriority.SNAPSHOT, d.checksum(), null);
        SnapshotRestorer.Restored r = service.recoverCollection("copy", req);
        assertThat(r.expectedPoints()).isEqualTo(298);
        Collection copy = toc.get("copy");
        assertThat(copy.count(Filter.ALL, true)).isEqualTo(298);
        assertThat(copy.config().params().shardNumber()).isEqualTo(2);
        assertThat(copy.info().payloadSchema()).containsKey("i");
        assertSame(before, all(copy, 300));

        // change the original, then recover it in place: the snapshot's state comes back
        c.update(new PointOperation.Delete(new PointsSelector.Ids(List.of(PointId.of(10)))), true);
        c.update(
                new PointOperation.Upsert(List.of(
                        new PointOperation.PointStruct(PointId.of(1000), Map.of("", new float[] {1, 1, 1, 1}), null))),
                true);
        service.recoverCollection("books", req);
        Collection restored = toc.get("library");
        assertThat(restored.name()).isEqualTo("books");
        assertSame(before, all(restored, 300));
        assertThat(restored.count(Filter.ALL, true)).isEqualTo(298);

        assertThat(service.deleteCollection("books", d.name())).isTrue();
        assertThat(file).doesNotExist();
        assertThat(snapshots.resolve("books").resolve(d.name() + ".checksum")).doesNotExist();
        assertThatThrownBy(() -> service.deleteCollection("books", d.name()))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void shardAndFullSnapshots() {
        Collection c = filled("s", 2, 100);
        List<PointRecord> before = all(c, 100);
        filled("other", 1, 10);
        toc.updateAliases(List.of(new AliasOperation.Create("other", "o")));
        SnapshotDescription perCollection = service.createCollection("s");

        SnapshotDescription shard = service.createShard("s", 1);
        assertThat(service.listShard("s", 1)).containsExactly(shard);
        long shard1 = c.shards().get(1).count(Filter.ALL, true);
        c.update(new PointOperation.Delete(new PointsSelector.ByFilter(Filter.ALL)), true);
        assertThat(c.count(Filter.ALL, true)).isZero();
        Path f = snapshots.resolve("s/shards/1").resolve(shard.name());
        service.recoverShard("s", 1, new RecoverRequest(f.toUri().toString(), SnapshotPriority.REPLICA, null, null));
        assertThat(toc.get("s").count(Filter.ALL, true)).isEqualTo(shard1);

        SnapshotDescription full = service.createFull();
        assertThat(full.name()).startsWith("full-snapshot-");
        assertThat(service.listFull()).containsExactly(full);
        assertThat(service.listCollection("s")).containsExactly(perCollection); // untouched by the full one

        toc.delete("s");
        toc.delete("other");
        List<SnapshotRestorer.Restored> restored = SnapshotRestorer.restoreFull(toc, snapshots.resolve(full.name()));
        assertThat(restored).extracting(SnapshotRestorer.Restored::collection).containsExactly("other", "s");
        assertThat(toc.get("o").count(Filter.ALL, true)).isEqualTo(8);
        assertThat(toc.get("s").count(Filter.ALL, true)).isEqualTo(shard1);
        service.recoverCollection(
                "s",
                new RecoverRequest(
                        snapshots
                                .resolve("s")
                                .resolve(perCollection.name())
                                .toUri()
                                .toString(),
                        null,
                        null,
                        null));
        assertSame(before, all(toc.get("s"), 100));
    }

    @Test
    void badInputIsRejectedAndLeavesTheCollectionIntact() throws IOException {
        Collection c = filled("live", 1, 50);
        List<PointRecord> before = all(c, 50);
        SnapshotDescription d = service.createCollection("live");
        Path good = snapshots.resolve("live").resolve(d.name());
        byte[] bytes = Files.readAllBytes(good);

        // wrong checksum
        assertBad(
                () -> service.recoverCollection(
                        "live", new RecoverRequest(good.toUri().toString(), null, "0".repeat(64), null)),
                "checksum mismatch");
        // truncated file (its sidecar no longer matches; without the sidecar the tar is truncated)
        Path truncated = snapshots.resolve("truncated.snapshot");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertBad(() -> service.recoverCollection("live", req(truncated)), "truncated");
        // foreign files: random bytes, a tar without our manifest
        Path foreign = snapshots.resolve("foreign.snapshot");
        byte[] junk = new byte[4096];
        new Random(seed).nextBytes(junk);
        Files.write(foreign, junk);
        assertBad(() -> service.recoverCollection("live", req(foreign)), "not a");
        Path otherTar = snapshots.resolve("other.snapshot");
        try (var w = io.sextant.shard.snapshot.SnapshotTarWriter.create(otherTar)) {
            w.addBytes("segments/seg.tar", new byte[10]);
            w.finish();
        }
        assertBad(() -> service.recoverCollection("live", req(otherTar)), "not a Sextant snapshot");
        // a corrupted byte inside a good snapshot is caught by its sidecar
        bytes[bytes.length / 3] ^= 0x5a;
        Files.write(good, bytes);
        assertBad(() -> service.recoverCollection("live", req(good)), "sidecar");
        // outside the snapshots directory, unknown scheme, URL recovery disabled for remote hosts
        assertThatThrownBy(() -> service.recoverCollection(
                        "live", new RecoverRequest(tmp.toUri().toString(), null, null, null)))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.FORBIDDEN))
                .hasMessageStartingWith("Forbidden: Snapshot file path must be inside the snapshots directory");
        // a link inside the snapshots directory to a file outside it is outside too
        Path outside = Files.writeString(tmp.resolve("outside.snapshot"), "x");
        Path link = Files.createSymbolicLink(snapshots.resolve("link.snapshot"), outside);
        assertThatThrownBy(() -> service.recoverCollection("live", req(link)))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.FORBIDDEN));
        Files.delete(link);
        // Qdrant's file URI rules: absolute or on localhost, and the file must exist
        assertBad(
                () -> service.recoverCollection(
                        "live", new RecoverRequest("file://elsewhere/a.snapshot", null, null, null)),
                "Invalid snapshot URI, file path must be absolute or on localhost");
        assertBad(
                () -> service.recoverCollection(
                        "live", new RecoverRequest("file://localhost/nope/a.snapshot", null, null, null)),
                "Snapshot file \"/nope/a.snapshot\" does not exist");
        assertBad(
                () -> service.recoverCollection("live", new RecoverRequest("ftp://x/y", null, null, null)),
                "file:// or http");
        assertThatThrownBy(() -> service.recoverCollection(
                        "live", new RecoverRequest("http://example.com/a.snapshot", null, null, null)))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.FORBIDDEN))
                .hasMessageContaining("enable_snapshot_url_recovery");
        assertThatThrownBy(() -> SnapshotPriority.parse("sometimes", SnapshotPriority.SNAPSHOT))
                .hasMessageContaining("unknown snapshot priority");
        assertThatThrownBy(() -> service.openCollection("live", "../../etc/passwd"))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.NOT_FOUND))
                .hasMessageContaining("invalid snapshot name");
        assertThatThrownBy(() -> service.deleteFull("/etc/passwd"))
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.NOT_FOUND));

        assertSame(before, all(toc.get("live"), 50));
        assertThat(stagingLeftovers()).isEmpty();
        assertThat(Files.list(tmp.resolve("storage/collections"))
                        .map(p -> p.getFileName().toString()))
                .containsExactly("live");
    }

    private RecoverRequest req(Path p) {
        return new RecoverRequest(p.toUri().toString(), null, null, null);
    }

    private void assertBad(Runnable r, String message) {
        assertThatThrownBy(r::run)
                .as("seed %d", seed)
                .isInstanceOfSatisfying(
                        UserException.class, e -> assertThat(e.kind()).isEqualTo(UserException.Kind.BAD_REQUEST))
                .hasMessageContaining(message);
    }

    private List<Path> stagingLeftovers() {
        Path staging = snapshots.resolve(SnapshotService.STAGING_DIR);
        if (!Files.exists(staging)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(staging)) {
            return s.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
