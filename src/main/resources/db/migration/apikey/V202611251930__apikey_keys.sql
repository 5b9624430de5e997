-- Module apikey: API keys. Only the SHA-256 of a secret is stored (64 hex digits), with its first characters for
-- display. No foreign keys into the account module's tables: a module owns its tables.
create table api_keys (
    id                 varchar(40)  not null,
    workspace_id       varchar(40)  not null,
    created_by         varchar(40)  not null,
    name               varchar(200) not null,
    mode               varchar(8)   not null,
    prefix             varchar(16)  not null,
    secret_hash        char(64)     not null,
    expires_at         datetime(6),
    monthly_credit_cap bigint,
    created_at         datetime(6)  not null,
    revoked_at         datetime(6),
    last_used_at       datetime(6),
    last_used_ip       varchar(45),
    constraint pk_api_keys primary key (id),
    constraint uk_api_keys_secret_hash unique (secret_hash)
);
create index ix_api_keys_workspace on api_keys (workspace_id, created_at);
create index ix_api_keys_created_by on api_keys (created_by);
