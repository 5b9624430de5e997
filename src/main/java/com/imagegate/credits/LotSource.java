package com.imagegate.credits;

/** Where a lot of credits came from; decides the kind of its grant entry. */
public enum LotSource {
    SIGNUP(EntryKind.GRANT),
    PACK(EntryKind.PURCHASE),
    PLAN(EntryKind.PLAN_ALLOWANCE),
    ADMIN(EntryKind.GRANT),
    /** A promo code redeemed by the workspace (billing's promo codes): credits given, not bought. */
    PROMO(EntryKind.GRANT),
    /** A referral's bonus (to the referred account) or reward (to the referrer). */
    REFERRAL(EntryKind.GRANT);

    private final EntryKind grantKind;

    LotSource(EntryKind grantKind) {
        this.grantKind = grantKind;
    }

    /** The kind of entry that records a grant of this source. */
    public EntryKind grantKind() {
        return grantKind;
    }
}
