-- Module generation: a workspace's default credit limit per end user (the `user` of a task) per UTC day, and the
-- index that sums one user's credits of one day under the acceptance lock (and lists spend by user).
create table generation_user_quotas (
    workspace_id       varchar(40)  not null,
    daily_credit_limit bigint       not null,
    updated_at         datetime(6)  not null,
    updated_by         varchar(80),
    constraint pk_generation_user_quotas primary key (workspace_id)
);
create index ix_image_tasks_workspace_user_created on image_tasks (workspace_id, end_user, created_at);
