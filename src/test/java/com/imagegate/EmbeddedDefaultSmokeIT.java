package com.imagegate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.ProbeJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.jobrunr.scheduling.JobScheduler;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** `./mvnw spring-boot:run` with no configuration: the embedded file database, local storage, jobs running. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ProbeJob.class)
class EmbeddedDefaultSmokeIT {

    static final Path DATA_DIR = createTempDir();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        // Only the folder changes; everything else is the shipped default configuration.
        registry.add("imagegate.data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    JobScheduler jobScheduler;

    @Autowired
    ProbeJob probeJob;

    @Test
    void servesTheLandingPageAndIsHealthyOnTheEmbeddedFileDatabase() throws Exception {
        var http = new Http(port);

        var landing = http.get("/");
        assertThat(landing.statusCode()).isEqualTo(200);
        assertThat(landing.body()).contains("Imagegate", "Get free credits");

        var health = JsonMapper.shared().readTree(http.get("/actuator/health").body());
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("JobRunr").path("status").asString())
                .isEqualTo("UP");

        try (var connection = dataSource.getConnection()) {
            assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("H2");
        }
        assertThat(DATA_DIR.resolve("imagegate.mv.db")).exists();
        assertThat(DATA_DIR.resolve("images")).isDirectory();
    }

    @Test
    void jobsRunOnTheEmbeddedDatabase() {
        String token = UUID.randomUUID().toString();

        jobScheduler.enqueue(() -> probeJob.run(token));

        await().atMost(Duration.ofSeconds(30)).until(() -> ProbeJob.ran(token));
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("imagegate-embedded-smoke");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
