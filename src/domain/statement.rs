//! Provider statements as the providers' dashboards export them (Wave, Orange Money, MTN MoMo,
//! CinetPay, Stripe): the columns each uses (`FORMATS`), reading one a line at a time
//! (`Reader`), and writing one. Pure: the file is read, and compared with our transactions, in
//! `office::reconcile`.

use std::borrow::Cow;

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

/// Where a statement's columns are, as its header line names them.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Columns {
    reference: usize,
    date: Option<usize>,
    amount: usize,
    currency: usize,
    status: Option<usize>,
}

/// What one line of a statement turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fed {
    /// A blank line: not counted.
    Blank,
    /// The header line, naming the columns.
    Header,
    Line(Line),
    Unreadable(Unreadable),
    /// The header does not name the columns needed: nothing after it can be read.
    Stop(Unreadable),
}

/// Reads a statement one line at a time, so a file of any size is read with what one line
/// needs: the first line that is not blank is the header, each later one a transaction. Lines
/// are physical lines (a quoted field does not run over a line break: no provider's export has
/// one in these columns), so a broken line never takes the next ones with it.
pub struct Reader<'f> {
    format: &'f Format,
    columns: Option<Columns>,
}

impl<'f> Reader<'f> {
    pub fn new(format: &'f Format) -> Reader<'f> {
        Reader {
            format,
            columns: None,
        }
    }

    /// Line `number` (from 1), without its line break.
    pub fn feed(&mut self, number: usize, bytes: &[u8]) -> Fed {
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Fed::Blank;
        }
        let Some(columns) = &self.columns else {
            return self.header(number, bytes);
        };
        match line_of(self.format, columns, number, bytes) {
            Ok(l) => Fed::Line(l),
            Err(reason) => Fed::Unreadable(Unreadable {
                line: number,
                reason,
            }),
        }
    }

    /// Line `number` was longer than `limit` bytes and was not kept.
    pub fn too_long(&mut self, number: usize, limit: usize) -> Fed {
        let u = Unreadable {
            line: number,
            reason: format!("longer than {limit} bytes"),
        };
        match self.columns {
            Some(_) => Fed::Unreadable(u),
            None => Fed::Stop(u),
        }
    }

    /// At the end: what is wrong with a statement that had no header at all.
    pub fn finish(&self) -> Option<Unreadable> {
        self.columns.is_none().then(|| Unreadable {
            line: 1,
            reason: self.needs(),
        })
    }

    fn needs(&self) -> String {
        let f = self.format;
        let wanted = [f.reference[0], f.amount[0], f.currency[0]];
        format!("the header needs the columns {}", wanted.join(", "))
    }

    fn header(&mut self, number: usize, bytes: &[u8]) -> Fed {
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let text = String::from_utf8_lossy(bytes);
        let headers = match split(&text, char::from(self.format.separator)) {
            Ok(h) => h,
            Err(reason) => {
                return Fed::Stop(Unreadable {
                    line: number,
                    reason,
                });
            }
        };
        let column = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| headers.iter().position(|h| h == n))
        };
        let f = self.format;
        match (column(f.reference), column(f.amount), column(f.currency)) {
            (Some(reference), Some(amount), Some(currency)) => {
                self.columns = Some(Columns {
                    reference,
                    date: column(f.date),
                    amount,
                    currency,
                    status: column(f.status),
                });
                Fed::Header
            }
            _ => Fed::Stop(Unreadable {
                line: number,
                reason: self.needs(),
            }),
        }
    }
}

/// The fields of one line, trimmed: separated by `separator`, a field in double quotes may
/// hold the separator, and `""` inside it is a quote (as the providers' CSV writers do).
fn split(line: &str, separator: char) -> Result<Vec<Cow<'_, str>>, String> {
    let mut fields = Vec::with_capacity(8);
    let mut rest = line;
    loop {
        let start = rest.trim_start();
        let Some(quoted) = start.strip_prefix('"') else {
            match rest.find(separator) {
                Some(i) => {
                    fields.push(Cow::Borrowed(rest[..i].trim()));
                    rest = &rest[i + separator.len_utf8()..];
                    continue;
                }
                None => {
                    fields.push(Cow::Borrowed(rest.trim()));
                    return Ok(fields);
                }
            }
        };
        let mut value = String::new();
        let mut s = quoted;
        loop {
            let Some(i) = s.find('"') else {
                return Err(format!(
                    "a quote opened in field {} is not closed",
                    fields.len() + 1
                ));
            };
            value.push_str(&s[..i]);
            s = &s[i + 1..];
            match s.strip_prefix('"') {
                Some(after) => {
                    value.push('"');
                    s = after;
                }
                None => break,
            }
        }
        // Whatever follows the closing quote up to the separator belongs to the field too.
        let end = s.find(separator);
        value.push_str(&s[..end.unwrap_or(s.len())]);
        fields.push(Cow::Owned(value.trim().to_owned()));
        match end {
            Some(i) => rest = &s[i + separator.len_utf8()..],
            None => return Ok(fields),
        }
    }
}

/// One transaction line, or why it cannot be read.
fn line_of(
    format: &Format,
    columns: &Columns,
    number: usize,
    bytes: &[u8],
) -> Result<Line, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text (byte {} of the line)", e.valid_up_to() + 1))?;
    let fields = split(text, char::from(format.separator))?;
    let field = |i: usize| fields.get(i).map_or("", |f| f.as_ref());
    let code = field(columns.currency).to_uppercase();
    let currency = Currency::parse(&code).map_err(|e| e.to_string())?;
    let amount = parse_amount(field(columns.amount), currency).map_err(|e| e.to_string())?;
    let reference = field(columns.reference);
    if reference.is_empty() {
        return Err("no reference".into());
    }
    Ok(Line {
        number,
        reference: reference.to_owned(),
        at: columns.date.and_then(|d| date_of(field(d))),
        amount,
        currency: code,
        status: columns
            .status
            .map_or_else(|| "succeeded".into(), |s| status_word(field(s))),
    })
}

/// Reads a whole statement in `format` held in memory: the lines it could read, and those it
/// could not (with why). Files are read a line at a time through `Reader` instead.
pub fn read(format: &Format, text: &str) -> (Vec<Line>, Vec<Unreadable>) {
    let mut reader = Reader::new(format);
    let (mut lines, mut bad) = (Vec::new(), Vec::new());
    for (k, line) in text.split('\n').enumerate() {
        match reader.feed(k + 1, line.as_bytes()) {
            Fed::Blank | Fed::Header => {}
            Fed::Line(l) => lines.push(l),
            Fed::Unreadable(u) => bad.push(u),
            Fed::Stop(u) => {
                bad.push(u);
                return (lines, bad);
            }
        }
    }
    bad.extend(reader.finish());
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

    #[test]
    fn a_broken_line_is_told_by_its_number_and_the_next_ones_still_read() {
        let f = format_of("wave").unwrap();
        let text = "\u{feff}Transaction ID,Timestamp,Amount,Currency,Status\r\n\
                    T1,2026-11-30 10:00:00,1000,XOF,succeeded\r\n\
                    \r\n\
                    \"T2,2026-11-30 10:00:00,1000,XOF,succeeded\r\n\
                    \"T,3\" ,2026-11-30 10:00:00,\"2 000\",xof,Succeeded\n\
                    T4,2026-11-30,3000,XOF,declined";
        let (lines, bad) = read(f, text);
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert_eq!(bad[0].line, 4);
        assert!(bad[0].reason.contains("quote"), "{}", bad[0].reason);
        let got: Vec<_> = lines
            .iter()
            .map(|l| (l.number, l.reference.as_str(), l.amount, l.status.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (2, "T1", 1000, "succeeded"),
                (5, "T,3", 2000, "succeeded"),
                (6, "T4", 3000, "failed")
            ]
        );
        let mut r = Reader::new(f);
        assert_eq!(r.feed(1, b"Transaction ID,Amount,Currency"), Fed::Header);
        assert!(
            matches!(r.feed(2, b"T1,\xff,XOF"), Fed::Unreadable(u) if u.reason.contains("UTF-8"))
        );
        assert!(matches!(r.too_long(3, 10), Fed::Unreadable(u) if u.line == 3));
        assert!(matches!(r.feed(4, b"T1,5,XOF"), Fed::Line(l) if l.amount == 5));
        assert_eq!(r.finish(), None);
    }

    #[test]
    fn a_header_without_the_columns_stops_the_reading() {
        let f = format_of("wave").unwrap();
        let (lines, bad) = read(f, "a,b,c\nT1,1000,XOF\n");
        assert!(lines.is_empty());
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 1);
        let (lines, bad) = read(f, "");
        assert!(lines.is_empty());
        assert_eq!(bad[0].line, 1);
    }
}
