-- Module referral. Each workspace's referral code (made the first time its link is shown; random, 16 base62
-- characters, never changed), and one row per workspace signed up through a link: who referred it, the signals that
-- tell whether it is the referrer's own second account (the new user's mailbox and sign-up address), its first paid
-- purchase, and what became of it. A referred workspace is referred once (unique). The bonus and the reward are ledger
-- grants referenced referral-bonus:<id> and referral:<id>, so each exists once.
create table referral_codes (
    workspace_id varchar(40)  not null,
    code         varchar(32)  not null,
    created_at   datetime(6)  not null,
    constraint pk_referral_codes primary key (workspace_id),
    constraint uk_referral_codes_code unique (code)
);

create table referrals (
    id                    varchar(40)  not null,
    referrer_workspace_id varchar(40)  not null,
    referred_workspace_id varchar(40)  not null,
    referred_user_id      varchar(40)  not null,
    referred_mailbox      varchar(320) not null,
    referred_ip           varchar(64),
    status                varchar(16)  not null,
    reason                varchar(200),
    bonus_credits         bigint       not null,
    payment_id            varchar(40),
    payment_intent        varchar(255),
    paid_at               datetime(6),
    reward_credits        bigint       not null,
    settled_at            datetime(6),
    created_at            datetime(6)  not null,
    updated_at            datetime(6)  not null,
    constraint pk_referrals primary key (id),
    constraint uk_referrals_referred unique (referred_workspace_id)
);
create index ix_referrals_referrer on referrals (referrer_workspace_id, status, settled_at);
create index ix_referrals_due on referrals (status, paid_at);
