-- 32. What each project's developer is owed on the payable account, per currency: a
-- sub-ledger of `developer_payable` kept by `store::ledger::post` in the same transaction as
-- every transfer to or from it, so the payouts view and batches read the few balances that
-- are not zero instead of summing the ledger. `ledger verify` checks it against the transfers.
-- MariaDB has no partial index (postgres: (project_id) WHERE amount > 0): amount leads the
-- index instead, so the owed balances are one range of it.
CREATE TABLE payable_balances (
    project_id BIGINT UNSIGNED NOT NULL,
    currency   VARCHAR(3) NOT NULL,
    amount     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, currency),
    KEY payable_balances_owed_index (amount, project_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO payable_balances (project_id, currency, amount)
SELECT t.project_id, t.currency,
       SUM(CASE WHEN t.credit_account_id = a.id THEN t.amount ELSE -t.amount END)
FROM ledger_transfers t
JOIN ledger_accounts a
  ON a.kind = 'developer_payable' AND a.currency = t.currency
 AND (t.credit_account_id = a.id OR t.debit_account_id = a.id)
WHERE t.project_id IS NOT NULL
GROUP BY t.project_id, t.currency;
