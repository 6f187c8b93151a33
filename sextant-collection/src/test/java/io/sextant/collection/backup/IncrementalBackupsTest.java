package io.sextant.collection.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.collection.Collection;
import io.sextant.collection.TableOfContents;
import io.sextant.collection.config.CollectionConfig;
import io.sextant.collection.config.CollectionParams;
import io.sextant.collection.config.VectorParams;
import io.sextant.segment.PointId;
import io.sextant.segment.error.ServiceException;
import io.sextant.segment.filter.Condition;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.filter.Match;
import io.sextant.segment.index.PayloadIndexSpec;
import io.sextant.segment.index.PayloadSchemaType;
import io.sextant.segment.ops.PointOperation;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.PointRecord;
import io.sextant.segment.query.VectorSelector;
import io.sextant.shard.LocalShard;
import io.sextant.vector.Distance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content-addressed incremental backups over real LocalShards and a local target: dedup of
 * unchanged files, restore equality, damaged blobs, retention sweep.
 */
class IncrementalBackupsTest {
    @TempDir
    Path tmp;

    TableOfContents toc;
    IncrementalBackups backups;
    final long seed = System.nanoTime();

    @BeforeEach
    void open() {
        toc = TableOfContents.open(tmp.resolve("storage"), LocalShard::open);
        backups = new IncrementalBackups(new LocalBlobStore(tmp.resolve("target")), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        toc.close();
    }

    static Collection filled(TableOfContents toc, String name, int n, long seed) {
        Collection c = toc.create(
                name,
                CollectionConfig.of(CollectionParams.single(VectorParams.of(4, Distance.DOT))
                        .withShardNumber(2)));
        c.update(new PointOperation.CreateFieldIndex("tag", PayloadIndexSpec.of(PayloadSchemaType.KEYWORD)), true);
        upsert(c, 0, n, seed, "v1");
        return c;
    }

    static void upsert(Collection c, int from, int to, long seed, String rev) {
        Random rnd = new Random(seed + from);
        List<PointOperation.PointStruct> pts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pts.add(new PointOperation.PointStruct(
                    PointId.of(i),
                    Map.of("", new float[] {rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat(), i}),
                    JsonNodeFactory.instance
                            .objectNode()
                            .put("tag", "t" + (i % 5))
                            .put("rev", rev)));
        }
        c.update(new PointOperation.Upsert(pts), true);
    }

    static List<PointRecord> all(Collection c, int n) {
        return c.retrieve(
                LongStream.range(0, n).mapToObj(PointId::of).toList(), PayloadSelector.ALL, VectorSelector.ALL);
    }

    static void assertSamePoints(Collection a, Collection b, int n) {
        List<PointRecord> x = all(a, n);
        List<PointRecord> y = all(b, n);
        assertThat(y).hasSameSizeAs(x);
        for (int i = 0; i < x.size(); i++) {
            assertThat(y.get(i).id()).isEqualTo(x.get(i).id());
            assertThat(y.get(i).payload()).isEqualTo(x.get(i).payload());
            assertThat(y.get(i).vectors().get("")).isEqualTo(x.get(i).vectors().get(""));
        }
        assertThat(b.payloadSchema()).isEqualTo(a.payloadSchema());
        Filter t1 = Filter.must(new Condition.MatchCondition("tag", new Match.Value("t1")));
        assertThat(b.count(t1, true)).isEqualTo(a.count(t1, true));
    }

    private Set<String> blobs() {
        Set<String> out = new HashSet<>();
        backups.store().list(IncrementalBackups.BLOBS).forEach(e -> out.add(e.key()));
        return out;
    }

    @Test
    void secondBackupUploadsOnlyNewBlobsAndEveryBackupRestoresOnItsOwn() {
        Collection c = filled(toc, "books", 400, seed);
        IncrementalBackups.Created first = backups.create(c, tmp.resolve("w1"));
        assertThat(first.newBlobs()).isEqualTo(blobs().size());
        assertThat(first.newBytes()).isPositive();
        List<PointRecord> atFirst = all(c, 400);

        IncrementalBackups.Created same = backups.create(c, tmp.resolve("w2"));
        assertThat(same.newBlobs()).as("nothing changed: nothing uploaded").isZero();
        assertThat(same.newBytes()).isZero();

        upsert(c, 0, 4, seed + 1, "v2"); // 1 %
        Set<String> before = blobs();
        IncrementalBackups.Created third = backups.create(c, tmp.resolve("w3"));
        assertThat(third.newBlobs()).isPositive();
        assertThat(third.newBytes()).isLessThan(first.newBytes());
        Set<String> added = blobs();
        added.removeAll(before);
        assertThat(added).hasSize(third.newBlobs());
        assertThat(backups.list("books")).hasSize(3);

        backups.restore(toc, "from_third", "books", third.description().name());
        assertSamePoints(c, toc.get("from_third"), 400);
        backups.restore(toc, "from_first", "books", first.description().name());
        List<PointRecord> restoredFirst = all(toc.get("from_first"), 400);
        assertThat(restoredFirst.get(0).payload().get("rev").asText()).isEqualTo("v1");
        assertThat(restoredFirst).hasSameSizeAs(atFirst);
        assertThat(toc.get("from_first").shardIds()).containsExactly(0, 1);
    }

    @Test
    void aFileThatOnlyGrewSharesTheChunksOfItsEarlierPrefix() {
        IncrementalBackups small =
                new IncrementalBackups(new LocalBlobStore(tmp.resolve("small")), Clock.systemUTC(), 4096);
        Collection c = filled(toc, "books", 200, seed);
        IncrementalBackups.Created first = small.create(c, tmp.resolve("w1"));
        upsert(c, 0, 40, seed + 1, "v2");
        IncrementalBackups.Created second = small.create(c, tmp.resolve("w2"));
        int compared = 0;
        for (BackupManifest.FileRef a : first.manifest().files()) {
            for (BackupManifest.FileRef b : second.manifest().files()) {
                if (a.path().equals(b.path()) && a.path().contains("/wal/") && b.size() > a.size()) {
                    int full = (int) (a.size() / 4096);
                    assertThat(full).as("the WAL had full chunks").isPositive();
                    assertThat(b.chunks().subList(0, full)).isEqualTo(a.chunks().subList(0, full));
                    compared++;
                }
            }
        }
        assertThat(compared).as("a WAL file grew between the backups").isPositive();
        assertThat(second.newBytes())
                .as("far less than the files")
                .isLessThan(second.manifest().bytes() / 4);
        small.restore(toc, "copy", "books", second.description().name());
        assertSamePoints(c, toc.get("copy"), 200);
    }

    @Test
    void missingOrCorruptBlobFailsTheRestoreClearlyAndChangesNothing() throws Exception {
        Collection c = filled(toc, "books", 300, seed);
        IncrementalBackups.Created b = backups.create(c, tmp.resolve("w1"));
        List<BackupManifest.FileRef> files = b.manifest().files();
        BackupManifest.FileRef victim = files.stream()
                .filter(f -> f.path().startsWith("shards/1/") && f.size() > 64)
                .filter(f -> files.stream()
                                .filter(g -> g.chunks().equals(f.chunks()))
                                .count()
                        == 1)
                .findFirst()
                .orElseThrow();
        String sha = victim.chunks().getFirst();
        Path blob = tmp.resolve("target").resolve(IncrementalBackups.blobKey(sha));
        byte[] good = Files.readAllBytes(blob);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(blob, bad);
        String name = b.description().name();
        assertThatThrownBy(() -> backups.restore(toc, "copy", "books", name))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("is damaged")
                .hasMessageContaining(sha)
                .hasMessageContaining(victim.path())
                .hasMessageContaining("corrupt");
        Files.write(blob, java.util.Arrays.copyOf(good, good.length - 1)); // truncated
        assertThatThrownBy(() -> backups.restore(toc, "copy", "books", name))
                .hasMessageContaining("corrupt")
                .hasMessageContaining(
                        "expected " + victim.chunkLength(0, b.manifest().chunkSize()));
        Files.delete(blob);
        assertThatThrownBy(() -> backups.restore(toc, "copy", "books", name))
                .isInstanceOf(ServiceException.class)
                .hasMessageContaining("is missing from")
                .hasMessageContaining(sha);
        // an existing collection of that name is left as it was
        assertThatThrownBy(() -> backups.restore(toc, "books", "books", name)).hasMessageContaining("missing");
        assertThat(toc.get("books").count(Filter.ALL, true)).isEqualTo(300);
        assertThat(toc.list()).containsExactly("books");
        Files.write(blob, good);
        backups.restore(toc, "copy", "books", name);
        assertSamePoints(c, toc.get("copy"), 300);
    }

    @Test
    void retentionSweepDeletesOnlyBlobsNoKeptManifestNames() {
        Collection c = filled(toc, "books", 300, seed);
        IncrementalBackups.Created first = backups.create(c, tmp.resolve("w1"));
        upsert(c, 0, 3, seed + 1, "v2");
        IncrementalBackups.Created second = backups.create(c, tmp.resolve("w2"));
        Set<String> shared = new HashSet<>();
        first.manifest().files().forEach(f -> shared.addAll(f.chunks()));
        Set<String> secondOnly = new HashSet<>();
        second.manifest().files().forEach(f -> secondOnly.addAll(f.chunks()));
        shared.retainAll(secondOnly);
        assertThat(shared).as("unchanged files are shared").isNotEmpty();

        IncrementalBackups.Swept swept =
                backups.delete("books", List.of(first.description().name()));
        assertThat(swept.manifests()).isEqualTo(1);
        assertThat(swept.deletedBlobs()).as("blobs only the first backup named").isPositive();
        Set<String> left = new HashSet<>();
        blobs().forEach(k -> left.add(k.substring(k.lastIndexOf('/') + 1)));
        assertThat(left).isEqualTo(secondOnly);
        assertThat(backups.list("books"))
                .extracting(d -> d.name())
                .containsExactly(second.description().name());
        backups.restore(toc, "copy", "books", second.description().name());
        assertSamePoints(c, toc.get("copy"), 300);

        // an orphan blob (a crash between upload and manifest) goes at the next sweep
        backups.store().putBytes(IncrementalBackups.blobKey("ab".repeat(32)), new byte[] {1});
        assertThat(backups.sweep().deletedBlobs()).isEqualTo(1);
        // a damaged manifest stops the sweep before anything is deleted
        backups.store().putBytes(IncrementalBackups.MANIFESTS + "books/x-2024-01-01-00-00-00-000-1.backup", new byte[] {
            'S', 'X', 'I', 'B', 0, 0, 0, 0
        });
        int n = blobs().size();
        assertThatThrownBy(backups::sweep).hasMessageContaining("corrupt");
        assertThat(blobs()).hasSize(n);
    }
}
