package com.imagegate.generation.storage;

import com.imagegate.generation.StorageProperties;
import com.imagegate.generation.spi.ImageStore;
import java.nio.file.Files;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ImageStoreConfiguration {

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
}
