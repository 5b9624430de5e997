-- Module credits: which key budget alerts were sent. One row per (key, budget period, period start, level): the
-- reservation that takes the key's spend in the period to 80% or 100% of its budget inserts the row under the
-- workspace's credit_account lock and publishes credits.KeyBudgetReached; the row commits or rolls back with that
-- reservation, so each level alerts once per key per period. A new period has a new start, hence fresh rows.
create table credit_key_budget_alerts (
    api_key_id   varchar(40)  not null,
    budget_period varchar(10) not null,
    period_start datetime(6)  not null,
    alert_level  int          not null,
    workspace_id varchar(40)  not null,
    budget       bigint       not null,
    spent        bigint       not null,
    created_at   datetime(6)  not null,
    constraint pk_credit_key_budget_alerts primary key (api_key_id, budget_period, period_start, alert_level),
    constraint ck_credit_key_budget_alerts_level check (alert_level in (80, 100))
);
