-- Module billing: automatic top-up. One settings row per workspace (the saved card, the rule, the monthly maximum,
-- failures in a row and whether that paused it), and one row per attempt: unique per crossing of the threshold, its id
-- is the Stripe idempotency key of its one PaymentIntent. Credits come only from the signed payment_intent.succeeded
-- webhook (ledger reference stripe:<payment intent>, a billing_payments row of kind TOPUP).
create table billing_topup_settings (
    workspace_id      varchar(40)  not null,
    enabled           boolean      not null,
    threshold         bigint,
    pack              varchar(64),
    monthly_max       int,
    failures_in_row   int          not null,
    paused            boolean      not null,
    payment_method    varchar(255),
    card_brand        varchar(32),
    card_last4        varchar(4),
    card_saved_at     bigint,
    updated_at        datetime(6)  not null,
    updated_by        varchar(100),
    constraint pk_billing_topup_settings primary key (workspace_id)
);

create table billing_topups (
    id              varchar(40)   not null,
    workspace_id    varchar(40)   not null,
    crossing        varchar(40)   not null,
    charge_month    varchar(7)    not null,
    pack            varchar(64)   not null,
    credits         bigint        not null,
    amount_cents    bigint        not null,
    currency        varchar(8)    not null,
    status          varchar(16)   not null,
    payment_intent  varchar(255),
    failure_code    varchar(40),
    failure_message varchar(500),
    created_at      datetime(6)   not null,
    updated_at      datetime(6)   not null,
    constraint pk_billing_topups primary key (id),
    constraint uk_billing_topups_crossing unique (crossing)
);
create index ix_billing_topups_workspace on billing_topups (workspace_id, created_at);
create index ix_billing_topups_intent on billing_topups (payment_intent);
