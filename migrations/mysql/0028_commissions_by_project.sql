-- 28. commissions by project: an escrow's parts read the project's live commission, which
-- the unique key on live_project_id cannot answer for a status list bound as parameters.
CREATE INDEX commissions_project_index ON commissions (project_id, id);
