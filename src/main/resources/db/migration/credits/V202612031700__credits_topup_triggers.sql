-- Module credits: a workspace's auto top-up trigger, judged like credit_alerts under the workspace's credit_account
-- lock: armed and the committed balance below threshold → disarmed, last_crossing set to a new id and
-- credits.TopUpThresholdCrossed published (once per crossing, on any node); at or above the threshold → armed again.
-- billing keeps the row in step with its settings (present only while auto top-up is enabled and not paused).
create table credit_topup_triggers (
    workspace_id  varchar(40)  not null,
    threshold     bigint       not null,
    armed         boolean      not null,
    last_crossing varchar(40),
    updated_at    datetime(6)  not null,
    constraint pk_credit_topup_triggers primary key (workspace_id),
    constraint ck_credit_topup_triggers_threshold check (threshold >= 1)
);
