package com.imagegate.generation.internal;

import com.imagegate.generation.GenerationException;
import com.imagegate.generation.GenerationException.Reason;
import com.imagegate.generation.UserQuotas;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The workspace's daily credit limit per end user ({@code generation_user_quotas}, plain SQL) and its check at
 * acceptance ({@link #check}), which {@link TaskAcceptance} calls inside its transaction after taking the workspace's
 * balance-row lock, so that parallel accepts of one workspace, on any node, each count the tasks committed before them.
 */
@Service
class UserQuotaService implements UserQuotas {

    private static final String SPENT_TODAY = """
            select coalesce(sum(case when status in ('PENDING', 'PROCESSING') then credits
                                     when status = 'SUCCEEDED' then coalesce(credits_captured, credits)
                                     else 0 end), 0)
              from image_tasks
             where workspace_id = :workspaceId and end_user = :user
               and created_at >= :from and created_at < :to
            """;

    private final JdbcClient jdbc;
    private final Clock clock;

    UserQuotaService(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public Optional<Long> dailyCreditLimit(String workspaceId) {
        return jdbc.sql("select daily_credit_limit from generation_user_quotas where workspace_id = ?")
                .param(workspaceId)
                .query(Long.class)
                .optional();
    }

    @Override
    public void setDailyCreditLimit(String workspaceId, Long limit, String actor) {
        if (limit == null) {
            jdbc.sql("delete from generation_user_quotas where workspace_id = ?")
                    .param(workspaceId)
                    .update();
            return;
        }
        if (limit < 0 || limit > MAX_DAILY_CREDIT_LIMIT) {
            throw new IllegalArgumentException("limit out of range: " + limit);
        }
        Timestamp now = Timestamp.from(clock.instant());
        int updated = jdbc.sql(
                        "update generation_user_quotas set daily_credit_limit = ?, updated_at = ?, updated_by = ?"
                                + " where workspace_id = ?")
                .params(limit, now, actor, workspaceId)
                .update();
        if (updated == 0) {
            try {
                jdbc.sql("insert into generation_user_quotas (workspace_id, daily_credit_limit, updated_at, updated_by)"
                                + " values (?, ?, ?, ?)")
                        .params(workspaceId, limit, now, actor)
                        .update();
            } catch (DuplicateKeyException raced) {
                // Another owner saved at the same moment: the later write wins, as it would have in sequence.
                jdbc.sql("update generation_user_quotas set daily_credit_limit = ?, updated_at = ?, updated_by = ?"
                                + " where workspace_id = ?")
                        .params(limit, now, actor, workspaceId)
                        .update();
            }
        }
    }

    /**
     * Refuses a task of {@code price} credits for {@code user} when the user's credits of today (UTC, by the tasks'
     * creation time) plus the price would pass the limit: the API key's own limit ({@code keyLimit}) when it has one,
     * else the workspace's. The user's credits are counted across the workspace either way (the key chooses which
     * limit applies, not which tasks count). Call it inside the accept transaction, after the workspace's balance-row
     * lock; free tasks and tasks without a user are not limited.
     */
    void check(String workspaceId, String user, long price, Instant now, Long keyLimit) {
        if (user == null || price <= 0) {
            return;
        }
        Optional<Long> limit = keyLimit != null ? Optional.of(keyLimit) : dailyCreditLimit(workspaceId);
        if (limit.isEmpty()) {
            return;
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant midnight = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        long spent = jdbc.sql(SPENT_TODAY)
                .param("workspaceId", workspaceId)
                .param("user", user)
                .param("from", Timestamp.from(today.atStartOfDay(ZoneOffset.UTC).toInstant()))
                .param("to", Timestamp.from(midnight))
                .query(Long.class)
                .single();
        if (spent + price > limit.get()) {
            throw new GenerationException(
                    Reason.USER_QUOTA_EXCEEDED,
                    "This user has used " + spent + " of the " + limit.get() + " credits a user may spend per day "
                            + (keyLimit != null ? "with this API key" : "in this workspace") + "; this task needs "
                            + price + ". The limit resets at 00:00 UTC.",
                    Duration.between(now, midnight));
        }
    }
}
