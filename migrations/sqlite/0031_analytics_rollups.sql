-- 31. Analytics: one row per UTC day × metric × currency ('' for counts), kept by the service
-- in the same transaction as the write that changes it, and rebuilt from the source tables by
-- `obryl analytics rebuild`. Money in the currency's minor unit (docs/ANALYTICS.md).
CREATE TABLE analytics_daily (
    day      TEXT NOT NULL,
    metric   TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT '',
    value    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, metric, currency)
);
-- Top developers by released amount over a range of months read the releases by time.
CREATE INDEX ledger_transfers_code_created_index ON ledger_transfers (code, created_at);
