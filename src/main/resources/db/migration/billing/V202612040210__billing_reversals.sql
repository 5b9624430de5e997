-- Module billing: money given back on a payment (Stripe refunds and disputes), for the margin page. One row per
-- increment: a refund event carries the charge's cumulative refunded amount, recorded as what it adds to the refunds
-- already recorded (under the payment's row lock); a dispute is recorded once, by its id. Never more than the payment.
create table billing_reversals (
    id            varchar(40)   not null,
    payment_id    varchar(40)   not null,
    workspace_id  varchar(40)   not null,
    kind          varchar(16)   not null,
    reference     varchar(255)  not null,
    amount_cents  bigint        not null,
    currency      varchar(8)    not null,
    created_at    datetime(6)   not null,
    constraint pk_billing_reversals primary key (id),
    constraint uk_billing_reversals_reference unique (reference)
);
create index ix_billing_reversals_payment on billing_reversals (payment_id);
create index ix_billing_reversals_created on billing_reversals (created_at);
create index ix_billing_payments_created on billing_payments (created_at);
