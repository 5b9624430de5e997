package com.imagegate.web.internal;

import com.imagegate.account.Accounts;
import com.imagegate.account.Member;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Who is signed in, and in which of their workspaces (kept in the session, their personal one by default). */
@Component
class CurrentMember {

    private static final String WORKSPACE_ATTRIBUTE = "imagegate.workspaceId";
    private static final String REQUEST_ATTRIBUTE = CurrentMember.class.getName() + ".member";

    private final Accounts accounts;

    CurrentMember(Accounts accounts) {
        this.accounts = accounts;
    }

    /**
     * The member, looked up once per request: the page header and the controller both ask for it, and it costs
     * several queries.
     */
    @SuppressWarnings("unchecked")
    Optional<Member> find(HttpServletRequest request) {
        Object cached = request.getAttribute(REQUEST_ATTRIBUTE);
        if (cached instanceof Optional<?> member) {
            return (Optional<Member>) member;
        }
        Optional<Member> member = lookUp(request);
        request.setAttribute(REQUEST_ATTRIBUTE, member);
        return member;
    }

    private Optional<Member> lookUp(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        if (principal == null) {
            return Optional.empty();
        }
        HttpSession session = request.getSession(false);
        String selected = session == null ? null : (String) session.getAttribute(WORKSPACE_ATTRIBUTE);
        return accounts.member(principal.getName(), selected);
    }

    /** Selects a workspace for this session if the member belongs to it; false when they do not. */
    boolean select(HttpServletRequest request, String workspaceId) {
        request.removeAttribute(REQUEST_ATTRIBUTE); // memberships may have changed in this request
        var member = find(request);
        if (member.isEmpty() || member.get().workspaces().stream().noneMatch(w -> w.id().equals(workspaceId))) {
            return false;
        }
        request.getSession().setAttribute(WORKSPACE_ATTRIBUTE, workspaceId);
        request.removeAttribute(REQUEST_ATTRIBUTE);
        return true;
    }
}
