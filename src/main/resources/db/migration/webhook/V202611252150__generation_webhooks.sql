-- Module generation: task webhooks. One delivery per task ending (unique task_id), every attempt recorded, and each
-- workspace's signing secret (kept as is: signing needs the secret itself, see the README).
create table webhook_secrets (
    workspace_id          varchar(40)  not null,
    secret                varchar(128) not null,
    previous_secret       varchar(128),
    previous_valid_until  datetime(6),
    created_at            datetime(6)  not null,
    constraint pk_webhook_secrets primary key (workspace_id)
);

create table webhook_deliveries (
    id               varchar(40)   not null,
    task_id          varchar(40)   not null,
    workspace_id     varchar(40)   not null,
    url              varchar(2048) not null,
    task_status      varchar(16)   not null,
    status           varchar(16)   not null,
    attempts         int           not null,
    last_status_code int,
    last_error       varchar(500),
    next_attempt_at  datetime(6),
    created_at       datetime(6)   not null,
    finished_at      datetime(6),
    constraint pk_webhook_deliveries primary key (id),
    constraint uk_webhook_deliveries_task unique (task_id)
);
create index ix_webhook_deliveries_workspace on webhook_deliveries (workspace_id, created_at);
create index ix_webhook_deliveries_due on webhook_deliveries (status, next_attempt_at);

create table webhook_attempts (
    id            varchar(40)  not null,
    delivery_id   varchar(40)  not null,
    task_id       varchar(40)  not null,
    workspace_id  varchar(40)  not null,
    attempt       int          not null,
    attempted_at  datetime(6)  not null,
    status_code   int,
    duration_ms   bigint       not null,
    error         varchar(500),
    next_retry_at datetime(6),
    constraint pk_webhook_attempts primary key (id),
    constraint uk_webhook_attempts_number unique (delivery_id, attempt),
    constraint fk_webhook_attempts_delivery foreign key (delivery_id) references webhook_deliveries (id)
);
