-- Module account: OAuth2/OIDC sign-in methods linked to users.
create table user_identities (
    id          varchar(40)  not null,
    user_id     varchar(40)  not null,
    provider    varchar(64)  not null,
    subject     varchar(255) not null,
    email       varchar(320) not null,
    created_at  datetime(6)  not null,
    constraint pk_user_identities primary key (id),
    constraint uk_user_identities_provider_subject unique (provider, subject),
    constraint fk_user_identities_user foreign key (user_id) references users (id)
);
create index ix_user_identities_user on user_identities (user_id);
