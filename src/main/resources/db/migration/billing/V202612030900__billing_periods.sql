-- Module billing: a plan allowance is an entitlement of one billing period of one subscription. One row per
-- (subscription, period end): what the period's paid invoices entitle it to (never more than the allowance of the
-- largest plan paid for in it) and the ledger reference of the grant whose lot holds it now. A new period's row
-- replaces the previous period's lot; an upgrade replaces the period's own lot with a larger one.
create table billing_periods (
    subscription_id varchar(255) not null,
    period_end      datetime(6)  not null,
    workspace_id    varchar(40)  not null,
    period_start    datetime(6),
    plan            varchar(64)  not null,
    ceiling         bigint       not null,
    entitled        bigint       not null,
    lot_reference   varchar(255),
    created_at      datetime(6)  not null,
    updated_at      datetime(6)  not null,
    constraint pk_billing_periods primary key (subscription_id, period_end),
    constraint ck_billing_periods_entitled check (entitled >= 0 and entitled <= ceiling)
);
create index ix_billing_periods_workspace on billing_periods (workspace_id);

-- Where a pending plan change is kept while Stripe carries it out at the period end (a subscription schedule).
alter table billing_subscriptions add column scheduled_plan varchar(64);
