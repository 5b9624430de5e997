-- Module account: single-use, expiring mail links (password reset, email verification). Only hashes are stored.
create table account_tokens (
    id          varchar(40) not null,
    purpose     varchar(32) not null,
    user_id     varchar(40) not null,
    token_hash  varchar(64) not null,
    expires_at  datetime(6) not null,
    used_at     datetime(6),
    created_at  datetime(6) not null,
    constraint pk_account_tokens primary key (id),
    constraint uk_account_tokens_hash unique (token_hash),
    constraint fk_account_tokens_user foreign key (user_id) references users (id)
);
create index ix_account_tokens_user on account_tokens (user_id, purpose, created_at);
