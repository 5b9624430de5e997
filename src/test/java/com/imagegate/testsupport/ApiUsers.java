package com.imagegate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A new user with a workspace and an API key, made the way a person does it: sign up, then create a key. */
public record ApiUsers(String email, String secret) {

    private static final Pattern SECRET = Pattern.compile("ig_(live|test)_[0-9A-Za-z]{43}");

    public static ApiUsers signUpWithKey(int port, String mode) {
        return signUp(port, Map.of("name", "test key", "mode", mode));
    }

    /** As {@link #signUpWithKey}, a live key with a budget of {@code credits} per {@code period} (day, week, month). */
    public static ApiUsers signUpWithBudget(int port, long credits, String period) {
        return signUp(
                port,
                Map.of(
                        "name",
                        "budgeted key",
                        "mode",
                        "live",
                        "monthlyCreditCap",
                        String.valueOf(credits),
                        "budgetPeriod",
                        period));
    }

    private static ApiUsers signUp(int port, Map<String, String> key) {
        String email = "api-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        Http http = new Http(port);
        var signUp = http.submitForm("/signup", "/signup", Map.of("email", email, "password", "a-good-password"));
        assertThat(signUp.statusCode()).isEqualTo(302);
        var created = http.submitForm("/app/keys", "/app/keys", key);
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).as("secret shown").isTrue();
        return new ApiUsers(email, secret.group());
    }
}
