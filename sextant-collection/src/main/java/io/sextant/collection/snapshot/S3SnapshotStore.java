package io.sextant.collection.snapshot;

import io.sextant.segment.error.ServiceException;
import io.sextant.segment.error.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Snapshots in an S3 bucket (AWS SDK v2, synchronous client). Keys mirror {@link
 * LocalSnapshotStore}: {@code <prefix>/<scope>/<name>} plus a {@code <name>.checksum} object with
 * the SHA-256 hex, uploaded before the snapshot so a listed snapshot always has it. S3 makes an
 * object visible only when its upload completes, so partial snapshots are never listed. Files over
 * {@link #MULTIPART_THRESHOLD} are uploaded in parts (an aborted upload is cleaned up). Thread-safe
 * (the SDK client is).
 */
public final class S3SnapshotStore implements SnapshotStore, AutoCloseable {
    static final long MULTIPART_THRESHOLD = 64L << 20;
    static final int PART_SIZE = 32 << 20;

    private final S3Client s3;
    private final S3StoreConfig config;
    private final long multipartThreshold;
    private final int partSize;

    public S3SnapshotStore(S3StoreConfig config) {
        this(config, MULTIPART_THRESHOLD, PART_SIZE);
    }

    /** With other multipart settings (tests; S3 requires parts of at least 5 MiB but the last). */
    S3SnapshotStore(S3StoreConfig config, long multipartThreshold, int partSize) {
        this.config = config;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        this.s3 = newClient(config);
    }

    /** An S3 client for {@code config}: static or default credentials, path style for a custom endpoint. */
    public static S3Client newClient(S3StoreConfig config) {
        var b = S3Client.builder().region(Region.of(config.region()));
        if (config.accessKey() != null) {
            b.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKey(), config.secretKey())));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        if (config.endpointUrl() != null && !config.endpointUrl().isBlank()) {
            b.endpointOverride(URI.create(config.endpointUrl())).forcePathStyle(true);
        }
        return b.build();
    }

    private String key(String scope, String name) {
        SnapshotNames.validate(name);
        return dirKey(scope) + name;
    }

    private String dirKey(String scope) {
        if (scope.contains("..")) {
            throw UserException.badRequest("Wrong input: invalid snapshot scope " + scope);
        }
        String p = config.prefix().isEmpty() ? "" : config.prefix() + "/";
        return scope.isEmpty() ? p : p + scope + "/";
    }

    @Override
    public List<SnapshotDescription> list(String scope) {
        String dir = dirKey(scope);
        List<SnapshotDescription> out = new ArrayList<>();
        try {
            var pages = s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                    .bucket(config.bucket())
                    .prefix(dir)
                    .delimiter("/")
                    .build());
            for (S3Object o : pages.contents()) {
                String name = o.key().substring(dir.length());
                if (SnapshotNames.isSnapshot(name)) {
                    out.add(new SnapshotDescription(
                            name, time(name, o.lastModified()), o.size(), checksum(scope, name)));
                }
            }
        } catch (SdkException e) {
            throw failure("list " + dir, e);
        }
        out.sort(Comparator.comparing((SnapshotDescription x) -> x.creationTime() == null ? "" : x.creationTime())
                .thenComparing(SnapshotDescription::name));
        return out;
    }

    private static String time(String name, java.time.Instant modified) {
        String t = SnapshotNames.timeOf(name);
        return t != null || modified == null
                ? t
                : LocalDateTime.ofInstant(modified, ZoneOffset.UTC).format(SnapshotNames.CREATION_TIME);
    }

    private String checksum(String scope, String name) {
        try {
            return s3.getObjectAsBytes(
                            b -> b.bucket(config.bucket()).key(key(scope, name) + SnapshotNames.CHECKSUM_SUFFIX))
                    .asString(StandardCharsets.US_ASCII)
                    .trim();
        } catch (NoSuchKeyException e) {
            return null;
        } catch (SdkException e) {
            throw failure("read checksum of " + name, e);
        }
    }

    @Override
    public Optional<SnapshotDescription> describe(String scope, String name) {
        try {
            HeadObjectResponse h = s3.headObject(b -> b.bucket(config.bucket()).key(key(scope, name)));
            return Optional.of(new SnapshotDescription(
                    name, time(name, h.lastModified()), h.contentLength(), checksum(scope, name)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("describe " + name, e);
        } catch (SdkException e) {
            throw failure("describe " + name, e);
        }
    }

    @Override
    public SnapshotDescription put(String scope, String name, Path finishedFile, String sha256) {
        String key = key(scope, name);
        try {
            s3.putObject(
                    b -> b.bucket(config.bucket()).key(key + SnapshotNames.CHECKSUM_SUFFIX),
                    RequestBody.fromString(sha256, StandardCharsets.US_ASCII));
            long size = Files.size(finishedFile);
            if (size > multipartThreshold) {
                uploadInParts(key, finishedFile, size);
            } else {
                s3.putObject(b -> b.bucket(config.bucket()).key(key), RequestBody.fromFile(finishedFile));
            }
            Files.deleteIfExists(finishedFile);
        } catch (SdkException | IOException e) {
            throw failure("upload " + key, e);
        }
        return describe(scope, name)
                .orElseThrow(() -> new ServiceException("Snapshot " + key + " missing after upload"));
    }

    private void uploadInParts(String key, Path file, long size) throws IOException {
        String id = s3.createMultipartUpload(b -> b.bucket(config.bucket()).key(key))
                .uploadId();
        try (InputStream in = Files.newInputStream(file)) {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buf = new byte[partSize];
            int part = 1;
            for (long done = 0; done < size; part++) {
                int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, size - done));
                int partNumber = part;
                String etag = s3.uploadPart(
                                b -> b.bucket(config.bucket())
                                        .key(key)
                                        .uploadId(id)
                                        .partNumber(partNumber),
                                RequestBody.fromBytes(n == buf.length ? buf : java.util.Arrays.copyOf(buf, n)))
                        .eTag();
                parts.add(CompletedPart.builder()
                        .partNumber(partNumber)
                        .eTag(etag)
                        .build());
                done += n;
            }
            s3.completeMultipartUpload(b -> b.bucket(config.bucket())
                    .key(key)
                    .uploadId(id)
                    .multipartUpload(
                            CompletedMultipartUpload.builder().parts(parts).build()));
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(id));
            } catch (SdkException ignored) {
                // the bucket's lifecycle rules clean up what remains
            }
            throw e;
        }
    }

    @Override
    public InputStream open(String scope, String name) {
        try {
            return s3.getObject(b -> b.bucket(config.bucket()).key(key(scope, name)));
        } catch (NoSuchKeyException e) {
            throw LocalSnapshotStore.notFound(name);
        } catch (SdkException e) {
            throw failure("download " + name, e);
        }
    }

    @Override
    public Path localCopy(String scope, String name, Path scratch) {
        try (InputStream in = open(scope, name)) {
            Files.createDirectories(scratch.toAbsolutePath().getParent());
            Files.copy(in, scratch, StandardCopyOption.REPLACE_EXISTING);
            return scratch;
        } catch (IOException e) {
            throw new ServiceException("Failed to download snapshot " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String scope, String name) {
        if (describe(scope, name).isEmpty()) {
            return false;
        }
        String key = key(scope, name);
        try {
            s3.deleteObject(b -> b.bucket(config.bucket()).key(key));
            s3.deleteObject(b -> b.bucket(config.bucket()).key(key + SnapshotNames.CHECKSUM_SUFFIX));
            return true;
        } catch (SdkException e) {
            throw failure("delete " + key, e);
        }
    }

    @Override
    public String location() {
        return "s3://" + config.bucket() + "/" + config.prefix();
    }

    private ServiceException failure(String what, Exception e) {
        return new ServiceException(
                "S3 snapshot storage " + location() + ": failed to " + what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        s3.close();
    }
}
