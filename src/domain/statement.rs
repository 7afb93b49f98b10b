//! Provider statements as the providers' dashboards export them (Wave, Orange Money, MTN MoMo,
//! CinetPay, Stripe): the columns each uses (`FORMATS`), reading one into lines, and writing
//! one. Pure: reconciliation against our transactions is in `office::reconcile`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::{Currency, parse_amount};

/// The column names a provider's export uses (the first that is present wins), its separator,
/// and how it writes amounts.
pub struct Format {
    pub provider: &'static str,
    pub separator: u8,
    pub reference: &'static [&'static str],
    pub date: &'static [&'static str],
    pub amount: &'static [&'static str],
    pub currency: &'static [&'static str],
    pub status: &'static [&'static str],
}

pub const FORMATS: [Format; 5] = [
    Format {
        provider: "wave",
        separator: b',',
        reference: &["Transaction ID", "transaction_id"],
        date: &["Timestamp", "Date"],
        amount: &["Amount"],
        currency: &["Currency"],
        status: &["Status"],
    },
    Format {
        provider: "orange_money",
        separator: b';',
        reference: &["Référence", "Reference", "ID Transaction"],
        date: &["Date"],
        amount: &["Montant", "Amount"],
        currency: &["Devise", "Currency"],
        status: &["Statut", "Status"],
    },
    Format {
        provider: "mtn_momo",
        separator: b',',
        reference: &["External Transaction Id", "Financial Transaction Id", "Id"],
        date: &["Date"],
        amount: &["Amount"],
        currency: &["Currency"],
        status: &["Status"],
    },
    Format {
        provider: "cinetpay",
        separator: b';',
        reference: &["cpm_trans_id", "Transaction ID"],
        date: &["cpm_trans_date", "Date"],
        amount: &["cpm_amount", "Montant"],
        currency: &["cpm_currency", "Devise"],
        status: &["cpm_result", "Statut"],
    },
    Format {
        provider: "stripe",
        separator: b',',
        reference: &["id", "PaymentIntent ID"],
        date: &["Created (UTC)", "created"],
        amount: &["Amount", "amount"],
        currency: &["Currency", "currency"],
        status: &["Status", "status"],
    },
];

pub fn format_of(provider: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.provider == provider)
}

/// One line of a statement, as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub number: usize,
    pub reference: String,
    pub at: Option<DateTime<Utc>>,
    pub amount: i64,
    pub currency: String,
    /// The provider's word, folded to ours: succeeded, failed, pending, cancelled.
    pub status: String,
}

/// A line the statement has that could not be read: its number and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Unreadable {
    pub line: usize,
    pub reason: String,
}

/// The provider's status words, folded to ours.
fn status_word(text: &str) -> String {
    match text.trim().to_lowercase().as_str() {
        "succeeded" | "success" | "successful" | "succès" | "reussi" | "réussi" | "completed"
        | "paid" | "00" | "accepted" => "succeeded",
        "failed" | "échec" | "echec" | "declined" | "refused" | "rejected" | "627" => "failed",
        "cancelled" | "canceled" | "annulé" | "annule" => "cancelled",
        _ => "pending",
    }
    .to_owned()
}

fn date_of(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Some(at.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(t, f) {
            return Some(at.and_utc());
        }
    }
    for f in ["%Y-%m-%d", "%d/%m/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return d.and_hms_opt(0, 0, 0).map(|at| at.and_utc());
        }
    }
    None
}

/// Reads a statement in `format`: the lines it could read, and those it could not (with why).
pub fn read(format: &Format, text: &str) -> (Vec<Line>, Vec<Unreadable>) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(format.separator)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            return (
                Vec::new(),
                vec![Unreadable {
                    line: 1,
                    reason: e.to_string(),
                }],
            );
        }
    };
    let column = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| headers.iter().position(|h| h == n))
    };
    let (reference, date, amount, currency, status) = (
        column(format.reference),
        column(format.date),
        column(format.amount),
        column(format.currency),
        column(format.status),
    );
    let (Some(reference), Some(amount), Some(currency)) = (reference, amount, currency) else {
        let wanted = [format.reference[0], format.amount[0], format.currency[0]];
        return (
            Vec::new(),
            vec![Unreadable {
                line: 1,
                reason: format!("the header needs the columns {}", wanted.join(", ")),
            }],
        );
    };
    let mut lines = Vec::new();
    let mut bad = Vec::new();
    for (k, record) in reader.records().enumerate() {
        let number = k + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                bad.push(Unreadable {
                    line: number,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let field = |i: usize| record.get(i).unwrap_or("").to_owned();
        let code = field(currency).to_uppercase();
        let parsed = Currency::parse(&code)
            .map_err(|e| e.to_string())
            .and_then(|c| parse_amount(&field(amount), c).map_err(|e| e.to_string()));
        match parsed {
            Ok(minor) if !field(reference).is_empty() => lines.push(Line {
                number,
                reference: field(reference),
                at: date.and_then(|d| date_of(&field(d))),
                amount: minor,
                currency: code,
                status: status.map_or_else(|| "succeeded".into(), |s| status_word(&field(s))),
            }),
            Ok(_) => bad.push(Unreadable {
                line: number,
                reason: "no reference".into(),
            }),
            Err(reason) => bad.push(Unreadable {
                line: number,
                reason,
            }),
        }
    }
    (lines, bad)
}

/// A statement of `provider`'s format for `rows` (the demo writes one next to its database,
/// with deliberate mismatches, so reconciliation can be tried).
pub fn write(format: &Format, rows: &[(String, DateTime<Utc>, i64, Currency, String)]) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(format.separator)
        .from_writer(Vec::new());
    let header = [
        format.reference[0],
        format.date[0],
        format.amount[0],
        format.currency[0],
        format.status[0],
    ];
    w.write_record(header).ok();
    for (reference, at, minor, currency, status) in rows {
        let amount = super::Money::new(*minor, *currency).plain();
        let at = at.format("%Y-%m-%d %H:%M:%S").to_string();
        w.write_record([
            reference.as_str(),
            at.as_str(),
            amount.as_str(),
            currency.code(),
            status.as_str(),
        ])
        .ok();
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_statement_reads() {
        for f in &FORMATS {
            let path = format!(
                "{}/assets/statements/{}.csv",
                env!("CARGO_MANIFEST_DIR"),
                f.provider
            );
            let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{path}"));
            let (lines, bad) = read(f, &text);
            assert!(bad.is_empty(), "{path}: {bad:?}");
            assert!(lines.len() >= 3, "{path}");
            assert!(
                lines.iter().all(|l| l.amount > 0 && l.at.is_some()),
                "{path}"
            );
        }
    }

    #[test]
    fn amounts_read_as_each_provider_writes_them() {
        let f = format_of("orange_money").unwrap();
        let text = "Référence;Date;Montant;Devise;Statut\nMP1;30/11/2026 10:42;450 000;XOF;Succès\nMP2;30/11/2026;abc;XOF;Succès\n";
        let (lines, bad) = read(f, text);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].amount, 450_000);
        assert_eq!(lines[0].status, "succeeded");
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 3);
        let stripe = format_of("stripe").unwrap();
        let (lines, _) = read(
            stripe,
            "id,Created (UTC),Amount,Currency,Status\npi_1,2026-11-30 10:00:00,4500.00,eur,Paid\n",
        );
        assert_eq!(
            (lines[0].amount, lines[0].currency.as_str()),
            (450_000, "EUR")
        );
    }
}
