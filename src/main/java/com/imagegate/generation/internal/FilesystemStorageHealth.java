package com.imagegate.generation.internal;

import com.imagegate.generation.StorageProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Local-folder image storage: creates the folder at start and reports, as the {@code storage} health component,
 * whether it is still a writable directory.
 */
@Component("storage")
@ConditionalOnProperty(name = "imagegate.storage.type", havingValue = "filesystem", matchIfMissing = true)
class FilesystemStorageHealth extends AbstractHealthIndicator {

    private final Path root;

    FilesystemStorageHealth(StorageProperties properties) {
        super("Image storage folder check failed");
        this.root = properties.filesystem().root().toAbsolutePath().normalize();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the image storage folder " + root, e);
        }
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (Files.isDirectory(root) && Files.isWritable(root)) {
            builder.up();
        } else {
            builder.down().withDetail("reason", "image folder missing or not writable");
        }
    }
}
