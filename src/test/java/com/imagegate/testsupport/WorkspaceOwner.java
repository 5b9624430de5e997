package com.imagegate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A new user who signed up (so owns a workspace) and made an API key, with their signed-in browser session kept, for
 * tests that use both the pages and the API.
 */
public record WorkspaceOwner(Http http, String email, String secret) {

    private static final Pattern SECRET = Pattern.compile("ig_(live|test)_[0-9A-Za-z]{43}");

    public static WorkspaceOwner signUp(int port, String keyMode) {
        String email = "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Http http = new Http(port);
        var signUp = http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
        assertThat(signUp.statusCode()).isEqualTo(302);
        var created = http.submitForm("/app/keys", "/app/keys", Map.of("name", "quota key", "mode", keyMode));
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).as("secret shown").isTrue();
        return new WorkspaceOwner(http, email, secret.group());
    }

    /** Another API key of the same workspace, made on the keys page. */
    public String newKey(String mode) {
        var created = http.submitForm("/app/keys", "/app/keys", Map.of("name", mode + " key", "mode", mode));
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).as("secret shown").isTrue();
        return secret.group();
    }

    /**
     * Submits the create-key form of {@code /app/keys} the way a browser does, with these fields over a live key named
     * "override key".
     */
    public HttpResponse<String> submitKey(Map<String, String> fields) {
        var form = new java.util.HashMap<>(Map.of("name", "override key", "mode", "live"));
        form.putAll(fields);
        return http.submitForm("/app/keys", "/app/keys", form);
    }

    /** A live key with its own daily credit limit per end user, typed as given in the keys page's form. */
    public String newKeyWithUserLimit(String typed) {
        var created = submitKey(Map.of("userDailyCreditLimit", typed));
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).as("secret shown: " + created.statusCode()).isTrue();
        return secret.group();
    }

    /** Submits the spend-control form of {@code /app/usage} the way a browser does (a plain form post). */
    public HttpResponse<String> setDailyUserQuota(String typed) {
        return http.submitForm("/app/usage", "/app/usage/user-quota", Map.of("dailyCreditLimit", typed));
    }
}
