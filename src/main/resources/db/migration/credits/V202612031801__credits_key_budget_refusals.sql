-- Module credits: a key budget's 100% alert may also be raised by a creation the budget refused (the key is stopped
-- though its spend is below the budget); refused_credits holds that creation's credits, null when spending reached
-- the level. The row is written in a transaction of its own under the workspace's credit_account lock, so the level
-- still alerts once per key per period.
alter table credit_key_budget_alerts add column refused_credits bigint null;
