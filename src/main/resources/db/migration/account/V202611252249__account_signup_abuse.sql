-- Module account: the address each account was signed up from (abuse controls), and the admins' sign-up rules.
alter table users add column signup_ip varchar(64);
create index ix_users_signup_ip on users (signup_ip, created_at);
create index ix_users_created on users (created_at);

-- One row (id = 1) once an admin has saved the rules; until then the configured defaults apply.
create table signup_policy (
    id                        int          not null,
    max_signups_per_ip_per_day int         not null,
    denied_email_domains      mediumtext   not null,
    updated_by                varchar(40)  not null,
    updated_at                datetime(6)  not null,
    constraint pk_signup_policy primary key (id)
);
