-- 42. Referrals by code: the `:referrals` view counts, for each code of its window, the people
-- the code brought and how many of them are flagged, and a code's detail lists them newest
-- first; without this index each count read every referral.
CREATE INDEX referrals_code_index ON referrals (referral_code_id, id);
