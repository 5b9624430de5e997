-- Module billing: Stripe customers, checkouts, the payments that granted credits, subscriptions (the plan of a
-- workspace), every Stripe event processed (a replay is a no-op) and flags for admins (disputes, refund shortfalls).
create table billing_customers (
    workspace_id       varchar(40)  not null,
    stripe_customer_id varchar(255) not null,
    created_at         datetime(6)  not null,
    constraint pk_billing_customers primary key (workspace_id),
    constraint uk_billing_customers_stripe unique (stripe_customer_id)
);

create table billing_checkouts (
    id           varchar(255) not null,
    workspace_id varchar(40)  not null,
    kind         varchar(16)  not null,
    product      varchar(64)  not null,
    status       varchar(16)  not null,
    created_by   varchar(40)  not null,
    created_at   datetime(6)  not null,
    updated_at   datetime(6)  not null,
    constraint pk_billing_checkouts primary key (id)
);
create index ix_billing_checkouts_workspace on billing_checkouts (workspace_id, created_at);

create table billing_payments (
    id             varchar(40)   not null,
    workspace_id   varchar(40)   not null,
    kind           varchar(16)   not null,
    product        varchar(64)   not null,
    stripe_object  varchar(255)  not null,
    payment_intent varchar(255),
    amount_cents   bigint        not null,
    currency       varchar(8)    not null,
    credits        bigint        not null,
    expires_at     datetime(6),
    invoice_url    varchar(1000),
    reclaim_asked  bigint        not null,
    reclaimed      bigint        not null,
    created_at     datetime(6)   not null,
    constraint pk_billing_payments primary key (id),
    constraint uk_billing_payments_object unique (stripe_object)
);
create index ix_billing_payments_workspace on billing_payments (workspace_id, created_at);
create index ix_billing_payments_intent on billing_payments (payment_intent);

create table billing_subscriptions (
    id                   varchar(255)  not null,
    workspace_id         varchar(40)   not null,
    plan                 varchar(64)   not null,
    status               varchar(32)   not null,
    current_period_end   datetime(6),
    cancel_at_period_end boolean       not null,
    payment_failed_at    datetime(6),
    failed_invoice_url   varchar(1000),
    updated_at           datetime(6)   not null,
    constraint pk_billing_subscriptions primary key (id)
);
create index ix_billing_subscriptions_workspace on billing_subscriptions (workspace_id);

create table billing_events (
    id           varchar(255) not null,
    type         varchar(100) not null,
    workspace_id varchar(40),
    outcome      varchar(500) not null,
    received_at  datetime(6)  not null,
    constraint pk_billing_events primary key (id)
);

create table billing_flags (
    id           varchar(40)  not null,
    workspace_id varchar(40)  not null,
    reason       varchar(32)  not null,
    reference    varchar(255) not null,
    detail       varchar(500) not null,
    created_at   datetime(6)  not null,
    resolved_at  datetime(6),
    constraint pk_billing_flags primary key (id),
    constraint uk_billing_flags_reference unique (reference)
);
create index ix_billing_flags_workspace on billing_flags (workspace_id);
