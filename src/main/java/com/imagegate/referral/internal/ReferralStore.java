package com.imagegate.referral.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The referral module's tables ({@code referral_codes}, {@code referrals}); plain SQL, one method per question. */
@Repository
class ReferralStore {

    /** Where a referral stands. */
    enum Status {
        /** Signed up through the link; no paid purchase yet. */
        SIGNED_UP,
        /** The first paid purchase is recorded and waits out the hold period. */
        PAID,
        /** Cleared: the referrer got the reward. */
        REWARDED,
        /** Looks like the referrer's own account (mailbox, sign-up network or card): no bonus, no reward. */
        REFUSED,
        /** The first paid purchase was refunded or disputed before it cleared: no reward. */
        VOID,
        /** Cleared beyond the referrer's monthly cap: no reward. */
        CAPPED,
        /** Rewarded, then the purchase was refunded or disputed: the reward was taken back. */
        REVERSED
    }

    record Referral(
            String id,
            String referrerWorkspaceId,
            String referredWorkspaceId,
            String referredUserId,
            String referredMailbox,
            String referredIp,
            Status status,
            String reason,
            long bonusCredits,
            String paymentId,
            String paymentIntent,
            Instant paidAt,
            long rewardCredits,
            Instant settledAt) {}

    private static final String COLUMNS = "id, referrer_workspace_id, referred_workspace_id, referred_user_id,"
            + " referred_mailbox, referred_ip, status, reason, bonus_credits, payment_id, payment_intent, paid_at,"
            + " reward_credits, settled_at";

    private final JdbcClient jdbc;

    ReferralStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    // --- codes

    Optional<String> codeOf(String workspaceId) {
        return jdbc.sql("select code from referral_codes where workspace_id = ?")
                .param(workspaceId)
                .query(String.class)
                .optional();
    }

    /** Saves the workspace's code unless it has one (a concurrent first view keeps the first); false if it had. */
    boolean saveCode(String workspaceId, String code, Instant now) {
        return jdbc.sql("insert into referral_codes (workspace_id, code, created_at) values (?, ?, ?)"
                                + " on duplicate key update workspace_id = workspace_id")
                        .params(workspaceId, code, ts(now))
                        .update()
                == 1;
    }

    Optional<String> workspaceOfCode(String code) {
        return jdbc.sql("select workspace_id from referral_codes where code = ?")
                .param(code)
                .query(String.class)
                .optional();
    }

    /** Locks the referrer's code row: rewards of one referrer are decided one at a time (the monthly cap). */
    void lockReferrer(String workspaceId) {
        jdbc.sql("select workspace_id from referral_codes where workspace_id = ? for update")
                .param(workspaceId)
                .query(String.class)
                .optional();
    }

    // --- referrals

    void insert(Referral r, Instant now) {
        jdbc.sql("insert into referrals (" + COLUMNS + ", created_at, updated_at)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        r.id(),
                        r.referrerWorkspaceId(),
                        r.referredWorkspaceId(),
                        r.referredUserId(),
                        r.referredMailbox(),
                        r.referredIp(),
                        r.status().name(),
                        r.reason(),
                        r.bonusCredits(),
                        r.paymentId(),
                        r.paymentIntent(),
                        ts(r.paidAt()),
                        r.rewardCredits(),
                        ts(r.settledAt()),
                        ts(now),
                        ts(now))
                .update();
    }

    /** The referral of a referred workspace, locked for this transaction. */
    Optional<Referral> ofReferredForUpdate(String referredWorkspaceId) {
        return jdbc.sql("select " + COLUMNS + " from referrals where referred_workspace_id = ? for update")
                .param(referredWorkspaceId)
                .query(ReferralStore::referral)
                .optional();
    }

    Optional<Referral> byId(String id, boolean lock) {
        return jdbc.sql("select " + COLUMNS + " from referrals where id = ?" + (lock ? " for update" : ""))
                .param(id)
                .query(ReferralStore::referral)
                .optional();
    }

    void bonusGranted(String id, long credits, Instant now) {
        jdbc.sql("update referrals set bonus_credits = ?, updated_at = ? where id = ?")
                .params(credits, ts(now), id)
                .update();
    }

    void paid(String id, String paymentId, String paymentIntent, Instant paidAt, Instant now) {
        jdbc.sql("update referrals set status = 'PAID', payment_id = ?, payment_intent = ?, paid_at = ?, updated_at = ?"
                        + " where id = ? and status = 'SIGNED_UP'")
                .params(paymentId, paymentIntent, ts(paidAt), ts(now), id)
                .update();
    }

    void settle(String id, Status status, String reason, long rewardCredits, Instant now) {
        jdbc.sql("update referrals set status = ?, reason = ?, reward_credits = ?, settled_at = ?, updated_at = ?"
                        + " where id = ?")
                .params(status.name(), reason, rewardCredits, ts(now), ts(now), id)
                .update();
    }

    void reverse(String id, Status status, String reason, Instant now) {
        jdbc.sql("update referrals set status = ?, reason = ?, updated_at = ? where id = ?")
                .params(status.name(), reason, ts(now), id)
                .update();
    }

    /** Referrals whose first paid purchase was made at or before {@code paidBy}, oldest first. */
    List<String> due(Instant paidBy, int limit) {
        return jdbc.sql("select id from referrals where status = 'PAID' and paid_at <= ? order by paid_at, id limit ?")
                .params(ts(paidBy), limit)
                .query(String.class)
                .list();
    }

    /** Rewards a referrer received in {@code [from, to)} (taken back ones too: they were given). */
    long rewardsBetween(String referrerWorkspaceId, Instant from, Instant to) {
        return jdbc.sql("select count(*) from referrals where referrer_workspace_id = ? and status in"
                        + " ('REWARDED', 'REVERSED') and settled_at >= ? and settled_at < ?")
                .params(referrerWorkspaceId, ts(from), ts(to))
                .query(Long.class)
                .single();
    }

    record Figures(long signUps, long pending, long rewarded, long creditsEarned) {}

    Figures figures(String referrerWorkspaceId) {
        return jdbc.sql("select count(*),"
                        + " coalesce(sum(case when status in ('SIGNED_UP', 'PAID') then 1 else 0 end), 0),"
                        + " coalesce(sum(case when status = 'REWARDED' then 1 else 0 end), 0),"
                        + " coalesce(sum(case when status = 'REWARDED' then reward_credits else 0 end), 0)"
                        + " from referrals where referrer_workspace_id = ?")
                .param(referrerWorkspaceId)
                .query((rs, i) -> new Figures(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .single();
    }

    private static Referral referral(ResultSet rs, int i) throws SQLException {
        return new Referral(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                Status.valueOf(rs.getString(7)),
                rs.getString(8),
                rs.getLong(9),
                rs.getString(10),
                rs.getString(11),
                instant(rs, 12),
                rs.getLong(13),
                instant(rs, 14));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    private static LocalDateTime ts(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
