-- 25. projects: the skills the work needs (JSON array of names, as profiles.skills), so that
-- the developer picker can say who fits.
ALTER TABLE projects ADD COLUMN skills JSON NOT NULL DEFAULT ('[]');
