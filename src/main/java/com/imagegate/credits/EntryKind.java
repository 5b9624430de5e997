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
    CLAWBACK,
    /** The rest of a plan allowance written off because a new allowance of the same subscription replaced it. */
    PLAN_CHANGE
}
