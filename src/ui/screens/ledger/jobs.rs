//! What the Ledger view reads besides its list: a transfer with both accounts, its project,
//! that project's escrow and the commission it paid; the accounts table and the verification
//! of the whole ledger, each shown in a picker (choosing a line shows it whole in a toast).

use crate::domain::{Locale, sanitize_line};
use crate::office::messages::plural;
use crate::office::{format, words};
use crate::service::ServiceError;
use crate::store::Conn;
use crate::store::escrows::{EscrowRow, TransferRow};
use crate::store::ledger::AccountRow;
use crate::tr;
use crate::ui::data::Job;
use crate::ui::screens::{Choices, Effect, found};

/// A transfer and what it touches.
#[derive(Clone, Debug, PartialEq)]
pub struct TransferDetail {
    pub transfer: TransferRow,
    pub debit: Option<AccountRow>,
    pub credit: Option<AccountRow>,
    /// (title, status, client, developer).
    pub project: Option<(String, String, String, Option<String>)>,
    pub escrow: Option<EscrowRow>,
    /// (table, id, amount, currency, status) of the commission a code 2/3 transfer paid.
    pub commission: Option<(&'static str, i64, i64, String, String)>,
}

pub async fn detail(c: &mut impl Conn, id: i64) -> Result<TransferDetail, ServiceError> {
    let transfer = found(crate::store::ledger::transfer(c, id).await?, "transfer", id)?;
    let debit = crate::store::ledger::account_row(c, transfer.debit_account_id).await?;
    let credit = crate::store::ledger::account_row(c, transfer.credit_account_id).await?;
    let (project, escrow) = match transfer.project_id {
        Some(p) => (
            crate::store::ledger::project_brief(c, p).await?,
            crate::store::escrows::of_project(c, p).await?,
        ),
        None => (None, None),
    };
    let commission = crate::store::ledger::commission_of(c, id, transfer.code).await?;
    Ok(TransferDetail {
        transfer,
        debit,
        credit,
        project,
        escrow,
        commission,
    })
}

/// "debits ≤ credits": an account's balance rule in words.
pub fn rule_word(rule: &str, locale: Locale) -> String {
    let key = format!("ledger_view.rule_{rule}");
    match tr(locale, &key, &[]) {
        t if t == key => rule.replace('_', " "),
        t => t,
    }
}

/// An account's two lines in the accounts picker: its balance and rule, then its totals.
pub fn account_lines(a: &AccountRow, locale: Locale) -> [String; 2] {
    let m = |v: i64| format::money(v, &a.currency, locale);
    let name = match a.kind == a.code {
        true => words::account(&a.code, locale),
        false => format!(
            "{} ({})",
            sanitize_line(&a.code),
            words::account(&a.kind, locale)
        ),
    };
    let first = tr(
        locale,
        "ledger_view.account_line",
        &[
            ("account", &name),
            ("currency", &a.currency),
            ("balance", &m(a.balance())),
            ("rule", &rule_word(&a.balance_rule, locale)),
        ],
    );
    let second = tr(
        locale,
        "ledger_view.account_totals",
        &[
            ("debits", &m(a.debits_posted)),
            ("credits", &m(a.credits_posted)),
            ("debits_pending", &m(a.debits_pending)),
            ("credits_pending", &m(a.credits_pending)),
        ],
    );
    [first, format!("   {second}")]
}

/// The accounts table, in a picker.
pub fn accounts(locale: Locale) -> Job {
    Job::new(move |mut db, _| async move {
        let rows = crate::store::ledger::accounts(&mut db).await?;
        let mut options = Vec::new();
        for a in &rows {
            for line in account_lines(a, locale) {
                options.push((line.clone(), Effect::Toast(line)));
            }
        }
        let n = rows.len().to_string();
        Ok::<_, ServiceError>(Choices {
            title: plural(
                locale,
                "ledger_view.accounts_title",
                rows.len(),
                &[("n", &n)],
            ),
            options,
        })
    })
}

/// A check's name in words.
fn check_word(check: &str, locale: Locale) -> String {
    words::check(check, locale)
}

/// `office::escrow::verify` over the whole ledger: each check ✓ or ✕ with its count of
/// discrepancies, then each discrepancy.
pub fn verify(locale: Locale) -> Job {
    Job::new(move |mut db, _| async move {
        let v = crate::office::escrow::verify(&mut db).await?;
        let mut options = Vec::new();
        for check in &v.checks {
            let found: Vec<_> = v
                .discrepancies
                .iter()
                .filter(|d| d.check == *check)
                .collect();
            let n = found.len().to_string();
            let count = plural(
                locale,
                "ledger_view.discrepancies",
                found.len(),
                &[("n", &n)],
            );
            let mark = if found.is_empty() { "✓" } else { "✕" };
            let line = format!("{mark} {} — {count}", check_word(check, locale));
            options.push((line.clone(), Effect::Toast(line)));
            for d in found {
                let line = format!(
                    "   ✕ {} · {}",
                    sanitize_line(&d.subject),
                    sanitize_line(&d.detail)
                );
                options.push((line.clone(), Effect::Toast(line)));
            }
        }
        let n = v.checks.len().to_string();
        let title = if v.holds() {
            tr(locale, "ledger_view.verify_holds", &[("n", &n)])
        } else {
            let d = v.discrepancies.len().to_string();
            plural(
                locale,
                "ledger_view.verify_fails",
                v.discrepancies.len(),
                &[("n", &d)],
            )
        };
        Ok::<_, ServiceError>(Choices { title, options })
    })
}
