//! What a money move would do, said before it is confirmed: each party's part in the escrow's
//! currency, the client's refund, and whether four-eyes needs a second approver. Read-only;
//! the decision itself runs the same rules again inside its transaction.

use super::*;

/// A money move on an escrow, as staff ask for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Release(Take),
    Refund(Take),
    Dispute(Split),
}

/// What the move would do.
#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    pub row: EscrowRow,
    /// Everything the move takes out of escrow.
    pub amount: i64,
    /// What goes to the developer, the platform and each contributor.
    pub parts: Owed,
    /// What goes back to the client.
    pub client: i64,
    pub four_eyes: Check,
}

/// What `mv` by `actor_id` on escrow `id` would move, or why it is refused (the same refusals
/// as the decision: its state, its amounts, four-eyes).
pub async fn preview(c: &mut impl Conn, actor_id: i64, id: i64, mv: Move) -> Result<Preview> {
    let row = load(c, id).await?;
    let remaining = row.amounts().remaining();
    let (amount, developer, client, action) = match mv {
        Move::Release(take) => {
            if !open_for_moves(&row)? {
                return Err(not_now(&row, "release"));
            }
            work_under_way(&row)?;
            let a = amount_of(&row, take);
            (a, a, 0, "release")
        }
        Move::Refund(take) => {
            if !open_for_moves(&row)? {
                return Err(not_now(&row, "refund"));
            }
            let a = amount_of(&row, take);
            (a, 0, a, "refund")
        }
        Move::Dispute(split) => {
            if status_of(&row)? != EscrowStatus::Disputed {
                return Err(not_now(&row, "decide"));
            }
            let (d, cl, bps) = split_parts(split);
            let (d, cl) = escrow::dispute_split(&row.currency, remaining, d, cl, bps)?;
            (remaining, d, cl, "dispute")
        }
    };
    row.amounts()
        .take(amount, action == "refund", &row.currency)?;
    let rate = settings::default_rate_bps(c).await?;
    let parts = if developer > 0 {
        escrow::divide(developer, &owed(c, &row, rate).await?)?
    } else {
        Owed::default()
    };
    let asked = Asked {
        action: action.into(),
        amount,
        client: (action == "dispute").then_some(client),
    };
    let four_eyes = four_eyes::check(c, actor_id, &row, &asked).await?;
    Ok(Preview {
        row,
        amount,
        parts,
        client,
        four_eyes,
    })
}

/// A dispute split as the domain reads it: (developer, client, developer's basis points).
pub(super) fn split_parts(split: Split) -> (Option<i64>, Option<i64>, Option<i64>) {
    match split {
        Split::Developer(d) => (Some(d), None, None),
        Split::Client(c) => (None, Some(c), None),
        Split::Amounts { developer, client } => (Some(developer), Some(client), None),
        Split::DeveloperBps(b) => (None, None, Some(b)),
    }
}
