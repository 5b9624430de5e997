-- Module apikey: a key's own daily credit limit per end user (a request's user), overriding the workspace's
-- default (generation_user_quotas) for requests made with the key; null follows the default, 0 lets no end user spend.
alter table api_keys add column user_daily_credit_limit bigint null;
