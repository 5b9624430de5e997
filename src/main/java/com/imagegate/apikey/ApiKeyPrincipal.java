package com.imagegate.apikey;

import java.security.Principal;
import java.util.Objects;

/**
 * Who an API call is: the key that authenticated it and the workspace it belongs to. Every object the call can see
 * belongs to {@link #workspaceId()}.
 *
 * @param keyId the key ({@code key_…}); also the principal's name, so logs and audits name the key, never the secret
 * @param workspaceId the workspace (tenant) the key belongs to
 * @param mode live (production upstream) or test (sandbox)
 * @param monthlyCreditCap the key's budget: the most credits it may spend per {@code budgetPeriod}, or {@code null}
 *     for no budget of its own; enforced by the credits module when it reserves
 * @param budgetPeriod the period the budget is counted over (UTC)
 * @param userDailyCreditLimit the key's own daily credit limit per end user ({@code user}), overriding the workspace's
 *     default; {@code null} for the default. Enforced by the generation module when it accepts a task
 */
public record ApiKeyPrincipal(
        String keyId,
        String workspaceId,
        ApiKeyMode mode,
        Long monthlyCreditCap,
        KeyBudgetPeriod budgetPeriod,
        Long userDailyCreditLimit)
        implements Principal {

    public ApiKeyPrincipal {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(mode, "mode");
        if (budgetPeriod == null) {
            budgetPeriod = KeyBudgetPeriod.MONTH;
        }
    }

    @Override
    public String getName() {
        return keyId;
    }
}
