package com.imagegate.account.internal;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface Workspaces extends JpaRepository<Workspace, String> {

    /** Locks the workspace row so membership changes that must keep an owner are serialized. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select w from Workspace w where w.id = :id")
    Optional<Workspace> lock(String id);

    /** A declared query, so it runs without the read-only transaction that inherited {@code findById} opens. */
    @Query("select w from Workspace w where w.id = :id")
    Optional<Workspace> lookup(String id);

    @Query("select w from Workspace w where w.createdBy = :userId and w.personal = true")
    Optional<Workspace> findPersonal(String userId);

    @Query("select w from Workspace w, Membership m where m.workspaceId = w.id and m.userId = :userId"
            + " order by w.personal desc, w.createdAt asc")
    List<Workspace> findAllOfMember(String userId);
}
