package com.imagegate.generation.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.imagegate.generation.StorageProperties;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemImageStoreTests {

    @TempDir
    Path root;

    @Test
    void storesReadsAndDeletesAFile() throws IOException {
        var store = new FilesystemImageStore(new StorageProperties.Filesystem(root));

        store.put("2026/11/25/img_x.png", new byte[] {1, 2, 3}, "image/png");

        try (var file = store.open("2026/11/25/img_x.png").orElseThrow().content()) {
            assertThat(file.readAllBytes()).containsExactly(1, 2, 3);
        }
        store.delete("2026/11/25/img_x.png");
        assertThat(store.open("2026/11/25/img_x.png")).isEmpty();
        store.delete("2026/11/25/img_x.png");
    }

    @Test
    void keysCannotLeaveTheRootFolder() {
        var store = new FilesystemImageStore(new StorageProperties.Filesystem(root));

        for (String key : new String[] {"../etc/passwd", "/etc/passwd", "a/../../b", "A/B", "", "a\u0000b"}) {
            assertThatIllegalArgumentException().isThrownBy(() -> store.open(key));
        }
    }
}
