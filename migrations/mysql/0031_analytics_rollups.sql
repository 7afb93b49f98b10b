-- 31. Analytics: one row per UTC day × metric × currency ('' for counts), kept by the service
-- in the same transaction as the write that changes it, and rebuilt from the source tables by
-- `obryl analytics rebuild`. Money in the currency's minor unit (docs/ANALYTICS.md).
-- day is the 'YYYY-MM-DD' text, as on the other backends.
CREATE TABLE analytics_daily (
    day      VARCHAR(32) NOT NULL,
    metric   VARCHAR(255) NOT NULL,
    currency VARCHAR(3) NOT NULL DEFAULT '',
    value    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, metric, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- Top developers by released amount over a range of months read the releases by time.
CREATE INDEX ledger_transfers_code_created_index ON ledger_transfers (code, created_at);
