-- Module account: workspaces (tenants) and who belongs to them.
alter table users add column email_verified boolean default false not null;
alter table users add column deleted_at datetime(6);

create table workspaces (
    id          varchar(40)  not null,
    name        varchar(200) not null,
    personal    boolean      not null,
    suspended   boolean      not null,
    created_by  varchar(40)  not null,
    created_at  datetime(6)  not null,
    updated_at  datetime(6)  not null,
    constraint pk_workspaces primary key (id),
    constraint fk_workspaces_created_by foreign key (created_by) references users (id)
);
create index ix_workspaces_created_by on workspaces (created_by);

create table memberships (
    id           varchar(40) not null,
    workspace_id varchar(40) not null,
    user_id      varchar(40) not null,
    role         varchar(16) not null,
    created_at   datetime(6) not null,
    constraint pk_memberships primary key (id),
    constraint uk_memberships_workspace_user unique (workspace_id, user_id),
    constraint fk_memberships_workspace foreign key (workspace_id) references workspaces (id),
    constraint fk_memberships_user foreign key (user_id) references users (id)
);
create index ix_memberships_user on memberships (user_id);
