package com.imagegate.generation.internal;

import com.imagegate.Ids;
import com.imagegate.generation.ContentPolicy;
import com.imagegate.generation.ProtectionProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Strikes, pauses and the denylist ({@link ContentPolicy}). A strike is counted with the workspace's {@code
 * content_standing} row locked, so parallel refusals on any node count one after another and the one that reaches
 * {@code imagegate.protection.strikes-per-day} within 24 hours pauses the workspace, once, publishing {@link
 * ContentPolicy.WorkspacePaused} in that transaction. Unpausing moves {@code strikes_since} to now: older strikes no
 * longer count.
 */
@Service
class ContentPolicyService implements ContentPolicy {

    private static final Logger log = LoggerFactory.getLogger(ContentPolicyService.class);

    static final Duration STRIKE_WINDOW = Duration.ofHours(24);

    /** The longest prompt kept with a strike (the admins read it; the column is a TEXT). */
    static final int MAX_KEPT_PROMPT = 4000;

    private static final String STANDING =
            "workspace_id, strikes_since, paused_at, paused_strikes, reviewed_at, reviewed_by, review_note";

    private final JdbcClient jdbc;
    private final ProtectionProperties properties;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final Clock clock;

    ContentPolicyService(
            JdbcClient jdbc,
            ProtectionProperties properties,
            ApplicationEventPublisher events,
            TransactionTemplate transactions,
            Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public boolean paused(String workspaceId) {
        return jdbc.sql("select count(*) from content_standing where workspace_id = ? and paused_at is not null")
                        .param(workspaceId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** True when the prompt matches a denylisted phrase. */
    boolean denied(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            return false;
        }
        List<String> phrases = jdbc.sql("select phrase from prompt_denylist")
                .query(String.class)
                .list();
        return DenylistPhrases.matches(prompt, phrases);
    }

    /**
     * Records a content-policy refusal of the workspace (its own transaction) and pauses the workspace when it is the
     * strike that reaches the day's limit. Returns true when this strike paused it.
     */
    boolean strike(String workspaceId, String source, String taskId, String prompt) {
        try {
            jdbc.sql("insert into content_standing (workspace_id, paused_strikes) values (?, 0)")
                    .param(workspaceId)
                    .update();
        } catch (DuplicateKeyException exists) {
            // the usual case after the first strike
        }
        Boolean paused = transactions.execute(status -> {
            Instant now = clock.instant();
            Standing standing = jdbc.sql(
                            "select " + STANDING + " from content_standing where workspace_id = ? for update")
                    .param(workspaceId)
                    .query(ContentPolicyService::standing)
                    .single();
            jdbc.sql("insert into content_strikes (id, workspace_id, created_at, source, task_id, prompt)"
                            + " values (?, ?, ?, ?, ?, ?)")
                    .params(Ids.next("strk"), workspaceId, utc(now), source, taskId, kept(prompt))
                    .update();
            if (standing.pausedAt() != null || properties.strikesPerDay() == 0) {
                return false;
            }
            Instant since = now.minus(STRIKE_WINDOW);
            if (standing.strikesSince() != null && standing.strikesSince().isAfter(since)) {
                since = standing.strikesSince();
            }
            int strikes = strikesSince(workspaceId, since);
            if (strikes < properties.strikesPerDay()) {
                return false;
            }
            jdbc.sql("update content_standing set paused_at = ?, paused_strikes = ?, reviewed_at = null,"
                            + " reviewed_by = null, review_note = null where workspace_id = ?")
                    .params(utc(now), strikes, workspaceId)
                    .update();
            events.publishEvent(new WorkspacePaused(workspaceId, strikes, now));
            return true;
        });
        if (Boolean.TRUE.equals(paused)) {
            log.warn(
                    "Workspace {} paused for review: {} content-policy strikes within 24 hours",
                    workspaceId,
                    properties.strikesPerDay());
        }
        return Boolean.TRUE.equals(paused);
    }

    private int strikesSince(String workspaceId, Instant since) {
        return jdbc.sql("select count(*) from content_strikes where workspace_id = ? and created_at >= ?")
                .params(workspaceId, utc(since))
                .query(Integer.class)
                .single();
    }

    @Override
    public List<PausedWorkspace> pausedWorkspaces() {
        return jdbc
                .sql("select " + STANDING + " from content_standing where paused_at is not null"
                        + " order by case when reviewed_at is null then 0 else 1 end, paused_at limit 500")
                .query(ContentPolicyService::standing)
                .list()
                .stream()
                .map(Standing::pause)
                .toList();
    }

    @Override
    public Optional<Review> review(String workspaceId, int limit) {
        var standing = jdbc.sql("select " + STANDING + " from content_standing where workspace_id = ?"
                        + " and paused_at is not null")
                .param(workspaceId)
                .query(ContentPolicyService::standing)
                .optional();
        return standing.map(s -> new Review(
                s.pause(),
                jdbc.sql("select created_at, source, task_id, prompt from content_strikes where workspace_id = ?"
                                + " order by created_at desc, id desc limit ?")
                        .params(workspaceId, limit)
                        .query((rs, i) -> new Strike(
                                instant(rs, "created_at"),
                                rs.getString("source"),
                                rs.getString("task_id"),
                                rs.getString("prompt")))
                        .list()));
    }

    @Override
    public boolean unpause(String workspaceId, String admin, String note) {
        return jdbc.sql("update content_standing set paused_at = null, paused_strikes = 0, strikes_since = ?,"
                                + " reviewed_at = ?, reviewed_by = ?, review_note = ?"
                                + " where workspace_id = ? and paused_at is not null")
                        .params(utc(clock.instant()), utc(clock.instant()), admin, note, workspaceId)
                        .update()
                == 1;
    }

    @Override
    public boolean keepPaused(String workspaceId, String admin, String note) {
        return jdbc.sql("update content_standing set reviewed_at = ?, reviewed_by = ?, review_note = ?"
                                + " where workspace_id = ? and paused_at is not null")
                        .params(utc(clock.instant()), admin, note, workspaceId)
                        .update()
                == 1;
    }

    @Override
    public List<DeniedPhrase> denylist() {
        return jdbc.sql("select id, phrase, created_at, created_by from prompt_denylist order by phrase")
                .query((rs, i) -> new DeniedPhrase(
                        rs.getString("id"),
                        rs.getString("phrase"),
                        instant(rs, "created_at"),
                        rs.getString("created_by")))
                .list();
    }

    @Override
    public DeniedPhrase deny(String input, String admin) {
        String phrase = DenylistPhrases.phrase(input);
        long entries = jdbc.sql("select count(*) from prompt_denylist")
                .query(Long.class)
                .single();
        if (entries >= properties.denylistMaxEntries()) {
            throw new IllegalArgumentException(
                    "The denylist is full (" + properties.denylistMaxEntries() + " phrases): remove one first.");
        }
        var entry = new DeniedPhrase(Ids.next("deny"), phrase, clock.instant(), admin);
        try {
            jdbc.sql("insert into prompt_denylist (id, phrase, created_at, created_by) values (?, ?, ?, ?)")
                    .params(entry.id(), phrase, utc(entry.createdAt()), admin)
                    .update();
        } catch (DuplicateKeyException twice) {
            throw new IllegalArgumentException("\"" + phrase + "\" is already on the denylist.");
        }
        return entry;
    }

    @Override
    public Optional<DeniedPhrase> allow(String id) {
        var entry = denylist().stream().filter(d -> d.id().equals(id)).findFirst();
        entry.ifPresent(d ->
                jdbc.sql("delete from prompt_denylist where id = ?").param(id).update());
        return entry;
    }

    private static String kept(String prompt) {
        if (prompt == null) {
            return null;
        }
        if (prompt.length() <= MAX_KEPT_PROMPT) {
            return prompt;
        }
        int end = MAX_KEPT_PROMPT;
        if (Character.isHighSurrogate(prompt.charAt(end - 1))) {
            end--;
        }
        return prompt.substring(0, end) + "…";
    }

    private record Standing(
            String workspaceId,
            Instant strikesSince,
            Instant pausedAt,
            int pausedStrikes,
            Instant reviewedAt,
            String reviewedBy,
            String note) {
        PausedWorkspace pause() {
            return new PausedWorkspace(workspaceId, pausedAt, pausedStrikes, reviewedAt, reviewedBy, note);
        }
    }

    private static Standing standing(ResultSet rs, int row) throws SQLException {
        return new Standing(
                rs.getString("workspace_id"),
                instant(rs, "strikes_since"),
                instant(rs, "paused_at"),
                rs.getInt("paused_strikes"),
                instant(rs, "reviewed_at"),
                rs.getString("reviewed_by"),
                rs.getString("review_note"));
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
