package com.imagegate.apikey.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.Ids;
import com.imagegate.account.UserDeleted;
import com.imagegate.apikey.ApiKeyMode;
import com.imagegate.apikey.ApiKeySummary;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The api_keys queries against MariaDB: what the hot path and the listeners rely on. */
@MariaDbIntegrationTest
class ApiKeyStoreIT {

    @Autowired
    ApiKeyStore store;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    DataSource dataSource;

    @Test
    void lastUseIsWrittenAtMostOncePerIntervalEvenAcrossNodes() {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String key = insert("usr_a", "ws_a", t0);

        assertThat(store.recordUse(key, "10.0.0.1", t0, t0.minus(LastUse.INTERVAL)))
                .isOne();
        // A second node, 30 s later, with its own empty memory: the row already holds a recent enough use.
        assertThat(store.recordUse(
                        key, "10.0.0.2", t0.plusSeconds(30), t0.plusSeconds(30).minus(LastUse.INTERVAL)))
                .isZero();
        assertThat(summary(key).lastUsedAt()).isEqualTo(t0);
        assertThat(summary(key).lastUsedIp()).isEqualTo("10.0.0.1");

        Instant t61 = t0.plusSeconds(61);
        assertThat(store.recordUse(key, "10.0.0.3", t61, t61.minus(LastUse.INTERVAL)))
                .isOne();
        assertThat(summary(key).lastUsedAt()).isEqualTo(t61);
        assertThat(summary(key).lastUsedIp()).isEqualTo("10.0.0.3");
    }

    @Test
    void instantsRoundTripWithMicroseconds() {
        Instant created = Instant.parse("2026-11-25T19:30:12.345678Z");
        String key = insert("usr_b", "ws_b", created);

        assertThat(summary(key).createdAt()).isEqualTo(created);
    }

    @Test
    void aDeletedUsersKeysAndTheirPersonalWorkspacesKeysAreRevokedWithTheDeletion() {
        Instant now = Instant.now();
        String user = Ids.next("usr");
        String other = Ids.next("usr");
        String personal = Ids.next("ws");
        String team = Ids.next("ws");
        String elsewhere = Ids.next("ws");
        String ownInPersonal = insert(user, personal, now);
        String ownInTeam = insert(user, team, now);
        String othersInPersonal = insert(other, personal, now);
        String othersInTeam = insert(other, team, now);
        String unrelated = insert(other, elsewhere, now);

        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            events.publishEvent(new UserDeleted(user, personal));
            status.setRollbackOnly();
        });
        assertThat(List.of(ownInPersonal, ownInTeam, othersInPersonal))
                .as("rolled back with the deletion")
                .allSatisfy(id -> assertThat(summary(id).revokedAt()).isNull());

        new TransactionTemplate(transactions)
                .executeWithoutResult(status -> events.publishEvent(new UserDeleted(user, personal)));

        assertThat(List.of(ownInPersonal, ownInTeam, othersInPersonal))
                .allSatisfy(
                        id -> assertThat(summary(id).status(Instant.now())).isEqualTo(ApiKeySummary.Status.REVOKED));
        assertThat(List.of(othersInTeam, unrelated))
                .allSatisfy(id -> assertThat(summary(id).revokedAt()).isNull());
    }

    private String insert(String createdBy, String workspaceId, Instant createdAt) {
        String secret = ApiKeySecrets.generate(ApiKeyMode.LIVE);
        var summary = new ApiKeySummary(
                Ids.next("key"),
                "k",
                ApiKeySecrets.visiblePrefix(secret),
                ApiKeyMode.LIVE,
                createdBy,
                createdAt,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        store.insert(new ApiKeyStore.StoredKey(summary, workspaceId, ApiKeySecrets.hex(ApiKeySecrets.sha256(secret))));
        return summary.id();
    }

    private ApiKeySummary summary(String keyId) {
        String workspaceId = new JdbcTemplate(dataSource)
                .queryForObject("select workspace_id from api_keys where id = ?", String.class, keyId);
        return store.find(workspaceId, keyId).orElseThrow().summary();
    }
}
