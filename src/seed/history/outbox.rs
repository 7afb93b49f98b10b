//! The webhook outbox of the last days and the delivery attempts to each subscribed endpoint.

use rand::Rng;

use super::Outbox;
use crate::seed::World;
use crate::seed::util::{R, Sink, i, j, oi, os, ot, s, t, weighted};
use crate::store::{StoreError, schema};

/// The outbox and what was delivered to each subscribed endpoint.
pub(super) async fn write(
    w: &World,
    sink: Sink<'_>,
    outbox: Vec<Outbox>,
    mut wrng: R,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let a = w.clock.anchor;
    let mut table = sink.table(schema::WEBHOOK_EVENTS, outbox.len() as u64);
    for (k, o) in outbox.iter().enumerate() {
        table
            .push(vec![
                i(k as i64 + 1),
                s(o.event_id.as_str()),
                s(o.kind.as_str()),
                j(o.payload.clone()),
                t(o.at),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut rows = Vec::new();
    for (k, o) in outbox.iter().enumerate() {
        let event = k as i64 + 1;
        for e in w.content.endpoints.iter().filter(|e| e.wants(&o.kind)) {
            match e.disabled {
                Some((at, _)) if o.at >= at => continue,
                Some((at, _)) if o.at >= at - 6 * 3_600 => {
                    // The endpoint answered 410 Gone: no retry, and it was disabled.
                    rows.push((
                        event,
                        e.id,
                        1,
                        "gave_up",
                        Some(410),
                        Some("410 Gone"),
                        None,
                        o.at + 2,
                        o.at + 2,
                    ));
                }
                _ => {
                    let sent = o.at + wrng.random_range(1..5);
                    if sent > a {
                        rows.push((
                            event,
                            e.id,
                            1,
                            "pending",
                            None,
                            None,
                            Some(a + 5),
                            o.at,
                            o.at,
                        ));
                    } else if wrng.random_bool(0.08) {
                        let code = [500, 502, 503][weighted(&mut wrng, &[40, 40, 20])];
                        let retry = sent + wrng.random_range(30..600);
                        rows.push((
                            event,
                            e.id,
                            1,
                            "failed",
                            Some(code),
                            Some("le serveur distant a répondu une erreur"),
                            Some(retry),
                            sent,
                            sent,
                        ));
                        if retry <= a {
                            rows.push((
                                event,
                                e.id,
                                2,
                                "succeeded",
                                Some(200),
                                None,
                                None,
                                retry,
                                retry,
                            ));
                        } else {
                            rows.push((
                                event,
                                e.id,
                                2,
                                "pending",
                                None,
                                None,
                                Some(retry),
                                sent,
                                sent,
                            ));
                        }
                    } else {
                        rows.push((
                            event,
                            e.id,
                            1,
                            "succeeded",
                            Some(200),
                            None,
                            None,
                            sent,
                            sent,
                        ));
                    }
                }
            }
        }
    }
    let mut table = sink.table(schema::WEBHOOK_DELIVERIES, rows.len() as u64);
    for (k, (event, endpoint, attempt, status, code, error, next, created, updated)) in
        rows.into_iter().enumerate()
    {
        table
            .push(vec![
                i(k as i64 + 1),
                i(event),
                i(endpoint),
                i(attempt),
                s(status),
                oi(code),
                os(error),
                ot(next),
                t(created.min(a)),
                t(updated.min(a)),
            ])
            .await?;
    }
    report.push(table.finish().await?);
    Ok(())
}
