-- Module credits: an append-only ledger. Balances are sums of credit_entry; the other tables are the lock row,
-- the lots' running totals and the reservations' state, all checked against the entries by the integrity report.

-- One row per workspace: every write to a workspace's credits locks it first (select ... for update), which serializes
-- them. spendable = sum(credit_entry.amount), reserved = sum(credit_entry.held) for the workspace. The checks make
-- a negative balance impossible to store, whatever the code does.
create table credit_account (
    workspace_id varchar(40) not null,
    spendable    bigint      not null,
    reserved     bigint      not null,
    created_at   datetime(6) not null,
    updated_at   datetime(6) not null,
    constraint pk_credit_account primary key (workspace_id),
    constraint ck_credit_account_spendable check (spendable >= 0),
    constraint ck_credit_account_reserved check (reserved >= 0)
);

-- Every credit that comes in is a lot. available = sum(credit_allocation.amount), held = sum(credit_allocation.held)
-- for the lot; an expired lot's available credits are written off by an expiry entry.
create table credit_lot (
    id           varchar(40) not null,
    workspace_id varchar(40) not null,
    source       varchar(16) not null,
    granted      bigint      not null,
    available    bigint      not null,
    held         bigint      not null,
    expires_at   datetime(6),
    created_at   datetime(6) not null,
    constraint pk_credit_lot primary key (id),
    constraint ck_credit_lot_available check (available >= 0),
    constraint ck_credit_lot_held check (held >= 0),
    constraint ck_credit_lot_granted check (available + held <= granted)
);
create index ix_credit_lot_workspace on credit_lot (workspace_id, expires_at);
create index ix_credit_lot_expires on credit_lot (expires_at);

-- The ledger: one row per logical operation, never updated or deleted. The unique reference makes every retry a
-- no-op. amount: signed change of spendable credits; held: signed change of reserved credits.
create table credit_entry (
    id              varchar(40)  not null,
    workspace_id    varchar(40)  not null,
    kind            varchar(16)  not null,
    amount          bigint       not null,
    held            bigint       not null,
    reference       varchar(255) not null,
    reservation_ref varchar(200),
    api_key_id      varchar(40),
    actor           varchar(100) not null,
    reason          varchar(500),
    created_at      datetime(6)  not null,
    constraint pk_credit_entry primary key (id),
    constraint uk_credit_entry_reference unique (reference)
);
create index ix_credit_entry_history on credit_entry (workspace_id, created_at, id);

-- Which lots an entry touched (a reserve may span several): per entry, the allocations sum to its amount and held.
create table credit_allocation (
    entry_id varchar(40) not null,
    lot_id   varchar(40) not null,
    amount   bigint      not null,
    held     bigint      not null,
    constraint pk_credit_allocation primary key (entry_id, lot_id),
    constraint fk_credit_allocation_entry foreign key (entry_id) references credit_entry (id),
    constraint fk_credit_allocation_lot foreign key (lot_id) references credit_lot (id)
);
create index ix_credit_allocation_lot on credit_allocation (lot_id);

-- A reservation's state: HELD until captured or released, exactly once.
create table credit_reservation (
    reference    varchar(200) not null,
    workspace_id varchar(40)  not null,
    api_key_id   varchar(40),
    credits      bigint       not null,
    captured     bigint       not null,
    released     bigint       not null,
    state        varchar(16)  not null,
    actor        varchar(100) not null,
    created_at   datetime(6)  not null,
    settled_at   datetime(6),
    constraint pk_credit_reservation primary key (reference)
);
create index ix_credit_reservation_state on credit_reservation (state, created_at);
create index ix_credit_reservation_key on credit_reservation (api_key_id, created_at);
