package com.imagegate.generation.storage;

import com.imagegate.generation.StorageProperties;
import com.imagegate.generation.spi.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/** Image files in a local folder. Writes go to a temporary file first, so a reader never sees half an image. */
public class FilesystemImageStore implements ImageStore {

    private static final Pattern SAFE_KEY = Pattern.compile("[a-z0-9][a-z0-9_./-]{0,200}");

    private final Path root;

    public FilesystemImageStore(StorageProperties.Filesystem settings) {
        this.root = settings.root().toAbsolutePath().normalize();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the image storage folder " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public void put(String key, byte[] bytes, String contentType) {
        Path target = resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write image " + key, e);
        }
    }

    @Override
    public Optional<StoredFile> open(String key) {
        Path file = resolve(key);
        try {
            return Optional.of(new StoredFile(Files.newInputStream(file), Files.size(file)));
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read image " + key, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(resolve(key));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete image " + key, e);
        }
    }

    /** The file for a key, refusing anything that could leave the root folder. */
    private Path resolve(String key) {
        if (key == null || !SAFE_KEY.matcher(key).matches() || key.contains("..")) {
            throw new IllegalArgumentException("not a storage key: " + key);
        }
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("not a storage key: " + key);
        }
        return file;
    }
}
