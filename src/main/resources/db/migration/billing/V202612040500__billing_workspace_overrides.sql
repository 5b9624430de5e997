-- Module billing: an admin's custom terms for one workspace (issue 22, "custom limits and prices per workspace"). A
-- null column follows the plan: requests_per_minute (task creations per minute), concurrent_tasks (unfinished tasks at
-- once) and price_multiplier (an exact decimal, 0.10 to 10.00, applied to the list price per image). No row, or a
-- row of nulls, is the plan's defaults. Every change is written to the admin audit log by the admin module.
create table billing_workspace_overrides (
    workspace_id        varchar(40)   not null,
    requests_per_minute int,
    concurrent_tasks    int,
    price_multiplier    decimal(5, 2),
    updated_at          datetime(6)   not null,
    updated_by          varchar(100)  not null,
    constraint pk_billing_workspace_overrides primary key (workspace_id)
);
