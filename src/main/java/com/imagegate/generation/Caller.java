package com.imagegate.generation;

import com.imagegate.credits.BudgetPeriod;
import java.math.BigDecimal;

/**
 * Who asks for a task, and under what limits.
 *
 * @param workspaceId the tenant that pays
 * @param apiKeyId the API key used, or null (the studio)
 * @param keyMonthlyCap the key's credit budget per {@code keyBudgetPeriod}, or null for none
 * @param keyBudgetPeriod the period the key's budget is counted over; null means a month
 * @param testMode true for {@code ig_test_} keys: always the sandbox renderer, never the upstream
 * @param source the API or the studio
 * @param actor who, for the ledger ({@code key:…} or {@code user:…})
 * @param requestId the request's {@code x-request-id}, kept on the task
 * @param concurrentTasks the plan's unfinished tasks at once
 * @param keyUserDailyCreditLimit the API key's own daily credit limit per end user, used instead of the workspace's
 *     default ({@link UserQuotas}); {@code null} for the default (and for the studio)
 * @param priceMultiplier the workspace's custom price multiplier on list prices ({@link Pricing#apply}), or {@code
 *     null} for list prices
 */
public record Caller(
        String workspaceId,
        String apiKeyId,
        Long keyMonthlyCap,
        BudgetPeriod keyBudgetPeriod,
        boolean testMode,
        TaskSource source,
        String actor,
        String requestId,
        int concurrentTasks,
        Long keyUserDailyCreditLimit,
        BigDecimal priceMultiplier) {}
