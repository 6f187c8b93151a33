package io.sextant.collection.snapshot;

/**
 * {@code storage.snapshots_config.s3_config} (Qdrant's keys) or a backup target's S3 settings.
 * Access and secret key may be null: the AWS default credential chain (environment, profile,
 * instance role) is used then. {@code endpointUrl} points at an S3-compatible service (MinIO,
 * S3Mock, ...) and switches to path-style access. Immutable.
 *
 * @param prefix key prefix under which snapshots are stored ("" for the bucket root)
 */
public record S3StoreConfig(
        String bucket, String region, String accessKey, String secretKey, String endpointUrl, String prefix) {
    public S3StoreConfig {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("s3_config.bucket is required, got '" + bucket + "'");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("s3_config needs both access_key and secret_key, or neither");
        }
        region = region == null || region.isBlank() ? "us-east-1" : region;
        prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    }

    @Override
    public String toString() { // never print the secret
        return "S3StoreConfig[bucket=" + bucket + ", region=" + region + ", endpoint=" + endpointUrl + ", prefix="
                + prefix + ", static credentials=" + (accessKey != null) + "]";
    }
}
