-- Module account: invitations into team workspaces, bound to one email; only token hashes are stored.
create table invitations (
    id           varchar(40)  not null,
    workspace_id varchar(40)  not null,
    email        varchar(320) not null,
    role         varchar(16)  not null,
    token_hash   varchar(64)  not null,
    invited_by   varchar(40)  not null,
    expires_at   datetime(6)  not null,
    accepted_at  datetime(6),
    revoked_at   datetime(6),
    created_at   datetime(6)  not null,
    constraint pk_invitations primary key (id),
    constraint uk_invitations_token unique (token_hash),
    constraint fk_invitations_workspace foreign key (workspace_id) references workspaces (id)
);
create index ix_invitations_workspace on invitations (workspace_id, created_at);
