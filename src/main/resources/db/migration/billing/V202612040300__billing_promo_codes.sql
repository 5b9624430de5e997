-- Module billing: promo codes. Admins create a code (credits, how long the credits stay valid, the code's own expiry,
-- the most redemptions in total, first-purchase-only, enabled); a workspace redeems a code at most once. Each
-- redemption is one ledger grant, reference promo:<code id>:<workspace id>.
--
-- Redemptions of one code are serialized by a row lock on its billing_promo_codes row (select ... for update), on
-- every node; the counter's check constraint and the unique (code, workspace) key hold the rules even if the code
-- around them were wrong.
create table billing_promo_codes (
    id                  varchar(40)  not null,
    code                varchar(40)  not null,
    credits             bigint       not null,
    credit_validity_days int,
    expires_at          datetime(6),
    max_redemptions     int          not null,
    redemptions         int          not null,
    first_purchase_only boolean      not null,
    enabled             boolean      not null,
    note                varchar(200),
    created_by          varchar(100) not null,
    created_at          datetime(6)  not null,
    updated_at          datetime(6)  not null,
    constraint pk_billing_promo_codes primary key (id),
    -- Stored normalized (upper case, no spaces or dashes), so a lookup is case-insensitive on any collation.
    constraint uk_billing_promo_codes_code unique (code),
    constraint ck_billing_promo_codes_credits check (credits > 0),
    constraint ck_billing_promo_codes_validity check (credit_validity_days is null or credit_validity_days > 0),
    constraint ck_billing_promo_codes_max check (max_redemptions > 0),
    constraint ck_billing_promo_codes_redemptions check (redemptions >= 0 and redemptions <= max_redemptions)
);

create table billing_promo_redemptions (
    id              varchar(40)  not null,
    code_id         varchar(40)  not null,
    workspace_id    varchar(40)  not null,
    user_id         varchar(40)  not null,
    credits         bigint       not null,
    lot_expires_at  datetime(6),
    ledger_entry_id varchar(40)  not null,
    created_at      datetime(6)  not null,
    constraint pk_billing_promo_redemptions primary key (id),
    constraint uk_billing_promo_redemptions_once unique (code_id, workspace_id),
    constraint fk_billing_promo_redemptions_code foreign key (code_id) references billing_promo_codes (id)
);
create index ix_billing_promo_redemptions_code on billing_promo_redemptions (code_id, created_at);

-- Redemption attempts in fixed windows, per workspace (scope w:<id>) and per client address (a:<address>), shared by
-- every node. Counted before the code is looked at, so parallel guesses cannot slip past the limit.
create table billing_promo_attempts (
    scope        varchar(80) not null,
    window_start bigint      not null,
    attempts     int         not null,
    constraint pk_billing_promo_attempts primary key (scope, window_start)
);
