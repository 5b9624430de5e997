-- Module credits: a workspace's low-balance alert. When its spendable balance falls below threshold while armed, the
-- transaction that lowered it disarms the row and publishes credits.BalanceLow (one mail per crossing); a balance back
-- at or above the threshold arms it again. Read and written under the workspace's credit_account lock.
create table credit_alerts (
    workspace_id varchar(40)  not null,
    threshold    bigint       not null,
    armed        boolean      not null,
    updated_at   datetime(6)  not null,
    updated_by   varchar(100),
    constraint pk_credit_alerts primary key (workspace_id),
    constraint ck_credit_alerts_threshold check (threshold >= 0)
);
