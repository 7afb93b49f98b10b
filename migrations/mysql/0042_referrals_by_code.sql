-- 42. Referrals by code: the `:referrals` view counts, for each code of its window, the people
-- the code brought and how many of them are flagged. InnoDB already keeps the index its
-- foreign key needs (`referrals_referral_code_id_foreign`, on referral_code_id then the
-- primary key), which answers those counts: nothing to do here.
SELECT 1;
