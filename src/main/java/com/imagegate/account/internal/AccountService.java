package com.imagegate.account.internal;

import com.imagegate.account.AccountException;
import com.imagegate.account.Accounts;
import com.imagegate.account.Member;
import com.imagegate.account.SignUp;
import com.imagegate.account.UserSignedUp;
import com.imagegate.account.WorkspaceRole;
import com.imagegate.account.WorkspaceSummary;
import java.time.Clock;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
class AccountService implements Accounts {

    static final String EMAIL_TAKEN = "An account with this email already exists. Sign in instead.";

    private final Users users;
    private final Workspaces workspaces;
    private final Memberships memberships;
    private final PasswordEncoder passwordEncoder;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    AccountService(
            Users users,
            Workspaces workspaces,
            Memberships memberships,
            PasswordEncoder passwordEncoder,
            ApplicationEventPublisher events,
            Clock clock) {
        this.users = users;
        this.workspaces = workspaces;
        this.memberships = memberships;
        this.passwordEncoder = passwordEncoder;
        this.events = events;
        this.clock = clock;
    }

    @Override
    @Transactional
    public String signUp(SignUp signUp) {
        if (users.findByEmail(signUp.email()).isPresent()) {
            throw new AccountException("email", EMAIL_TAKEN);
        }
        return register(User.member(signUp.email(), passwordEncoder.encode(signUp.password()), clock.instant()));
    }

    /**
     * Inserts the user (the unique email index settles races between concurrent sign-ups), gives them a personal
     * workspace they own, and announces it. Runs in the caller's transaction.
     */
    String register(User user) {
        try {
            users.saveAndFlush(user);
        } catch (DataIntegrityViolationException raced) {
            throw new AccountException("email", EMAIL_TAKEN);
        }
        Workspace personal = workspaces.save(Workspace.personalFor(user, clock.instant()));
        memberships.save(new Membership(personal.id(), user.id(), WorkspaceRole.OWNER, clock.instant()));
        events.publishEvent(new UserSignedUp(user.id(), user.email(), personal.id()));
        return user.id();
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<Member> member(String email, String selectedWorkspaceId) {
        String normalized;
        try {
            normalized = SignUp.normalizeEmail(email);
        } catch (AccountException notAnEmail) {
            return Optional.empty();
        }
        return users.findByEmail(normalized).filter(user -> !user.deleted()).flatMap(user -> {
            var all = workspaces.findAllOfMember(user.id());
            if (all.isEmpty()) {
                return Optional.empty();
            }
            Workspace current = all.stream()
                    .filter(w -> w.id().equals(selectedWorkspaceId))
                    .findFirst()
                    .orElse(all.getFirst());
            WorkspaceRole role = memberships
                    .findByWorkspaceIdAndUserId(current.id(), user.id())
                    .orElseThrow()
                    .role();
            return Optional.of(new Member(
                    user.id(),
                    user.email(),
                    user.role(),
                    current.summary(),
                    role,
                    all.stream().map(Workspace::summary).toList()));
        });
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<WorkspaceSummary> workspace(String workspaceId) {
        return workspaceId == null
                ? Optional.empty()
                : workspaces.findById(workspaceId).map(Workspace::summary);
    }

    @Override
    @Transactional
    public String createWorkspace(String userId, String name) {
        Workspace workspace = workspaces.save(Workspace.team(name, userId, clock.instant()));
        memberships.save(new Membership(workspace.id(), userId, WorkspaceRole.OWNER, clock.instant()));
        return workspace.id();
    }
}
