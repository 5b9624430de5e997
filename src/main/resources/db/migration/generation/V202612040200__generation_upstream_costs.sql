-- Module generation: what each upstream call cost the operator (docs/operations.md, "Money pages").
-- Amounts are integer micro-units of the operator's cost currency (imagegate.generation.cost-currency): 1 USD = 1000000.
alter table task_attempts add column billed_images int not null default 0;
alter table task_attempts add column cost_micros bigint not null default 0;
alter table task_attempts add column cost_currency varchar(3);
-- The sum of its attempts' costs, kept on the task (tasks are kept; unbilled attempts are deleted after the retention).
alter table image_tasks add column upstream_cost_micros bigint not null default 0;

-- An admin's price per image of one channel, size and quality; a cell without a row costs the built-in default.
create table upstream_channel_prices (
    channel     varchar(64)  not null,
    size        varchar(16)  not null,
    quality     varchar(16)  not null,
    micros      bigint       not null,
    changed_at  datetime(6)  not null,
    constraint pk_upstream_channel_prices primary key (channel, size, quality)
);
