-- Module generation: the upstream calls each task made (its timeline), and the admin's switch of upstream channels.
create table task_attempts (
    id           varchar(40)  not null,
    task_id      varchar(40)  not null,
    part         int          not null,
    attempt      int          not null,
    channel      varchar(64)  not null,
    endpoint     varchar(16)  not null,
    status_code  int,
    error_code   varchar(64),
    images       int          not null,
    started_at   datetime(6)  not null,
    duration_ms  bigint       not null,
    constraint pk_task_attempts primary key (id)
);
create index ix_task_attempts_task on task_attempts (task_id, started_at);

create table upstream_channel_switches (
    name        varchar(64)  not null,
    enabled     boolean      not null,
    changed_at  datetime(6)  not null,
    constraint pk_upstream_channel_switches primary key (name)
);
