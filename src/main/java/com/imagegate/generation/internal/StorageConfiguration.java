package com.imagegate.generation.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.generation.StorageProperties;
import com.imagegate.generation.storage.FileUrls;
import com.imagegate.generation.storage.FilesystemImageStore;
import com.imagegate.generation.storage.ImageStore;
import com.imagegate.generation.storage.S3ImageStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    ImageStore imageStore(StorageProperties properties) {
        return switch (properties.type()) {
            case FILESYSTEM -> new FilesystemImageStore(properties.filesystem());
            case S3 -> {
                if (properties.urlTtl().compareTo(S3ImageStore.MAX_URL_TTL) > 0) {
                    throw new IllegalStateException(
                            "imagegate.storage.url-ttl must be at most 7 days with s3 (presigned URLs cannot last longer)");
                }
                yield new S3ImageStore(properties.s3());
            }
        };
    }

    /** Health component {@code storage}: the image folder is still a writable directory, or the bucket answers. */
    @Bean("storage")
    HealthIndicator storageHealth(ImageStore store) {
        return () -> {
            if (store instanceof FilesystemImageStore filesystem) {
                var root = filesystem.root();
                return Files.isDirectory(root) && Files.isWritable(root)
                        ? Health.up().build()
                        : Health.down()
                                .withDetail("reason", "image folder missing or not writable")
                                .build();
            }
            if (store instanceof S3ImageStore s3) {
                return s3.reachable()
                        ? Health.up().build()
                        : Health.down()
                                .withDetail("reason", "bucket not reachable")
                                .build();
            }
            return Health.unknown().build();
        };
    }

    @Bean
    FileUrls fileUrls(StorageProperties properties, ImagegateProperties app, JdbcTemplate jdbc, Clock clock) {
        byte[] key = properties.signingKey() != null && !properties.signingKey().isBlank()
                ? properties.signingKey().getBytes(StandardCharsets.UTF_8)
                : sharedSigningKey(jdbc);
        return new FileUrls(app.baseUrlString(), key, clock);
    }

    /** A random key made by the first node that starts and read by every other, so all nodes sign alike. */
    private static byte[] sharedSigningKey(JdbcTemplate jdbc) {
        var existing = jdbc.queryForList(
                "select secret from generation_secrets where name = 'file-url-signing'", String.class);
        if (existing.isEmpty()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            try {
                jdbc.update(
                        "insert into generation_secrets (name, secret) values ('file-url-signing', ?)",
                        HexFormat.of().formatHex(random));
            } catch (DuplicateKeyException anotherNodeWasFirst) {
                // fall through and read theirs
            }
            existing = jdbc.queryForList(
                    "select secret from generation_secrets where name = 'file-url-signing'", String.class);
        }
        return HexFormat.of().parseHex(existing.getFirst());
    }
}
