package com.imagegate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.imagegate.generation.TaskEnded;
import com.imagegate.generation.TaskStatus;
import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The wall between generation and webhooks: generation only publishes {@link TaskEnded} inside the transaction that
 * ends a task, and this module's delivery row lives and dies with that transaction. Publishes the event itself (for a
 * real task, so the delivery after the commit can read it through generation's API). Same settings as
 * {@link WebhooksIT}, so the two share one application context.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.fetch.allow-private-hosts=true",
            "imagegate.webhooks.allow-http=true",
            "imagegate.webhooks.timeout=1s",
            "imagegate.webhooks.backoff-base=200ms",
            "imagegate.generation.sandbox.delay=800ms"
        })
class TaskEndedWebhookIT {

    /** The paths the receiver was POSTed to. */
    static final List<String> POSTED = new CopyOnWriteArrayList<>();

    static final HttpServer RECEIVER = startReceiver();

    @LocalServerPort
    int port;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    Webhooks webhooks;

    @Autowired
    DataSource dataSource;

    @AfterAll
    static void stopReceiver() {
        RECEIVER.stop(0);
    }

    static HttpServer startReceiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                POSTED.add(exchange.getRequestURI().getPath());
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A task of a new workspace (test key, no callback URL of its own): its id and workspace id. */
    String[] task() {
        var user = ApiUsers.signUpWithKey(port, "test");
        String id = ApiClient.json(new ApiClient(port)
                        .send(
                                "POST",
                                "/api/v1/images/generations",
                                "Bearer " + user.secret(),
                                "{\"prompt\":\"a wall\"}"))
                .path("id")
                .asString();
        String workspaceId =
                jdbc().queryForObject("select workspace_id from image_tasks where id = ?", String.class, id);
        return new String[] {id, workspaceId};
    }

    JdbcTemplate jdbc() {
        return new JdbcTemplate(dataSource);
    }

    int deliveries(String taskId) {
        return jdbc().queryForObject(
                        "select count(*) from webhook_deliveries where task_id = ?", Integer.class, taskId);
    }

    String url(String path) {
        return "http://127.0.0.1:" + RECEIVER.getAddress().getPort() + path;
    }

    @Test
    void anEndingThatRollsBackLeavesNoDeliveryAndSendsNothing() {
        String[] task = task();
        String url = url("/rolled-back/" + task[0]);

        transactions.executeWithoutResult(status -> {
            events.publishEvent(new TaskEnded(task[0], task[1], TaskStatus.FAILED, url));
            assertThat(webhooks.deliveries(task[1], 10))
                    .as("the listener wrote in the publisher's transaction, synchronously")
                    .extracting(WebhookDelivery::taskId)
                    .containsExactly(task[0]);
            status.setRollbackOnly(); // as when the capture or release of the ending fails
        });

        assertThat(deliveries(task[0])).isZero();
        assertThat(webhooks.deliveries(task[1], 10)).isEmpty();
        // Nothing was dispatched: give a would-be first attempt (made at once, locally) time to show up.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !POSTED.contains(url));
    }

    @Test
    void anEndingThatCommitsRecordsExactlyOneDeliveryAndSendsItAfterTheCommit() {
        String[] task = task();
        String path = "/committed/" + task[0];

        transactions.executeWithoutResult(status -> {
            events.publishEvent(new TaskEnded(task[0], task[1], TaskStatus.SUCCEEDED, url(path)));
            assertThat(POSTED).as("not sent before the commit").doesNotContain(path);
        });

        assertThat(deliveries(task[0])).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> POSTED.contains(path));
        await().atMost(Duration.ofSeconds(15))
                .until(() -> "succeeded"
                        .equals(webhooks.deliveries(task[1], 10).getFirst().status()));
        assertThat(webhooks.deliveries(task[1], 10)).singleElement().satisfies(d -> {
            assertThat(d.taskId()).isEqualTo(task[0]);
            assertThat(d.taskStatus()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(d.attempts()).isEqualTo(1);
        });
        assertThat(POSTED.stream().filter(path::equals)).hasSize(1);
    }

    @Test
    void anEndingWithoutACallbackUrlRecordsNothing() {
        String[] task = task();

        transactions.executeWithoutResult(
                status -> events.publishEvent(new TaskEnded(task[0], task[1], TaskStatus.CANCELED, null)));

        assertThat(deliveries(task[0])).isZero();
    }

    @Test
    void anEndingOutsideATransactionIsRefused() {
        String[] task = task();

        assertThatThrownBy(() -> events.publishEvent(
                        new TaskEnded(task[0], task[1], TaskStatus.FAILED, url("/no-transaction/" + task[0]))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside the transaction");
        assertThat(deliveries(task[0])).isZero();
    }
}
