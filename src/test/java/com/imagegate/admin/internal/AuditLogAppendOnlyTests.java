package com.imagegate.admin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The audit log is append-only: no statement anywhere in the application updates or deletes its rows. */
class AuditLogAppendOnlyTests {

    private static final Pattern CHANGES_AUDIT = Pattern.compile(
            "(update\\s+admin_audit_log|delete\\s+from\\s+admin_audit_log|truncate\\s+(table\\s+)?admin_audit_log)",
            Pattern.CASE_INSENSITIVE);

    @Test
    void noStatementUpdatesOrDeletesTheAuditLog() throws IOException {
        List<Path> offending;
        try (Stream<Path> files = Files.walk(Path.of("src/main"))) {
            offending = files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".sql"))
                    .filter(f -> CHANGES_AUDIT.matcher(read(f)).find())
                    .toList();
        }
        assertThat(offending).isEmpty();
        assertThat(CHANGES_AUDIT
                        .matcher("UPDATE admin_audit_log set reason = null")
                        .find())
                .as("the check itself finds such a statement")
                .isTrue();
    }

    @Test
    void theLogOffersOnlyAppendAndReads() {
        assertThat(Stream.of(AuditLog.class.getDeclaredMethods())
                        .filter(m -> !m.isSynthetic() && !Modifier.isPrivate(m.getModifiers()))
                        .map(Method::getName))
                .containsExactlyInAnyOrder("append", "find", "actions");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
