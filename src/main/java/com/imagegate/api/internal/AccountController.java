package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.apikey.ApiKeyPrincipal;
import com.imagegate.billing.Plans;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/account}: the calling key's workspace, its plan, credits and rate limits. */
@RestController
class AccountController {

    private final Plans plans;
    private final com.imagegate.credits.Credits ledger;
    private final ImagesController images;

    AccountController(Plans plans, com.imagegate.credits.Credits ledger, ImagesController images) {
        this.plans = plans;
        this.ledger = ledger;
        this.images = images;
    }

    record AccountBody(
            String object,
            String id,
            String name,
            String plan,
            Credits credits,
            @JsonProperty("rate_limits") RateLimits rateLimits,
            @JsonProperty("api_key") Key apiKey) {}

    record Credits(long balance) {}

    /** The plan's limits on task creation (generations, enhancements, edits); reads are limited separately. */
    record RateLimits(
            @JsonProperty("requests_per_minute") int requestsPerMinute,
            @JsonProperty("concurrent_tasks") int concurrentTasks) {}

    record Key(
            String id,
            String mode,
            @JsonProperty("monthly_credit_cap") Long monthlyCreditCap) {}

    /** The caller resolves as the request's principal: the authentication the Bearer filter made. */
    @GetMapping("/api/v1/account")
    AccountBody account(ApiKeyAuthentication caller, HttpServletResponse response) {
        ApiKeyPrincipal key = caller.getPrincipal();
        images.readLimit(key, response);
        var workspace = caller.workspace();
        var plan = plans.current(workspace.id());
        long balance = ledger.balance(workspace.id()).spendable();
        return new AccountBody(
                "account",
                workspace.id(),
                workspace.name(),
                plan.id(),
                new Credits(balance),
                new RateLimits(plan.requestsPerMinute(), plan.concurrentTasks()),
                new Key(key.keyId(), key.mode().value(), key.monthlyCreditCap()));
    }
}
