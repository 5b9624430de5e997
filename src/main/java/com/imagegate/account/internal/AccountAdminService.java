package com.imagegate.account.internal;

import com.imagegate.account.AccountAdmin;
import com.imagegate.account.AccountException;
import com.imagegate.account.Role;
import com.imagegate.account.SessionsRevoked;
import com.imagegate.account.SignupPolicy;
import com.imagegate.account.WorkspaceMember;
import com.imagegate.account.WorkspaceRole;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Operators' view of accounts: read with SQL over the module's own tables; changes through the entities. */
@Service
class AccountAdminService implements AccountAdmin {

    static final String LAST_ADMIN = "This is the last admin: promote someone else before removing this admin role.";
    private static final String USER_COLUMNS =
            "u.id, u.email, u.role, u.email_verified, u.deleted_at, u.signup_ip, u.created_at";
    private static final String WORKSPACE_COLUMNS = "w.id, w.name, w.personal, w.suspended, w.created_by,"
            + " w.created_at, c.email as creator_email, c.signup_ip as creator_ip";

    private final JdbcClient jdbc;
    private final Users users;
    private final Workspaces workspaces;
    private final SignupPolicies policies;
    private final Clock clock;
    private final WorkspaceSummaries summaries;
    private final ApplicationEventPublisher events;

    AccountAdminService(
            ApplicationEventPublisher events,
            JdbcClient jdbc,
            Users users,
            Workspaces workspaces,
            SignupPolicies policies,
            Clock clock,
            WorkspaceSummaries summaries) {
        this.summaries = summaries;
        this.events = events;
        this.jdbc = jdbc;
        this.users = users;
        this.workspaces = workspaces;
        this.policies = policies;
        this.clock = clock;
    }

    @Override
    public List<UserRecord> findUsers(String text, int limit) {
        String query = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (query.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select " + USER_COLUMNS + " from users u where u.id = :id or lower(u.email) like :like"
                        + " order by u.created_at desc, u.id desc limit :limit")
                .param("id", text.strip())
                .param("like", "%" + escapeLike(query) + "%")
                .param("limit", clamp(limit))
                .query(AccountAdminService::user)
                .list();
    }

    @Override
    public List<WorkspaceRecord> findWorkspaces(String text, int limit) {
        String query = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (query.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select " + WORKSPACE_COLUMNS + " from workspaces w join users c on c.id = w.created_by"
                        + " where w.id = :id or lower(w.name) like :like"
                        + " order by w.created_at desc, w.id desc limit :limit")
                .param("id", text.strip())
                .param("like", "%" + escapeLike(query) + "%")
                .param("limit", clamp(limit))
                .query(AccountAdminService::workspace)
                .list();
    }

    @Override
    public Optional<UserRecord> user(String userId) {
        return jdbc.sql("select " + USER_COLUMNS + " from users u where u.id = ?")
                .param(userId)
                .query(AccountAdminService::user)
                .optional();
    }

    @Override
    public Optional<WorkspaceRecord> workspaceRecord(String workspaceId) {
        return jdbc.sql("select " + WORKSPACE_COLUMNS + " from workspaces w join users c on c.id = w.created_by"
                        + " where w.id = ?")
                .param(workspaceId)
                .query(AccountAdminService::workspace)
                .optional();
    }

    @Override
    public List<WorkspaceMember> members(String workspaceId) {
        return jdbc
                .sql("select m.user_id, u.email, m.role, m.created_at from memberships m"
                        + " join users u on u.id = m.user_id where m.workspace_id = ? order by m.created_at")
                .param(workspaceId)
                .query((rs, row) -> new WorkspaceMember(
                        rs.getString("user_id"),
                        rs.getString("email"),
                        WorkspaceRole.valueOf(rs.getString("role")),
                        instant(rs, "created_at")))
                .list()
                .stream()
                .sorted(Comparator.comparing(WorkspaceMember::role))
                .toList();
    }

    @Override
    public List<WorkspaceRecord> workspacesOf(String userId) {
        return jdbc.sql("select " + WORKSPACE_COLUMNS + " from workspaces w join users c on c.id = w.created_by"
                        + " join memberships m on m.workspace_id = w.id where m.user_id = ?"
                        + " order by w.personal desc, w.created_at")
                .param(userId)
                .query(AccountAdminService::workspace)
                .list();
    }

    @Override
    @Transactional
    public boolean setSuspended(String workspaceId, boolean suspended) {
        Workspace workspace = workspaces
                .lock(workspaceId)
                .orElseThrow(() -> new AccountException("workspaceId", "There is no workspace " + workspaceId + "."));
        boolean before = workspace.suspended();
        workspace.suspend(suspended, clock.instant());
        summaries.changed(workspaceId);
        return before;
    }

    @Override
    @Transactional
    public Role setRole(String userId, Role role) {
        // Lock every admin row first: two admins demoting each other at once are serialized, one stays.
        List<String> admins = jdbc.sql("select id from users where role = 'ADMIN' order by id for update")
                .query(String.class)
                .list();
        User user = users.findById(userId)
                .filter(u -> !u.deleted())
                .orElseThrow(() -> new AccountException("userId", "There is no user " + userId + "."));
        Role before = user.role();
        if (before == Role.ADMIN && role != Role.ADMIN && admins.size() <= 1) {
            throw new AccountException("role", LAST_ADMIN);
        }
        user.changeRole(role, clock.instant());
        if (before == Role.ADMIN && role != Role.ADMIN) {
            // Their open sessions carry the admin authority: they end now, on every node.
            events.publishEvent(new SessionsRevoked(user.id(), user.email(), "admin-role-removed"));
        }
        return before;
    }

    @Override
    public long signups(Instant from, Instant to) {
        return jdbc.sql("select count(*) from users where created_at >= ? and created_at < ?")
                .params(utc(from), utc(to))
                .query(Long.class)
                .single();
    }

    @Override
    public List<DailyCount> dailySignups(LocalDate from, LocalDate to) {
        return jdbc.sql(
                        "select cast(created_at as date) as usage_day, count(*) as n from users"
                                + " where created_at >= ? and created_at < ? group by cast(created_at as date) order by usage_day")
                .params(from.atStartOfDay(), to.plusDays(1).atStartOfDay())
                .query((rs, row) -> new DailyCount(rs.getObject("usage_day", LocalDate.class), rs.getLong("n")))
                .list();
    }

    @Override
    public List<IpSignups> signupAddresses(Instant since, int limit) {
        return jdbc.sql("select signup_ip, count(*) as n, max(created_at) as last from users"
                        + " where signup_ip is not null and created_at >= ? group by signup_ip"
                        + " order by n desc, last desc limit ?")
                .params(utc(since), clamp(limit))
                .query((rs, row) -> new IpSignups(rs.getString("signup_ip"), rs.getLong("n"), instant(rs, "last")))
                .list();
    }

    @Override
    public List<WorkspaceRecord> workspacesFromAddress(String address, int limit) {
        return jdbc.sql("select " + WORKSPACE_COLUMNS + " from workspaces w join users c on c.id = w.created_by"
                        + " where c.signup_ip = ? and w.personal = true order by w.created_at desc limit ?")
                .params(address == null ? "" : address.strip(), clamp(limit))
                .query(AccountAdminService::workspace)
                .list();
    }

    @Override
    public SignupPolicy signupPolicy() {
        return policies.current();
    }

    @Override
    @Transactional
    public void updateSignupPolicy(SignupPolicy policy, String actorUserId) {
        policies.save(policy, actorUserId, clock.instant());
    }

    @Override
    public List<SignupAllowance> signupAllowances() {
        return policies.allowances();
    }

    @Override
    @Transactional
    public String allowSignupNetwork(String addressOrPrefix, String reason, String actorUserId) {
        String network = network(addressOrPrefix);
        if (!policies.allow(network, reason, actorUserId, clock.instant())) {
            throw new AccountException("network", network + " is already allowed.");
        }
        return network;
    }

    @Override
    @Transactional
    public String removeSignupAllowance(String addressOrPrefix) {
        String network = network(addressOrPrefix);
        if (!policies.disallow(network)) {
            throw new AccountException("network", network + " is not allowed.");
        }
        return network;
    }

    private static String network(String addressOrPrefix) {
        String network = SignupPolicy.network(addressOrPrefix);
        if (network == null) {
            throw new AccountException(
                    "network", "Enter an IPv4 address (203.0.113.7), an IPv6 address or an IPv6 /64 prefix.");
        }
        return network;
    }

    private static UserRecord user(ResultSet rs, int row) throws SQLException {
        return new UserRecord(
                rs.getString("id"),
                rs.getString("email"),
                Role.valueOf(rs.getString("role")),
                rs.getBoolean("email_verified"),
                rs.getObject("deleted_at") != null,
                rs.getString("signup_ip"),
                instant(rs, "created_at"));
    }

    private static WorkspaceRecord workspace(ResultSet rs, int row) throws SQLException {
        return new WorkspaceRecord(
                rs.getString("id"),
                rs.getString("name"),
                rs.getBoolean("personal"),
                rs.getBoolean("suspended"),
                rs.getString("created_by"),
                rs.getString("creator_email"),
                rs.getString("creator_ip"),
                instant(rs, "created_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static int clamp(int limit) {
        return Math.max(1, Math.min(limit, 200));
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
