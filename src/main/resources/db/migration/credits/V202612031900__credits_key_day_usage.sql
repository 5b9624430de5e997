-- Module credits: what each API key's reservations hold or captured, per UTC day they were made in: a running total
-- kept with credit_reservation (same transaction, under the workspace's credit_account lock), so a key budget's check
-- sums at most 31 rows instead of every reservation of the period (budget periods start at UTC midnights). used =
-- sum over the key's reservations made that day of (credits while HELD, captured once CAPTURED, 0 once RELEASED).
-- Filled here from the reservations already made.
create table credit_key_day_usage (
    api_key_id varchar(40) not null,
    usage_day  date        not null,
    used       bigint      not null,
    constraint pk_credit_key_day_usage primary key (api_key_id, usage_day),
    constraint ck_credit_key_day_usage_used check (used >= 0)
);
insert into credit_key_day_usage (api_key_id, usage_day, used)
select api_key_id, cast(created_at as date),
       sum(case state when 'HELD' then credits when 'CAPTURED' then captured else 0 end)
  from credit_reservation
 where api_key_id is not null
 group by api_key_id, cast(created_at as date);
