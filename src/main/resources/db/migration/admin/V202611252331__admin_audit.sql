-- Module admin: the append-only audit log of every admin action (inserted, read and filtered; the application has no
-- statement that updates or deletes it; an action that must happen once, like a task's refund, carries a unique
-- reference), and the ledger integrity checks admins ran, with their results.
create table admin_audit_log (
    id           varchar(40)   not null,
    created_at   datetime(6)   not null,
    admin_id     varchar(40)   not null,
    admin_email  varchar(320)  not null,
    action       varchar(64)   not null,
    target_type  varchar(32)   not null,
    target_id    varchar(200)  not null,
    workspace_id varchar(40),
    before_state varchar(2000),
    after_state  varchar(2000),
    reason       varchar(500),
    reference    varchar(200),
    constraint pk_admin_audit_log primary key (id),
    constraint uk_admin_audit_reference unique (reference)
);
create index ix_admin_audit_created on admin_audit_log (created_at, id);
create index ix_admin_audit_workspace on admin_audit_log (workspace_id, created_at);
create index ix_admin_audit_admin on admin_audit_log (admin_id, created_at);
create index ix_admin_audit_action on admin_audit_log (action, created_at);

create table admin_integrity_runs (
    id                 varchar(40)   not null,
    checked_at         datetime(6)   not null,
    run_by             varchar(40)   not null,
    workspaces         int           not null,
    consistent         boolean       not null,
    discrepancies      int           not null,
    stale_reservations int           not null,
    summary            varchar(4000) not null,
    constraint pk_admin_integrity_runs primary key (id)
);
create index ix_admin_integrity_checked on admin_integrity_runs (checked_at);
