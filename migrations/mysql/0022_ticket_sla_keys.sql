-- 22. support_tickets: the SLA keys the triage queue sorts and filters on, derived from the SLA
-- stamps by the same rules as domain::sla::TicketSla (the SLA column), in whole epoch seconds.
-- A ticket's clock counts to its first response while none was given, then to its resolution;
-- only the resolution clock stops while the ticket waits on the customer (paused_since), and
-- its deadline moves later by every completed pause (paused_seconds).
--
-- sla_due:       the deadline of a clock that runs (253402300799, year 9999, when no clock
--                runs: solved, closed, no deadline known); NULL while the clock is paused.
-- sla_left:      the seconds left, frozen, of a paused clock (negative once breached); NULL
--                otherwise. "SLA due first" reads both: sla_due, or now + sla_left.
-- sla_breach_at: when the ticket breached (or will, if nothing changes): a target met late, or
--                the running clock's deadline; NULL while nothing can breach. A ticket is
--                breached at `now` when sla_breach_at <= now.
--
-- Seconds since the epoch, whole: CAST(FLOOR(UNIX_TIMESTAMP(t)) AS SIGNED). On a TIMESTAMP
-- column UNIX_TIMESTAMP reads the stored UTC value, whatever the session's time_zone, so the
-- stored keys are the same whoever writes the row; SIGNED keeps differences that go negative
-- (sla_left) out of unsigned arithmetic. The epoch of coalesce(a, b) is taken as
-- coalesce(epoch(a), epoch(b)): COALESCE over TIMESTAMPs yields a DATETIME in the session's
-- time zone, which UNIX_TIMESTAMP would read back through that zone. MariaDB's LEAST is NULL
-- as soon as one argument is NULL (PostgreSQL's skips NULLs): coalesce(least(a, b), a, b) is
-- PostgreSQL's least(a, b).
ALTER TABLE support_tickets ADD COLUMN sla_due BIGINT AS (
    CASE
        WHEN status NOT IN ('solved', 'closed')
             AND NOT (first_responded_at IS NULL AND first_response_due_at IS NOT NULL)
             AND resolution_due_at IS NOT NULL
             AND paused_since IS NOT NULL THEN NULL
        WHEN status IN ('solved', 'closed') THEN 253402300799
        WHEN first_responded_at IS NULL AND first_response_due_at IS NOT NULL
            THEN CAST(FLOOR(UNIX_TIMESTAMP(first_response_due_at)) AS SIGNED)
        ELSE COALESCE(CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds, 253402300799)
    END
) STORED;
ALTER TABLE support_tickets ADD COLUMN sla_left BIGINT AS (
    CASE
        WHEN status NOT IN ('solved', 'closed')
             AND NOT (first_responded_at IS NULL AND first_response_due_at IS NOT NULL)
             AND resolution_due_at IS NOT NULL
             AND paused_since IS NOT NULL
            THEN CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds - CAST(FLOOR(UNIX_TIMESTAMP(paused_since)) AS SIGNED)
    END
) STORED;
-- The earliest of: the first-response deadline when it was answered (or, solved, closed) at or
-- after it; the resolution deadline when solved at or after it; the running clock's deadline.
ALTER TABLE support_tickets ADD COLUMN sla_breach_at BIGINT AS (
    CASE
        WHEN status IN ('solved', 'closed') THEN COALESCE(
            LEAST(
                CASE WHEN COALESCE(CAST(FLOOR(UNIX_TIMESTAMP(first_responded_at)) AS SIGNED), CAST(FLOOR(UNIX_TIMESTAMP(resolved_at)) AS SIGNED)) >= CAST(FLOOR(UNIX_TIMESTAMP(first_response_due_at)) AS SIGNED)
                    THEN CAST(FLOOR(UNIX_TIMESTAMP(first_response_due_at)) AS SIGNED) END,
                CASE WHEN CAST(FLOOR(UNIX_TIMESTAMP(resolved_at)) AS SIGNED) >= CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds
                    THEN CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds END
            ),
            CASE WHEN COALESCE(CAST(FLOOR(UNIX_TIMESTAMP(first_responded_at)) AS SIGNED), CAST(FLOOR(UNIX_TIMESTAMP(resolved_at)) AS SIGNED)) >= CAST(FLOOR(UNIX_TIMESTAMP(first_response_due_at)) AS SIGNED)
                THEN CAST(FLOOR(UNIX_TIMESTAMP(first_response_due_at)) AS SIGNED) END,
            CASE WHEN CAST(FLOOR(UNIX_TIMESTAMP(resolved_at)) AS SIGNED) >= CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds
                THEN CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds END
        )
        ELSE COALESCE(
            LEAST(
                CASE WHEN CAST(FLOOR(UNIX_TIMESTAMP(first_responded_at)) AS SIGNED) >= CAST(FLOOR(UNIX_TIMESTAMP(first_response_due_at)) AS SIGNED)
                    THEN CAST(FLOOR(UNIX_TIMESTAMP(first_response_due_at)) AS SIGNED) END,
                CASE
                    WHEN first_responded_at IS NULL AND first_response_due_at IS NOT NULL
                        THEN CAST(FLOOR(UNIX_TIMESTAMP(first_response_due_at)) AS SIGNED)
                    WHEN paused_since IS NULL THEN CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds
                    WHEN CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds <= CAST(FLOOR(UNIX_TIMESTAMP(paused_since)) AS SIGNED)
                        THEN CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds
                END
            ),
            CASE WHEN CAST(FLOOR(UNIX_TIMESTAMP(first_responded_at)) AS SIGNED) >= CAST(FLOOR(UNIX_TIMESTAMP(first_response_due_at)) AS SIGNED)
                THEN CAST(FLOOR(UNIX_TIMESTAMP(first_response_due_at)) AS SIGNED) END,
            CASE
                WHEN first_responded_at IS NULL AND first_response_due_at IS NOT NULL
                    THEN CAST(FLOOR(UNIX_TIMESTAMP(first_response_due_at)) AS SIGNED)
                WHEN paused_since IS NULL THEN CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds
                WHEN CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds <= CAST(FLOOR(UNIX_TIMESTAMP(paused_since)) AS SIGNED)
                    THEN CAST(FLOOR(UNIX_TIMESTAMP(resolution_due_at)) AS SIGNED) + paused_seconds
            END
        )
    END
) STORED;
CREATE INDEX support_tickets_sla_due_index ON support_tickets (sla_due, id);
CREATE INDEX support_tickets_sla_left_index ON support_tickets (sla_left, id);
CREATE INDEX support_tickets_sla_breach_index ON support_tickets (sla_breach_at);
