package com.imagegate.generation;

import java.net.URI;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where generated images are kept.
 *
 * @param type {@code filesystem} (default) or {@code s3}
 * @param filesystem the local folder
 * @param s3 an S3-compatible bucket
 * @param urlTtl how long a signed image link stays valid (a new task GET gives fresh links)
 * @param signingKey the HMAC key of signed image links, at least 32 characters; from the environment only. When unset,
 *     a random key is made once and kept in the database, so every node signs alike
 */
@ConfigurationProperties("imagegate.storage")
public record StorageProperties(
        @DefaultValue("filesystem") Type type,
        @DefaultValue Filesystem filesystem,
        @DefaultValue S3 s3,
        @DefaultValue("PT1H") java.time.Duration urlTtl,
        String signingKey) {

    public StorageProperties {
        if (signingKey != null && !signingKey.isBlank() && signingKey.length() < 32) {
            throw new IllegalArgumentException("imagegate.storage.signing-key must have at least 32 characters");
        }
    }

    @Override
    public String toString() {
        return "StorageProperties[type=" + type + ", filesystem=" + filesystem + ", s3=" + s3 + ", urlTtl=" + urlTtl
                + ", signingKey=" + (signingKey == null ? null : "***") + "]";
    }

    public enum Type {
        FILESYSTEM,
        S3
    }

    /** @param root the folder images are written under */
    public record Filesystem(@DefaultValue("./data/images") Path root) {}

    /**
     * @param endpoint the S3 endpoint; unset for AWS itself
     * @param region the bucket's region
     * @param bucket the bucket name
     * @param pathStyle path-style addressing, which most S3-compatible servers need
     */
    public record S3(
            URI endpoint, @DefaultValue("us-east-1") String region, String bucket, boolean pathStyle) {}
}
