-- Module account: password sign-in throttling, one row per scope (hashed: the account from one client, the client,
-- the account from all clients). Each attempt is counted under a row lock before its password is checked, so
-- parallel guesses cannot pass the limit; a scope over its limit is locked out, for longer with each lockout
-- (strikes). Replaces the per-window failure counts, which were read before they were written.
create table sign_in_throttles (
    scope         varchar(64) not null,
    attempts      int         not null,
    window_start  bigint      not null,
    strikes       int         not null,
    blocked_until bigint      not null,
    updated_at    bigint      not null,
    constraint pk_sign_in_throttles primary key (scope)
);
create index ix_sign_in_throttles_updated on sign_in_throttles (updated_at);
drop table sign_in_windows;
