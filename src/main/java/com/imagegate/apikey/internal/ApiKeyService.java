package com.imagegate.apikey.internal;

import com.imagegate.AuthCache;
import com.imagegate.Ids;
import com.imagegate.ImagegateProperties;
import com.imagegate.account.Member;
import com.imagegate.account.MemberRemoved;
import com.imagegate.account.UserDeleted;
import com.imagegate.apikey.ApiKeyException;
import com.imagegate.apikey.ApiKeyPrincipal;
import com.imagegate.apikey.ApiKeySummary;
import com.imagegate.apikey.ApiKeys;
import com.imagegate.apikey.CreatedApiKey;
import com.imagegate.apikey.MemberKeysRevoked;
import com.imagegate.apikey.NewApiKey;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
class ApiKeyService implements ApiKeys {

    static final int MAX_EXPIRY_YEARS = 10;
    private static final Logger log = LoggerFactory.getLogger(ApiKeyService.class);

    private final ApiKeyStore store;
    private final LastUse lastUse;
    private final Clock clock;
    /** Keys recently found by their secret's hash; any revocation forgets them all on this node. */
    private final AuthCache<String, ApiKeyStore.StoredKey> recent;

    private final ApplicationEventPublisher events;

    ApiKeyService(
            ApiKeyStore store,
            LastUse lastUse,
            Clock clock,
            ImagegateProperties properties,
            ApplicationEventPublisher events) {
        this.events = events;
        this.store = store;
        this.lastUse = lastUse;
        this.clock = clock;
        this.recent = new AuthCache<>(properties, 10_000);
    }

    @Override
    @Transactional
    public CreatedApiKey create(Member by, NewApiKey key) {
        requireManager(by);
        Instant now = clock.instant();
        Instant expiresAt = expiry(key.expiresOn(), now);
        String secret = ApiKeySecrets.generate(key.mode());
        var summary = new ApiKeySummary(
                Ids.next("key"),
                key.name(),
                ApiKeySecrets.visiblePrefix(secret),
                key.mode(),
                by.userId(),
                now,
                expiresAt,
                key.monthlyCreditCap(),
                key.budgetPeriod(),
                null,
                null,
                null,
                key.userDailyCreditLimit());
        store.insert(new ApiKeyStore.StoredKey(
                summary, by.workspace().id(), ApiKeySecrets.hex(ApiKeySecrets.sha256(secret))));
        log.info(
                "API key {} ({}) created in workspace {} by {}",
                summary.id(),
                summary.prefix(),
                by.workspace().id(),
                by.userId());
        return new CreatedApiKey(summary, secret);
    }

    @Override
    public List<ApiKeySummary> list(String workspaceId) {
        return store.findAllOfWorkspace(workspaceId).stream()
                .map(ApiKeyStore.StoredKey::summary)
                .toList();
    }

    @Override
    public Optional<ApiKeySummary> find(String workspaceId, String keyId) {
        if (workspaceId == null || keyId == null) {
            return Optional.empty();
        }
        return store.find(workspaceId, keyId).map(ApiKeyStore.StoredKey::summary);
    }

    @Override
    @Transactional
    public boolean revoke(Member by, String keyId) {
        requireManager(by);
        if (find(by.workspace().id(), keyId).isEmpty()) {
            return false;
        }
        recent.invalidateAllAfterCommit();
        if (store.revoke(by.workspace().id(), keyId, clock.instant()) == 1) {
            log.info(
                    "API key {} revoked in workspace {} by {}",
                    keyId,
                    by.workspace().id(),
                    by.userId());
        }
        return true;
    }

    @Override
    public List<WorkspaceKey> findByPrefix(String prefix, int limit) {
        String text = prefix == null ? "" : prefix.strip();
        if (text.length() < 8) {
            return List.of();
        }
        // A pasted whole secret (or more than the stored prefix) is searched by its visible prefix.
        text = text.substring(0, Math.min(text.length(), ApiKeySecrets.VISIBLE_PREFIX_LENGTH));
        return store.findByPrefix(text, Math.max(1, Math.min(limit, 100))).stream()
                .map(key -> new WorkspaceKey(key.workspaceId(), key.summary()))
                .toList();
    }

    @Override
    @Transactional
    public boolean revokeAsOperator(String workspaceId, String keyId, String operatorUserId) {
        if (find(workspaceId, keyId).isEmpty()) {
            return false;
        }
        recent.invalidateAllAfterCommit();
        if (store.revoke(workspaceId, keyId, clock.instant()) == 1) {
            log.info("API key {} revoked in workspace {} by operator {}", keyId, workspaceId, operatorUserId);
        }
        return true;
    }

    /**
     * Not transactional on purpose: one indexed read, no transaction statements around it, and none at all while this
     * node's look at the key is younger than {@code imagegate.auth-cache-ttl} (expiry is checked on every call).
     */
    @Override
    public Optional<ApiKeyPrincipal> authenticate(String secret, String clientAddress) {
        if (!ApiKeySecrets.wellFormed(secret)) {
            return Optional.empty();
        }
        byte[] hash = ApiKeySecrets.sha256(secret);
        var found = Optional.ofNullable(recent.get(
                ApiKeySecrets.hex(hash), hex -> store.findBySecretHash(hex).orElse(null)));
        if (found.isEmpty()
                || !ApiKeySecrets.sameHash(ApiKeySecrets.unhex(found.get().secretHash()), hash)) {
            return Optional.empty();
        }
        var key = found.get().summary();
        Instant now = clock.instant();
        if (key.status(now) != ApiKeySummary.Status.ACTIVE || key.mode() != ApiKeySecrets.modeOf(secret)) {
            return Optional.empty();
        }
        lastUse.record(key.id(), clientAddress, now);
        return Optional.of(new ApiKeyPrincipal(
                key.id(),
                found.get().workspaceId(),
                key.mode(),
                key.monthlyCreditCap(),
                key.budgetPeriod(),
                key.userDailyCreditLimit()));
    }

    /**
     * A deleted user's keys stop working with the deletion: this runs in the deleting transaction (a plain
     * {@code @EventListener}, not an after-commit one), so the account and its keys go together or not at all.
     */
    @EventListener
    @Transactional
    public void on(UserDeleted deleted) {
        recent.invalidateAllAfterCommit();
        int revoked = store.revokeAllOf(deleted.userId(), deleted.personalWorkspaceId(), clock.instant());
        log.info("Revoked {} API key(s) of deleted user {}", revoked, deleted.userId());
    }

    /**
     * A member who leaves or is removed from a workspace can no longer act for it: the keys they created there are
     * revoked in the removing transaction (their secrets may still be in the member's hands), and the revocation is
     * announced for the audit log.
     */
    @EventListener
    @Transactional
    public void on(MemberRemoved removed) {
        List<String> keyIds = store.liveKeysCreatedBy(removed.workspaceId(), removed.userId());
        if (keyIds.isEmpty()) {
            return;
        }
        recent.invalidateAllAfterCommit();
        Instant now = clock.instant();
        List<String> revoked = keyIds.stream()
                .filter(keyId -> store.revoke(removed.workspaceId(), keyId, now) == 1)
                .toList();
        log.info(
                "Revoked {} API key(s) of user {} removed from workspace {}",
                revoked.size(),
                removed.userId(),
                removed.workspaceId());
        events.publishEvent(
                new MemberKeysRevoked(removed.workspaceId(), removed.userId(), removed.actorUserId(), revoked));
    }

    /** The key works through the whole chosen day in UTC: it expires at the next midnight. */
    private Instant expiry(LocalDate expiresOn, Instant now) {
        if (expiresOn == null) {
            return null;
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (expiresOn.isBefore(today)) {
            throw new ApiKeyException("expiresOn", "The expiry date must be today or later.");
        }
        if (expiresOn.isAfter(today.plusYears(MAX_EXPIRY_YEARS))) {
            throw new ApiKeyException("expiresOn", "The expiry date must be within " + MAX_EXPIRY_YEARS + " years.");
        }
        return expiresOn.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static void requireManager(Member by) {
        if (!by.canManageWorkspace()) {
            throw new AccessDeniedException("Only owners and admins of a workspace can manage its API keys.");
        }
    }
}
