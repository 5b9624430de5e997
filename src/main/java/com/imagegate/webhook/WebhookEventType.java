package com.imagegate.webhook;

import java.util.Arrays;
import java.util.Optional;

/** The event types a workspace endpoint can subscribe to, by their wire names ({@code type} in the body). */
public enum WebhookEventType {
    TASK_SUCCEEDED("task.succeeded", "A task succeeded (its images are ready)."),
    TASK_FAILED("task.failed", "A task failed (its reserved credits were released)."),
    BALANCE_LOW("balance.low", "The balance fell below the low-balance threshold (once per crossing)."),
    BUDGET_REACHED("budget.reached", "An API key reached 80% or 100% of its budget (once per key, level and period)."),
    TOPUP_SUCCEEDED("topup.succeeded", "An automatic top-up was paid and its credits granted."),
    TOPUP_FAILED("topup.failed", "An automatic top-up's payment did not go through."),
    CREDITS_REFUNDED("credits.refunded", "Support refunded the credits of a task.");

    private final String wireValue;
    private final String description;

    WebhookEventType(String wireValue, String description) {
        this.wireValue = wireValue;
        this.description = description;
    }

    public String wireValue() {
        return wireValue;
    }

    public String description() {
        return description;
    }

    /** The type of a wire name; empty for anything else. */
    public static Optional<WebhookEventType> fromWire(String value) {
        return Arrays.stream(values()).filter(t -> t.wireValue.equals(value)).findFirst();
    }
}
