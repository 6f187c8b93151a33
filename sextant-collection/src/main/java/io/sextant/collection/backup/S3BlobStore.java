package io.sextant.collection.backup;

import io.sextant.collection.snapshot.S3SnapshotStore;
import io.sextant.collection.snapshot.S3StoreConfig;
import io.sextant.segment.error.ServiceException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link BlobStore} in an S3 bucket: key {@code a/b} is object {@code <prefix>/a/b}. S3 makes an
 * object visible only when its upload completes, so partial objects are never seen. One PUT per
 * object (blobs are chunks of at most a few MiB). Thread-safe (the SDK client is).
 */
public final class S3BlobStore implements BlobStore {
    private final S3Client s3;
    private final S3StoreConfig config;

    public S3BlobStore(S3StoreConfig config) {
        this.config = config;
        this.s3 = S3SnapshotStore.newClient(config);
    }

    private String objectKey(String key) {
        BlobStore.checkKey(key);
        return config.prefix().isEmpty() ? key : config.prefix() + "/" + key;
    }

    @Override
    public boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(config.bucket()).key(objectKey(key)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failure("check " + key, e);
        } catch (SdkException e) {
            throw failure("check " + key, e);
        }
    }

    @Override
    public void putBytes(String key, byte[] content) {
        try {
            s3.putObject(b -> b.bucket(config.bucket()).key(objectKey(key)), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failure("upload " + key, e);
        }
    }

    @Override
    public InputStream open(String key) {
        try {
            return s3.getObject(b -> b.bucket(config.bucket()).key(objectKey(key)));
        } catch (NoSuchKeyException e) {
            return null;
        } catch (SdkException e) {
            throw failure("download " + key, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(config.bucket()).key(objectKey(key)));
        } catch (SdkException e) {
            throw failure("delete " + key, e);
        }
    }

    @Override
    public List<Entry> list(String prefix) {
        String base = config.prefix().isEmpty() ? "" : config.prefix() + "/";
        List<Entry> out = new ArrayList<>();
        try {
            var pages = s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                    .bucket(config.bucket())
                    .prefix(base + prefix)
                    .build());
            for (S3Object o : pages.contents()) {
                out.add(new Entry(o.key().substring(base.length()), o.size()));
            }
        } catch (SdkException e) {
            throw failure("list " + prefix, e);
        }
        out.sort(java.util.Comparator.comparing(Entry::key));
        return out;
    }

    @Override
    public String location() {
        return "s3://" + config.bucket() + "/" + config.prefix();
    }

    private ServiceException failure(String what, Exception e) {
        return new ServiceException(
                "S3 backup target " + location() + ": failed to " + what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        s3.close();
    }
}
