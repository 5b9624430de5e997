-- Module account: the free sign-up credits are given once per person, keyed by the mailbox an address delivers to
-- (Mailboxes.person: lower-case, no +tag, no dots in the local part at gmail.com/googlemail.com, googlemail.com counted
-- as gmail.com). The primary key settles parallel sign-ups of one person: one claim, one grant.
create table free_credit_claims (
    mailbox    varchar(320) not null,
    user_id    varchar(40)  not null,
    claimed_at datetime(6)  not null,
    constraint pk_free_credit_claims primary key (mailbox)
);

-- Every existing account was given the free credits at sign-up: record their mailboxes as claimed, so a new account for
-- one of them gets none. Where one person already has several accounts, one of them is recorded.
insert into free_credit_claims (mailbox, user_id, claimed_at)
select c.mailbox, min(c.id), min(c.created_at)
from (
    select case when b.domain_part in ('gmail.com', 'googlemail.com')
                then concat(replace(b.local_part, '.', ''), '@gmail.com')
                else concat(b.local_part, '@', b.domain_part) end as mailbox,
           b.id, b.created_at
    from (
        select case when locate('+', a.raw_local) > 1
                    then substring(a.raw_local, 1, locate('+', a.raw_local) - 1)
                    else a.raw_local end as local_part,
               a.domain_part, a.id, a.created_at
        from (
            select substring(email, 1, locate('@', email) - 1) as raw_local,
                   substring(email, locate('@', email) + 1) as domain_part,
                   id, created_at
            from users
            where deleted_at is null and locate('@', email) > 1
        ) a
    ) b
) c
group by c.mailbox;
