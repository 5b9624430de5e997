package com.imagegate.web.internal;

import com.imagegate.account.SessionsRevoked;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Ends a user's browser sessions when the account module says their sign-ins must end (password changed or reset,
 * admin role removed, account deleted). Sessions are stored in the database (Spring Session JDBC) and indexed by the
 * signed-in name, the user's email, so this ends them on every node at once. The session of the request that made the
 * change is kept: a user who changed their own password stays signed in there.
 */
@Component
class SignedInSessions {

    private static final Logger log = LoggerFactory.getLogger(SignedInSessions.class);

    private final FindByIndexNameSessionRepository<? extends Session> sessions;

    SignedInSessions(FindByIndexNameSessionRepository<? extends Session> sessions) {
        this.sessions = sessions;
    }

    @EventListener
    void on(SessionsRevoked revoked) {
        String current = currentSessionId();
        int ended = 0;
        for (String id : sessions.findByPrincipalName(revoked.email()).keySet()) {
            if (!id.equals(current)) {
                sessions.deleteById(id);
                ended++;
            }
        }
        log.info("Ended {} session(s) of user {} ({})", ended, revoked.userId(), revoked.reason());
    }

    private static String currentSessionId() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpSession session = attributes.getRequest().getSession(false);
            return session == null ? null : session.getId();
        }
        return null;
    }
}
