package com.imagegate.admin.internal.jobrunr;

import com.imagegate.account.Member;
import com.imagegate.admin.internal.AdminAudit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The audit log's entries for changes made through JobRunr's dashboard. */
@Service
class JobRunrAudit {

    private final AdminAudit audit;

    JobRunrAudit(AdminAudit audit) {
        this.audit = audit;
    }

    /**
     * Records a change made through JobRunr's dashboard, after JobRunr made it (its storage is not part of our
     * transaction): the call, its target, the target's state before and after.
     */
    @Transactional
    void record(Member admin, JobRunrCall call, String before, String after) {
        audit.record(
                admin,
                call.action(),
                call.targetType(),
                call.targetId(),
                null,
                before,
                after,
                "JobRunr dashboard",
                null);
    }
}
