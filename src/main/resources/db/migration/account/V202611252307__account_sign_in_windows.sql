-- Module account: sign-in failures per account and per address (hashed scopes) in fixed 15-minute windows, shared
-- by every node.
create table sign_in_windows (
    scope        varchar(64) not null,
    window_start bigint      not null,
    failures     int         not null,
    constraint pk_sign_in_windows primary key (scope, window_start)
);
