package com.imagegate.account.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Who received the free sign-up credits of a mailbox ({@link com.imagegate.account.Mailboxes#person}). The mailbox is
 * the primary key, so of any number of parallel claims exactly one is stored.
 */
@Repository
class FreeCreditClaims {

    private final JdbcClient jdbc;

    FreeCreditClaims(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims the mailbox for this user unless someone has; in the caller's transaction. The claim is an upsert, which
     * takes the row's exclusive lock straight away (a plain insert meeting a concurrent one takes a shared lock, and two
     * of those deadlock), so a parallel claim waits for this transaction and then finds the row taken.
     *
     * @return true when this call made the claim, for this user; false when the mailbox was claimed before (by
     *     anyone, this user too) or by a parallel claim that committed first
     */
    boolean claim(String mailbox, String userId, Instant now) {
        // A plain read first: a locking read of a missing row would take a gap lock, and two sign-ups of different
        // people holding gap locks deadlock on their inserts. A claim this read misses is settled by the upsert.
        if (owner(mailbox).isPresent()) {
            return false;
        }
        jdbc.sql("insert into free_credit_claims (mailbox, user_id, claimed_at) values (?, ?, ?)"
                        + " on duplicate key update mailbox = mailbox")
                .params(mailbox, userId, LocalDateTime.ofInstant(now, ZoneOffset.UTC))
                .update();
        return lockedOwner(mailbox)
                .orElseThrow(() -> new IllegalStateException("no claim for " + mailbox))
                .equals(userId);
    }

    /** The user holding the mailbox's claim, if any. */
    Optional<String> owner(String mailbox) {
        return jdbc.sql("select user_id from free_credit_claims where mailbox = ?")
                .param(mailbox)
                .query(String.class)
                .optional();
    }

    private Optional<String> lockedOwner(String mailbox) {
        return jdbc.sql("select user_id from free_credit_claims where mailbox = ? for update")
                .param(mailbox)
                .query(String.class)
                .optional();
    }
}
