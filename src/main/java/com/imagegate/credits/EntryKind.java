package com.imagegate.credits;

/** Why a ledger entry was written. */
public enum EntryKind {
    GRANT,
    PURCHASE,
    PLAN_ALLOWANCE,
    RESERVE,
    CAPTURE,
    RELEASE,
    ADJUSTMENT,
    EXPIRY,
    CLAWBACK
}
