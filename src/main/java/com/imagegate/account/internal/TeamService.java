package com.imagegate.account.internal;

import com.imagegate.account.AccountException;
import com.imagegate.account.AccountProperties;
import com.imagegate.account.MemberRemoved;
import com.imagegate.account.PendingInvitation;
import com.imagegate.account.SignUp;
import com.imagegate.account.Teams;
import com.imagegate.account.WorkspaceMember;
import com.imagegate.account.WorkspaceRole;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
class TeamService implements Teams {

    static final Duration INVITATION_VALIDITY = Duration.ofDays(7);
    static final String NOT_FOUND = "There is no such workspace or member.";
    static final String BAD_INVITATION = "This invitation is invalid, already used, withdrawn or expired.";

    private final Users users;
    private final Workspaces workspaces;
    private final Memberships memberships;
    private final Invitations invitations;
    private final Mailer mailer;
    private final AccountService accounts;
    private final Clock clock;
    private final AccountProperties properties;
    private final ApplicationEventPublisher events;

    TeamService(
            Users users,
            Workspaces workspaces,
            Memberships memberships,
            Invitations invitations,
            Mailer mailer,
            AccountService accounts,
            Clock clock,
            AccountProperties properties,
            ApplicationEventPublisher events) {
        this.properties = properties;
        this.events = events;
        this.users = users;
        this.workspaces = workspaces;
        this.memberships = memberships;
        this.invitations = invitations;
        this.mailer = mailer;
        this.accounts = accounts;
        this.clock = clock;
    }

    @Override
    @Transactional
    public String createWorkspace(String userId, String name) {
        Workspace workspace = workspaces.save(Workspace.team(name, userId, clock.instant()));
        memberships.save(new Membership(workspace.id(), userId, WorkspaceRole.OWNER, clock.instant()));
        return workspace.id();
    }

    @Override
    @Transactional(readOnly = true)
    public List<WorkspaceMember> members(String actorUserId, String workspaceId) {
        membership(actorUserId, workspaceId);
        List<Membership> all = memberships.findByWorkspaceId(workspaceId);
        Map<String, User> people = users
                .findAllById(all.stream().map(Membership::userId).toList())
                .stream()
                .collect(Collectors.toMap(User::id, Function.identity()));
        return all.stream()
                .filter(m -> people.containsKey(m.userId())
                        && !people.get(m.userId()).deleted())
                .map(m -> new WorkspaceMember(m.userId(), people.get(m.userId()).email(), m.role(), m.createdAt()))
                .sorted(Comparator.comparing(WorkspaceMember::role).thenComparing(WorkspaceMember::email))
                .toList();
    }

    @Override
    @Transactional(readOnly = true)
    public List<PendingInvitation> invitations(String actorUserId, String workspaceId) {
        manager(actorUserId, workspaceId);
        return invitations.findOpen(workspaceId, clock.instant()).stream()
                .map(Invitation::pending)
                .toList();
    }

    @Override
    @Transactional
    public void invite(String actorUserId, String workspaceId, String email, WorkspaceRole role) {
        // Serializes invitations of one workspace: the limit and the one-live-invitation rule hold under concurrency.
        workspaces.lock(workspaceId);
        Membership actor = manager(actorUserId, workspaceId);
        Workspace workspace = workspaces.findById(workspaceId).orElseThrow();
        if (workspace.personal()) {
            throw new AccountException(
                    null, "Personal workspaces are yours alone. Create a team workspace to invite people.");
        }
        if (role == null) {
            throw new AccountException("role", "Choose a role.");
        }
        if (role == WorkspaceRole.OWNER && actor.role() != WorkspaceRole.OWNER) {
            throw new AccountException("role", "Only owners can invite owners.");
        }
        String address = SignUp.normalizeEmail(email);
        var existing = users.findByEmail(address);
        if (existing.isPresent()
                && memberships
                        .findByWorkspaceIdAndUserId(workspaceId, existing.get().id())
                        .isPresent()) {
            throw new AccountException("email", "That person is already a member.");
        }
        Instant now = clock.instant();
        Instant dayAgo = now.minus(Duration.ofDays(1));
        if (invitations.countByWorkspaceIdAndCreatedAtAfter(workspaceId, dayAgo)
                >= properties.invitationsPerWorkspacePerDay()) {
            throw new AccountException(
                    "email",
                    "This workspace has sent " + properties.invitationsPerWorkspacePerDay()
                            + " invitations in the last 24 hours, the most it may. Try again later.");
        }
        if (invitations.countByEmailAndCreatedAtAfter(address, dayAgo) >= properties.invitationsPerAddressPerDay()) {
            throw new AccountException(
                    "email", "This address has received as many invitations as it may in 24 hours. Try again later.");
        }
        // One live invitation per address and workspace: a new one replaces (withdraws) the previous link.
        invitations.findOpenFor(workspaceId, address, now).forEach(previous -> previous.revoke(now));
        String token = Secrets.newToken();
        invitations.save(new Invitation(
                workspaceId,
                address,
                role,
                Secrets.sha256(token),
                actorUserId,
                clock.instant().plus(INVITATION_VALIDITY),
                clock.instant()));
        mailer.send(
                address,
                "You are invited to " + workspace.summary().name() + " on Imagegate",
                "You have been invited to join the workspace \""
                        + workspace.summary().name() + "\" on Imagegate as "
                        + role.name().toLowerCase(Locale.ROOT) + ".\n\nAccept the invitation here:\n"
                        + accounts.link("/invitations/accept?token=" + token)
                        + "\n\nSign in (or sign up) with this email address. The link works once and expires in 7 days.");
    }

    @Override
    @Transactional
    public void revokeInvitation(String actorUserId, String workspaceId, String invitationId) {
        manager(actorUserId, workspaceId);
        invitations
                .findByIdAndWorkspaceId(invitationId, workspaceId)
                .orElseThrow(() -> new AccountException(null, NOT_FOUND))
                .revoke(clock.instant());
    }

    @Override
    @Transactional
    public String acceptInvitation(String userId, String token) {
        if (token == null || token.isBlank() || token.length() > 100) {
            throw new AccountException("token", BAD_INVITATION);
        }
        Invitation invitation = invitations
                .findByTokenHash(Secrets.sha256(token))
                .filter(i -> i.openAt(clock.instant()))
                .orElseThrow(() -> new AccountException("token", BAD_INVITATION));
        User user = users.findById(userId).orElseThrow();
        if (!user.email().equals(invitation.email())) {
            throw new AccountException(
                    "token", "This invitation is for another email address. Sign in with the invited address.");
        }
        if (memberships
                .findByWorkspaceIdAndUserId(invitation.workspaceId(), userId)
                .isPresent()) {
            invitations.accept(invitation.id(), clock.instant());
            return invitation.workspaceId();
        }
        if (invitations.accept(invitation.id(), clock.instant()) != 1) {
            throw new AccountException("token", BAD_INVITATION);
        }
        memberships.save(new Membership(invitation.workspaceId(), userId, invitation.role(), clock.instant()));
        return invitation.workspaceId();
    }

    @Override
    @Transactional
    public void changeRole(String actorUserId, String workspaceId, String memberUserId, WorkspaceRole role) {
        workspaces.lock(workspaceId);
        Membership actor = manager(actorUserId, workspaceId);
        Membership target = membership(memberUserId, workspaceId);
        if (role == null) {
            throw new AccountException("role", "Choose a role.");
        }
        boolean touchesOwners = role == WorkspaceRole.OWNER || target.role() == WorkspaceRole.OWNER;
        if (touchesOwners && actor.role() != WorkspaceRole.OWNER) {
            throw new AccountException("role", "Only owners can make or unmake owners.");
        }
        if (target.role() == WorkspaceRole.OWNER && role != WorkspaceRole.OWNER) {
            keepAnOwner(workspaceId);
        }
        target.changeRole(role);
    }

    @Override
    @Transactional
    public void removeMember(String actorUserId, String workspaceId, String memberUserId) {
        workspaces.lock(workspaceId);
        Membership target = membership(memberUserId, workspaceId);
        if (!actorUserId.equals(memberUserId)) {
            Membership actor = manager(actorUserId, workspaceId);
            if (target.role() == WorkspaceRole.OWNER && actor.role() != WorkspaceRole.OWNER) {
                throw new AccountException(null, "Only owners can remove owners.");
            }
        }
        if (workspaces.findById(workspaceId).orElseThrow().personal()) {
            throw new AccountException(null, "You cannot leave your personal workspace.");
        }
        if (target.role() == WorkspaceRole.OWNER) {
            keepAnOwner(workspaceId);
        }
        memberships.delete(target);
        // The keys they made here stop working with the removal (the API-key module revokes them, audited).
        events.publishEvent(new MemberRemoved(workspaceId, memberUserId, actorUserId));
    }

    private void keepAnOwner(String workspaceId) {
        if (memberships.countByWorkspaceIdAndRole(workspaceId, WorkspaceRole.OWNER) <= 1) {
            throw new AccountException("role", "A workspace needs at least one owner. Make someone else owner first.");
        }
    }

    /** The caller's membership; a workspace they are not in is "not found", never "forbidden". */
    private Membership membership(String userId, String workspaceId) {
        return memberships
                .findByWorkspaceIdAndUserId(workspaceId, userId)
                .orElseThrow(() -> new AccountException(null, NOT_FOUND));
    }

    private Membership manager(String userId, String workspaceId) {
        Membership membership = membership(userId, workspaceId);
        if (!membership.role().canManage()) {
            throw new AccountException(null, "Only owners and admins of this workspace can do that.");
        }
        return membership;
    }
}
