-- 36. Times as Laravel writes them. The platform's rows (Eloquent) hold `2026-12-05 16:22:58`;
-- the back-office wrote `2026-12-05T16:11:59+00:00` before this version, and text order is not
-- time order once both forms share a column (' ' sorts before 'T'). From now on it writes the
-- platform's form (UTC, microseconds when there are some); this rewrites what it wrote before.
-- The append-only tables' guards are lifted for the rewrite only: the values keep their time.
DROP TRIGGER audit_logs_no_update;
DROP TRIGGER ledger_transfers_no_update;

UPDATE users SET
    email_verified_at = CASE WHEN email_verified_at LIKE '____-__-__T%' THEN replace(replace(replace(email_verified_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE email_verified_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END,
    deleted_at = CASE WHEN deleted_at LIKE '____-__-__T%' THEN replace(replace(replace(deleted_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE deleted_at END
WHERE email_verified_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%' OR deleted_at LIKE '____-__-__T%';
UPDATE profiles SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE projects SET
    deadline_at = CASE WHEN deadline_at LIKE '____-__-__T%' THEN replace(replace(replace(deadline_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE deadline_at END,
    assigned_at = CASE WHEN assigned_at LIKE '____-__-__T%' THEN replace(replace(replace(assigned_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE assigned_at END,
    started_at = CASE WHEN started_at LIKE '____-__-__T%' THEN replace(replace(replace(started_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE started_at END,
    delivered_at = CASE WHEN delivered_at LIKE '____-__-__T%' THEN replace(replace(replace(delivered_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE delivered_at END,
    completed_at = CASE WHEN completed_at LIKE '____-__-__T%' THEN replace(replace(replace(completed_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE completed_at END,
    cancelled_at = CASE WHEN cancelled_at LIKE '____-__-__T%' THEN replace(replace(replace(cancelled_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE cancelled_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END,
    deleted_at = CASE WHEN deleted_at LIKE '____-__-__T%' THEN replace(replace(replace(deleted_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE deleted_at END
WHERE deadline_at LIKE '____-__-__T%' OR assigned_at LIKE '____-__-__T%' OR started_at LIKE '____-__-__T%' OR delivered_at LIKE '____-__-__T%' OR completed_at LIKE '____-__-__T%' OR cancelled_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%' OR deleted_at LIKE '____-__-__T%';
UPDATE reviews SET
    hidden_at = CASE WHEN hidden_at LIKE '____-__-__T%' THEN replace(replace(replace(hidden_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE hidden_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE hidden_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE commissions SET
    first_approved_at = CASE WHEN first_approved_at LIKE '____-__-__T%' THEN replace(replace(replace(first_approved_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE first_approved_at END,
    approved_at = CASE WHEN approved_at LIKE '____-__-__T%' THEN replace(replace(replace(approved_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE approved_at END,
    rejected_at = CASE WHEN rejected_at LIKE '____-__-__T%' THEN replace(replace(replace(rejected_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE rejected_at END,
    paid_at = CASE WHEN paid_at LIKE '____-__-__T%' THEN replace(replace(replace(paid_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE paid_at END,
    cancelled_at = CASE WHEN cancelled_at LIKE '____-__-__T%' THEN replace(replace(replace(cancelled_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE cancelled_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE first_approved_at LIKE '____-__-__T%' OR approved_at LIKE '____-__-__T%' OR rejected_at LIKE '____-__-__T%' OR paid_at LIKE '____-__-__T%' OR cancelled_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE permissions SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE roles SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE articles SET
    published_at = CASE WHEN published_at LIKE '____-__-__T%' THEN replace(replace(replace(published_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE published_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END,
    deleted_at = CASE WHEN deleted_at LIKE '____-__-__T%' THEN replace(replace(replace(deleted_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE deleted_at END
WHERE published_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%' OR deleted_at LIKE '____-__-__T%';
UPDATE workload SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE ext_commissions SET
    first_approved_at = CASE WHEN first_approved_at LIKE '____-__-__T%' THEN replace(replace(replace(first_approved_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE first_approved_at END,
    approved_at = CASE WHEN approved_at LIKE '____-__-__T%' THEN replace(replace(replace(approved_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE approved_at END,
    rejected_at = CASE WHEN rejected_at LIKE '____-__-__T%' THEN replace(replace(replace(rejected_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE rejected_at END,
    paid_at = CASE WHEN paid_at LIKE '____-__-__T%' THEN replace(replace(replace(paid_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE paid_at END,
    cancelled_at = CASE WHEN cancelled_at LIKE '____-__-__T%' THEN replace(replace(replace(cancelled_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE cancelled_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE first_approved_at LIKE '____-__-__T%' OR approved_at LIKE '____-__-__T%' OR rejected_at LIKE '____-__-__T%' OR paid_at LIKE '____-__-__T%' OR cancelled_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE support_tickets SET
    first_response_due_at = CASE WHEN first_response_due_at LIKE '____-__-__T%' THEN replace(replace(replace(first_response_due_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE first_response_due_at END,
    first_responded_at = CASE WHEN first_responded_at LIKE '____-__-__T%' THEN replace(replace(replace(first_responded_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE first_responded_at END,
    resolution_due_at = CASE WHEN resolution_due_at LIKE '____-__-__T%' THEN replace(replace(replace(resolution_due_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE resolution_due_at END,
    resolved_at = CASE WHEN resolved_at LIKE '____-__-__T%' THEN replace(replace(replace(resolved_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE resolved_at END,
    closed_at = CASE WHEN closed_at LIKE '____-__-__T%' THEN replace(replace(replace(closed_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE closed_at END,
    paused_since = CASE WHEN paused_since LIKE '____-__-__T%' THEN replace(replace(replace(paused_since, 'T', ' '), '+00:00', ''), 'Z', '') ELSE paused_since END,
    last_activity_at = CASE WHEN last_activity_at LIKE '____-__-__T%' THEN replace(replace(replace(last_activity_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE last_activity_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END,
    sla_breach_notified_at = CASE WHEN sla_breach_notified_at LIKE '____-__-__T%' THEN replace(replace(replace(sla_breach_notified_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE sla_breach_notified_at END
WHERE first_response_due_at LIKE '____-__-__T%' OR first_responded_at LIKE '____-__-__T%' OR resolution_due_at LIKE '____-__-__T%' OR resolved_at LIKE '____-__-__T%' OR closed_at LIKE '____-__-__T%' OR paused_since LIKE '____-__-__T%' OR last_activity_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%' OR sla_breach_notified_at LIKE '____-__-__T%';
UPDATE settings SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE audit_logs SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE notifications SET
    read_at = CASE WHEN read_at LIKE '____-__-__T%' THEN replace(replace(replace(read_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE read_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE read_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE ledger_accounts SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE ledger_transfers SET
    expires_at = CASE WHEN expires_at LIKE '____-__-__T%' THEN replace(replace(replace(expires_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE expires_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END
WHERE expires_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%';
UPDATE escrows SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END,
    pending_at = CASE WHEN pending_at LIKE '____-__-__T%' THEN replace(replace(replace(pending_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE pending_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%' OR pending_at LIKE '____-__-__T%';
UPDATE payment_transactions SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE conversations SET
    last_message_at = CASE WHEN last_message_at LIKE '____-__-__T%' THEN replace(replace(replace(last_message_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE last_message_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE last_message_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE conversation_participants SET
    typing_at = CASE WHEN typing_at LIKE '____-__-__T%' THEN replace(replace(replace(typing_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE typing_at END,
    viewing_at = CASE WHEN viewing_at LIKE '____-__-__T%' THEN replace(replace(replace(viewing_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE viewing_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE typing_at LIKE '____-__-__T%' OR viewing_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE messages SET
    edited_at = CASE WHEN edited_at LIKE '____-__-__T%' THEN replace(replace(replace(edited_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE edited_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END,
    deleted_at = CASE WHEN deleted_at LIKE '____-__-__T%' THEN replace(replace(replace(deleted_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE deleted_at END
WHERE edited_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%' OR deleted_at LIKE '____-__-__T%';
UPDATE referral_codes SET
    expires_at = CASE WHEN expires_at LIKE '____-__-__T%' THEN replace(replace(replace(expires_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE expires_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE expires_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE referrals SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE referral_rewards SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE media SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE personal_access_tokens SET
    last_used_at = CASE WHEN last_used_at LIKE '____-__-__T%' THEN replace(replace(replace(last_used_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE last_used_at END,
    expires_at = CASE WHEN expires_at LIKE '____-__-__T%' THEN replace(replace(replace(expires_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE expires_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END
WHERE last_used_at LIKE '____-__-__T%' OR expires_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%';
UPDATE webhook_endpoints SET
    previous_secret_expires_at = CASE WHEN previous_secret_expires_at LIKE '____-__-__T%' THEN replace(replace(replace(previous_secret_expires_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE previous_secret_expires_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END,
    disabled_at = CASE WHEN disabled_at LIKE '____-__-__T%' THEN replace(replace(replace(disabled_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE disabled_at END
WHERE previous_secret_expires_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%' OR disabled_at LIKE '____-__-__T%';
UPDATE webhook_events SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END
WHERE created_at LIKE '____-__-__T%';
UPDATE webhook_deliveries SET
    next_attempt_at = CASE WHEN next_attempt_at LIKE '____-__-__T%' THEN replace(replace(replace(next_attempt_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE next_attempt_at END,
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    updated_at = CASE WHEN updated_at LIKE '____-__-__T%' THEN replace(replace(replace(updated_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE updated_at END,
    attempted_at = CASE WHEN attempted_at LIKE '____-__-__T%' THEN replace(replace(replace(attempted_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE attempted_at END,
    leased_until = CASE WHEN leased_until LIKE '____-__-__T%' THEN replace(replace(replace(leased_until, 'T', ' '), '+00:00', ''), 'Z', '') ELSE leased_until END
WHERE next_attempt_at LIKE '____-__-__T%' OR created_at LIKE '____-__-__T%' OR updated_at LIKE '____-__-__T%' OR attempted_at LIKE '____-__-__T%' OR leased_until LIKE '____-__-__T%';
UPDATE staff_sessions SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    expires_at = CASE WHEN expires_at LIKE '____-__-__T%' THEN replace(replace(replace(expires_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE expires_at END,
    last_used_at = CASE WHEN last_used_at LIKE '____-__-__T%' THEN replace(replace(replace(last_used_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE last_used_at END,
    revoked_at = CASE WHEN revoked_at LIKE '____-__-__T%' THEN replace(replace(replace(revoked_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE revoked_at END
WHERE created_at LIKE '____-__-__T%' OR expires_at LIKE '____-__-__T%' OR last_used_at LIKE '____-__-__T%' OR revoked_at LIKE '____-__-__T%';
UPDATE login_attempts SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END
WHERE created_at LIKE '____-__-__T%';
UPDATE worker_leases SET
    expires_at = CASE WHEN expires_at LIKE '____-__-__T%' THEN replace(replace(replace(expires_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE expires_at END
WHERE expires_at LIKE '____-__-__T%';
UPDATE staff_ssh_keys SET
    created_at = CASE WHEN created_at LIKE '____-__-__T%' THEN replace(replace(replace(created_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE created_at END,
    last_used_at = CASE WHEN last_used_at LIKE '____-__-__T%' THEN replace(replace(replace(last_used_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE last_used_at END,
    revoked_at = CASE WHEN revoked_at LIKE '____-__-__T%' THEN replace(replace(replace(revoked_at, 'T', ' '), '+00:00', ''), 'Z', '') ELSE revoked_at END
WHERE created_at LIKE '____-__-__T%' OR last_used_at LIKE '____-__-__T%' OR revoked_at LIKE '____-__-__T%';

CREATE TRIGGER audit_logs_no_update BEFORE UPDATE ON audit_logs
BEGIN
    SELECT RAISE(ABORT, 'audit_logs is append-only');
END;
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE ON ledger_transfers
BEGIN
    SELECT RAISE(ABORT, 'ledger_transfers is append-only');
END;
