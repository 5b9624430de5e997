package com.imagegate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.imagegate.testsupport.ProbeJob;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.storage.StorageProvider;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The production shape (mysql profile, MariaDB) starts, migrates, runs jobs and reports itself healthy. */
@MariaDbIntegrationTest(properties = "imagegate.operations.monitoring-addresses=10.0.5.0/24")
@AutoConfigureMockMvc
@Import(ProbeJob.class)
class OperationsIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    JobScheduler jobScheduler;

    @Autowired
    StorageProvider jobStorage;

    @Autowired
    ProbeJob probeJob;

    @Autowired
    MockMvc mockMvc;

    @Test
    void healthIsUpWithDatabaseJobRunrAndStorage() {
        var response = new Http(port).get("/actuator/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = JsonMapper.shared().readTree(response.body());
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("db").path("status").asString())
                .isEqualTo("UP");
        assertThat(health.path("components").path("JobRunr").path("status").asString())
                .isEqualTo("UP");
        assertThat(health.path("components").path("storage").path("status").asString())
                .isEqualTo("UP");
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).contains("json"));
    }

    @Test
    void probesForContainerHealthChecksArePublic() {
        var http = new Http(port);

        assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }

    @Test
    void runsOnMariaDbThroughItsOwnDriverWithMigrationsApplied() throws Exception {
        try (var connection = dataSource.getConnection()) {
            assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("MariaDB");
        }
        var jdbc = new JdbcTemplate(dataSource);
        Integer failed =
                jdbc.queryForObject("select count(*) from flyway_schema_history where success = false", Integer.class);
        Integer applied = jdbc.queryForObject(
                "select count(*) from flyway_schema_history where success = true and version is not null",
                Integer.class);
        assertThat(failed).isZero();
        assertThat(applied).isPositive();
    }

    @Test
    void jobRunrBackgroundServerRunsAnEnqueuedJob() {
        String token = UUID.randomUUID().toString();

        var jobId = jobScheduler.enqueue(() -> probeJob.run(token));

        await().atMost(Duration.ofSeconds(30)).until(() -> ProbeJob.ran(token));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jobStorage.getJobById(jobId.asUUID()).getState() == StateName.SUCCEEDED);
    }

    @Test
    void prometheusAnswersOnThisMachine() {
        var http = new Http(port);
        assertThat(http.get("/").statusCode()).isEqualTo(200);

        var response = http.get("/actuator/prometheus");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("jvm_memory_used_bytes", "http_server_requests");
    }

    @Test
    void prometheusIsClosedToOtherAddresses() throws Exception {
        mockMvc.perform(get("/actuator/prometheus").with(request -> {
                    request.setRemoteAddr("203.0.113.7");
                    return request;
                }))
                .andExpect(status().isForbidden());
    }

    @Test
    void prometheusAnswersTheListedMonitoringNetwork() throws Exception {
        mockMvc.perform(get("/actuator/prometheus").with(request -> {
                    request.setRemoteAddr("10.0.5.17");
                    return request;
                }))
                .andExpect(status().isOk());
        mockMvc.perform(get("/actuator/prometheus").with(request -> {
                    request.setRemoteAddr("10.0.6.17");
                    return request;
                }))
                .andExpect(status().isForbidden());
    }

    @Test
    void otherActuatorEndpointsAreClosed() {
        var env = new Http(port).get("/actuator/env");
        var beans = new Http(port).get("/actuator/beans");

        assertThat(env.statusCode()).isNotEqualTo(200);
        assertThat(env.body()).doesNotContain("propertySources");
        assertThat(beans.statusCode()).isNotEqualTo(200);
        assertThat(beans.body()).doesNotContain("\"beans\"");
    }

    @Test
    void privatePageSendsAnAnonymousVisitorToSignIn() {
        var response = new Http(port).get("/admin");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/login"));
    }
}
