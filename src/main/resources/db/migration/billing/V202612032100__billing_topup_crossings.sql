-- Module billing: crossings of the auto top-up threshold not yet decided. Written by billing's listener inside the
-- transaction that crosses (so it commits with the crossing, or not at all); deleted when the crossing's job decides
-- it (attempt made, skipped, or auto top-up off), and for the workspace when auto top-up is disabled or paused. The
-- once-a-minute sweep (TopUpJob.sweep) enqueues the job again for rows older than a minute: a crossing whose job was
-- never enqueued (its node died after the commit) is not lost. Small: one row per undecided crossing.
create table billing_topup_crossings (
    crossing      varchar(40)  not null,
    workspace_id  varchar(40)  not null,
    crossed_at    datetime(6)  not null,
    constraint pk_billing_topup_crossings primary key (crossing)
);
create index ix_billing_topup_crossings_due on billing_topup_crossings (crossed_at);
create index ix_billing_topup_crossings_workspace on billing_topup_crossings (workspace_id);

-- Crossings made before this migration whose job never made an attempt: swept like any other.
insert into billing_topup_crossings (crossing, workspace_id, crossed_at)
select t.last_crossing, t.workspace_id, t.updated_at
from credit_topup_triggers t
where t.armed = false
  and t.last_crossing is not null
  and not exists (select 1 from billing_topups b where b.crossing = t.last_crossing);
