-- 2. profiles: a user is a client and/or a developer (one row per type).
CREATE TABLE profiles (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id               INTEGER NOT NULL REFERENCES users (id),
    type                  TEXT NOT NULL CHECK (type IN ('client', 'developer')),
    display_name          TEXT NOT NULL,
    company_name          TEXT,
    bio                   TEXT,
    country               TEXT,
    city                  TEXT,
    skills                TEXT NOT NULL DEFAULT '[]',
    hourly_rate           INTEGER CHECK (hourly_rate IS NULL OR hourly_rate >= 0),
    hourly_rate_currency  TEXT REFERENCES currencies (code),
    availability          TEXT NOT NULL DEFAULT 'available' CHECK (availability IN ('available', 'busy', 'unavailable')),
    weekly_capacity_hours INTEGER NOT NULL DEFAULT 40 CHECK (weekly_capacity_hours BETWEEN 0 AND 168),
    max_active_projects   INTEGER NOT NULL DEFAULT 3 CHECK (max_active_projects >= 0),
    payout_method         TEXT CHECK (payout_method IN ('orange_money', 'mtn_momo', 'moov_money', 'wave', 'bank', 'stripe')),
    payout_account        TEXT,
    created_at            TIMESTAMP,
    updated_at            TIMESTAMP,
    UNIQUE (user_id, type)
);
CREATE INDEX profiles_type_availability_index ON profiles (type, availability, user_id);
