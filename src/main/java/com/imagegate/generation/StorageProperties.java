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
 */
@ConfigurationProperties("imagegate.storage")
public record StorageProperties(
        @DefaultValue("filesystem") Type type,
        @DefaultValue Filesystem filesystem,
        @DefaultValue S3 s3) {

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
