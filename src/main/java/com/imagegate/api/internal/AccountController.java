package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.apikey.ApiKeyPrincipal;
import com.imagegate.apikey.KeyBudgetPeriod;
import com.imagegate.billing.Plans;
import com.imagegate.credits.BudgetPeriod;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
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
            Pricing pricing,
            @JsonProperty("api_key") Key apiKey) {}

    record Credits(long balance) {}

    /**
     * The limits on task creation (generations, enhancements, edits) in effect for the workspace: its custom ones where
     * an admin set them ({@code custom} true when either is custom), else the plan's; reads are limited separately.
     */
    record RateLimits(
            @JsonProperty("requests_per_minute") int requestsPerMinute,
            @JsonProperty("concurrent_tasks") int concurrentTasks,
            boolean custom) {}

    /**
     * The workspace's prices: {@code price_multiplier} on the list prices of {@code GET /api/v1/pricing} (exactly 1.00
     * unless {@code custom}).
     */
    record Pricing(@JsonProperty("price_multiplier") BigDecimal priceMultiplier, boolean custom) {}

    /**
     * @param monthlyCreditCap the budget when it is a monthly one (the field predates periods), else {@code null}
     * @param budget the key's budget in any period, or {@code null} for none
     * @param userDailyCreditLimit the key's own daily credit limit per end user, or {@code null} when the workspace's
     *     default applies
     */
    record Key(
            String id,
            String mode,
            @JsonProperty("monthly_credit_cap") Long monthlyCreditCap,
            Budget budget,
            @JsonProperty("user_daily_credit_limit") Long userDailyCreditLimit) {}

    /** The key's budget this period: {@code spent} of {@code credits}, counted again from {@code resets_at}. */
    record Budget(
            long credits,
            String period,
            long spent,
            @JsonProperty("resets_at") long resetsAt) {}

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
                new RateLimits(
                        plan.requestsPerMinute(),
                        plan.concurrentTasks(),
                        plan.customRequestsPerMinute() || plan.customConcurrentTasks()),
                new Pricing(plan.priceMultiplier(), plan.customPricing()),
                key(key));
    }

    private Key key(ApiKeyPrincipal key) {
        if (key.monthlyCreditCap() == null) {
            return new Key(key.keyId(), key.mode().value(), null, null, key.userDailyCreditLimit());
        }
        var usage = ledger.keyBudgetUsage(
                key.keyId(), BudgetPeriod.valueOf(key.budgetPeriod().name()));
        return new Key(
                key.keyId(),
                key.mode().value(),
                key.budgetPeriod() == KeyBudgetPeriod.MONTH ? key.monthlyCreditCap() : null,
                new Budget(
                        key.monthlyCreditCap(),
                        key.budgetPeriod().value(),
                        usage.spent(),
                        usage.resetsAt().getEpochSecond()),
                key.userDailyCreditLimit());
    }
}
