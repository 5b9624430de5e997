-- Module account: people who sign in. Ids are prefixed opaque strings (usr_...); emails are stored lower-cased.
create table users (
    id            varchar(40)  not null,
    email         varchar(320) not null,
    password_hash varchar(255),
    role          varchar(16)  not null,
    enabled       boolean      not null,
    created_at    datetime(6)  not null,
    updated_at    datetime(6)  not null,
    constraint pk_users primary key (id),
    constraint uk_users_email unique (email)
);
