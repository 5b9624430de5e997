-- Module apikey: a key's credit budget has a period (day, week or month, UTC); monthly_credit_cap keeps its name and
-- holds the budget's amount. Keys that had a cap keep it as a monthly budget.
alter table api_keys add column budget_period varchar(8) default 'month' not null;
