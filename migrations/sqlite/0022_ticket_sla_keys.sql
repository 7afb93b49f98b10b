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
ALTER TABLE support_tickets ADD COLUMN sla_due INTEGER GENERATED ALWAYS AS (
    CASE
        WHEN status NOT IN ('solved', 'closed')
             AND NOT (first_responded_at IS NULL AND first_response_due_at IS NOT NULL)
             AND unixepoch(resolution_due_at) IS NOT NULL
             AND unixepoch(paused_since) IS NOT NULL THEN NULL
        WHEN status IN ('solved', 'closed') THEN 253402300799
        WHEN first_responded_at IS NULL AND first_response_due_at IS NOT NULL
            THEN coalesce(unixepoch(first_response_due_at), 253402300799)
        ELSE coalesce(unixepoch(resolution_due_at) + paused_seconds, 253402300799)
    END
) VIRTUAL;
ALTER TABLE support_tickets ADD COLUMN sla_left INTEGER GENERATED ALWAYS AS (
    CASE
        WHEN status NOT IN ('solved', 'closed')
             AND NOT (first_responded_at IS NULL AND first_response_due_at IS NOT NULL)
             AND unixepoch(resolution_due_at) IS NOT NULL
             AND unixepoch(paused_since) IS NOT NULL
            THEN unixepoch(resolution_due_at) + paused_seconds - unixepoch(paused_since)
    END
) VIRTUAL;
-- The earliest of: the first-response deadline when it was answered (or, solved, closed) at or
-- after it; the resolution deadline when solved at or after it; the running clock's deadline.
ALTER TABLE support_tickets ADD COLUMN sla_breach_at INTEGER GENERATED ALWAYS AS (
    CASE
        WHEN status IN ('solved', 'closed') THEN coalesce(
            min(
                CASE WHEN unixepoch(coalesce(first_responded_at, resolved_at)) >= unixepoch(first_response_due_at)
                    THEN unixepoch(first_response_due_at) END,
                CASE WHEN unixepoch(resolved_at) >= unixepoch(resolution_due_at) + paused_seconds
                    THEN unixepoch(resolution_due_at) + paused_seconds END
            ),
            CASE WHEN unixepoch(coalesce(first_responded_at, resolved_at)) >= unixepoch(first_response_due_at)
                THEN unixepoch(first_response_due_at) END,
            CASE WHEN unixepoch(resolved_at) >= unixepoch(resolution_due_at) + paused_seconds
                THEN unixepoch(resolution_due_at) + paused_seconds END
        )
        ELSE coalesce(
            min(
                CASE WHEN unixepoch(first_responded_at) >= unixepoch(first_response_due_at)
                    THEN unixepoch(first_response_due_at) END,
                CASE
                    WHEN first_responded_at IS NULL AND first_response_due_at IS NOT NULL
                        THEN unixepoch(first_response_due_at)
                    WHEN paused_since IS NULL THEN unixepoch(resolution_due_at) + paused_seconds
                    WHEN unixepoch(resolution_due_at) + paused_seconds <= unixepoch(paused_since)
                        THEN unixepoch(resolution_due_at) + paused_seconds
                END
            ),
            CASE WHEN unixepoch(first_responded_at) >= unixepoch(first_response_due_at)
                THEN unixepoch(first_response_due_at) END,
            CASE
                WHEN first_responded_at IS NULL AND first_response_due_at IS NOT NULL
                    THEN unixepoch(first_response_due_at)
                WHEN paused_since IS NULL THEN unixepoch(resolution_due_at) + paused_seconds
                WHEN unixepoch(resolution_due_at) + paused_seconds <= unixepoch(paused_since)
                    THEN unixepoch(resolution_due_at) + paused_seconds
            END
        )
    END
) VIRTUAL;
CREATE INDEX support_tickets_sla_due_index ON support_tickets (sla_due, id);
CREATE INDEX support_tickets_sla_left_index ON support_tickets (sla_left, id);
CREATE INDEX support_tickets_sla_breach_index ON support_tickets (sla_breach_at);
