package com.imagegate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Gives a test application context a fresh database on {@link TestDatabase}'s server and a fresh image folder. */
public class TestDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestDatabase server = TestDatabase.get();
        String database = server.newDatabase();
        try {
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "imagegate-test-database",
                            Map.of(
                                    "spring.datasource.url", server.jdbcUrl(database),
                                    "spring.datasource.username", server.username(),
                                    "spring.datasource.password", server.password(),
                                    // Many test contexts share one server: open connections as needed, not 20 each.
                                    "spring.datasource.hikari.maximum-pool-size", "10",
                                    "spring.datasource.hikari.minimum-idle", "1",
                                    "imagegate.storage.filesystem.root",
                                            Files.createTempDirectory("imagegate-it-images")
                                                    .toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
