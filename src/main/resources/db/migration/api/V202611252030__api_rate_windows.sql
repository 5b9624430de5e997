-- Module api: fixed one-minute windows of task creations per workspace, shared by every node.
create table rate_windows (
    scope        varchar(64) not null,
    window_start bigint      not null,
    requests     int         not null,
    constraint pk_rate_windows primary key (scope, window_start)
);
