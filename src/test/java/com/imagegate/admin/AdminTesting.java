package com.imagegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.Http;
import java.net.http.HttpResponse;
import java.util.Map;

/** The admin ITs' shared setup: one context (same properties) with a bootstrap admin and a fast sandbox. */
final class AdminTesting {

    static final String ADMIN_EMAIL = "operator@example.com";
    static final String ADMIN_PASSWORD = "admin-console-password-1";
    static final String BOOTSTRAP_EMAIL = "imagegate.bootstrap.admin-email=" + ADMIN_EMAIL;
    static final String BOOTSTRAP_PASSWORD = "imagegate.bootstrap.admin-password=" + ADMIN_PASSWORD;
    static final String FAST_SANDBOX = "imagegate.generation.sandbox.delay=20ms";

    private AdminTesting() {}

    /** A client signed in with the password form. */
    static Http signedIn(int port, String email, String password) {
        Http http = new Http(port);
        var signIn = http.submitForm("/login", "/login", Map.of("username", email, "password", password));
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(signIn.headers().firstValue("Location").orElseThrow()).doesNotContain("error");
        return http;
    }

    static Http admin(int port) {
        return signedIn(port, ADMIN_EMAIL, ADMIN_PASSWORD);
    }

    /** Creates a task through the API and waits until it has ended; returns its id. */
    static String endedTask(int port, String secret, String prompt, String size, int n) {
        ApiClient api = new ApiClient(port);
        HttpResponse<String> created = api.send(
                "POST",
                "/api/v1/images/generations",
                "Bearer " + secret,
                "{\"prompt\": \"" + prompt + "\", \"size\": \"" + size + "\", \"n\": " + n + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = ApiClient.json(created).at("/id").asString();
        for (int i = 0; i < 10; i++) {
            var task = api.get("/api/v1/images/tasks/" + id + "?wait=30", secret);
            String status = ApiClient.json(task).at("/status").asString();
            if (status.equals("succeeded") || status.equals("failed") || status.equals("canceled")) {
                return id;
            }
        }
        throw new AssertionError("task " + id + " did not end");
    }

    static long balance(int port, String secret) {
        var account = new ApiClient(port).get("/api/v1/account", secret);
        assertThat(account.statusCode()).as(account.body()).isEqualTo(200);
        return ApiClient.json(account).at("/credits/balance").asLong();
    }
}
