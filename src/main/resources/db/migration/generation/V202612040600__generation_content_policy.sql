-- Module generation: protecting the upstream account. A workspace's content-policy standing (one row once it has a
-- strike; the row is locked while a strike is counted, so parallel refusals make exactly one pause), its strikes
-- (our pre-check's and the upstream's content_policy_violation refusals, with the prompt for the admins' review), and
-- the admin-edited prompt denylist.
create table content_standing (
    workspace_id  varchar(40)  not null,
    strikes_since datetime(6),
    paused_at     datetime(6),
    paused_strikes int         not null default 0,
    reviewed_at   datetime(6),
    reviewed_by   varchar(255),
    review_note   varchar(500),
    constraint pk_content_standing primary key (workspace_id)
);
create index ix_content_standing_paused on content_standing (paused_at);

create table content_strikes (
    id           varchar(40)  not null,
    workspace_id varchar(40)  not null,
    created_at   datetime(6)  not null,
    source       varchar(20)  not null,
    task_id      varchar(40),
    prompt       text,
    constraint pk_content_strikes primary key (id)
);
create index ix_content_strikes_workspace_created on content_strikes (workspace_id, created_at);

create table prompt_denylist (
    id         varchar(40)  not null,
    phrase     varchar(200) not null,
    created_at datetime(6)  not null,
    created_by varchar(255),
    constraint pk_prompt_denylist primary key (id),
    constraint uq_prompt_denylist_phrase unique (phrase)
);
