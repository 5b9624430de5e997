-- Module account: sign-ups per network (an IPv4 address or an IPv6 /64) per UTC day. The row is upserted and read with
-- a lock in the sign-up's own transaction, so parallel sign-ups from one network are counted one after the other and
-- a refused or failed sign-up rolls its count back.
create table signup_network_days (
    network     varchar(64) not null,
    signup_day  date        not null,
    signups     int         not null,
    constraint pk_signup_network_days primary key (network, signup_day)
);

-- Networks an admin exempted from the per-network limit (an office, a school, a carrier's NAT), with why and by whom;
-- the change is in the admin audit log too.
create table signup_network_allowances (
    network     varchar(64)  not null,
    reason      varchar(480) not null,
    created_by  varchar(40)  not null,
    created_at  datetime(6)  not null,
    constraint pk_signup_network_allowances primary key (network)
);
