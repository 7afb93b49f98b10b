-- The reviews moderation list sorts by rating (lowest first) through keyset pagination.
CREATE INDEX reviews_rating_index ON reviews (rating, id);
