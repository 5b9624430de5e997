-- Module generation: an enhancement's scale (2 or 4); null for generations.
alter table image_tasks add column enhance_scale int;
