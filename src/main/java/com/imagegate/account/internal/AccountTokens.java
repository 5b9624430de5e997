package com.imagegate.account.internal;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface AccountTokens extends JpaRepository<AccountToken, String> {

    Optional<AccountToken> findByTokenHashAndPurpose(String tokenHash, AccountToken.Purpose purpose);

    long countByUserIdAndPurposeAndCreatedAtAfter(String userId, AccountToken.Purpose purpose, Instant after);

    /** Marks the token used if nobody has yet: 1 for the one caller that wins, 0 for everyone else. */
    @Modifying
    @Query("update AccountToken t set t.usedAt = :now where t.id = :id and t.usedAt is null and t.expiresAt > :now")
    int use(String id, Instant now);

    /** Spends every open token of this purpose for a user, so an older link stops working after a newer one is used. */
    @Modifying
    @Query(
            "update AccountToken t set t.usedAt = :now where t.userId = :userId and t.purpose = :purpose and t.usedAt is null")
    int useAll(String userId, AccountToken.Purpose purpose, Instant now);
}
