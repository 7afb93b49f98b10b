//! Counts, statuses and system messages read as sentences in both languages.

use chrono::Utc;
use serde_json::json;

use super::*;
use crate::service::Said;
use crate::store::messages::MessageRow;

fn said(said: Said) -> (String, String) {
    (said_text(&said, Locale::En), said_text(&said, Locale::Fr))
}

#[test]
fn counts_agree_with_their_number() {
    let n = |n: usize, l: Locale| plural(l, "payouts_view.payouts", n, &[("n", &n.to_string())]);
    assert_eq!(n(1, Locale::Fr), "1 versement");
    assert_eq!(n(0, Locale::Fr), "0 versement");
    assert_eq!(n(2, Locale::Fr), "2 versements");
    assert_eq!(n(1, Locale::En), "1 payout");
    assert_eq!(n(0, Locale::En), "0 payouts");
    let matched =
        |n: usize, l: Locale| plural(l, "cli_payment.count.matched", n, &[("n", &n.to_string())]);
    assert_eq!(matched(61, Locale::Fr), "61 lignes concordantes");
    assert_eq!(matched(1, Locale::Fr), "1 ligne concordante");
    assert_eq!(matched(61, Locale::En), "61 lines match");
    assert_eq!(matched(1, Locale::En), "1 line matches");
    let days = |n: usize, l: Locale| plural(l, "settings.days", n, &[("n", &n.to_string())]);
    assert_eq!(days(1, Locale::En), "1 day");
    assert_eq!(days(14, Locale::Fr), "14 jours");
}

#[test]
fn a_status_in_a_sentence_agrees_with_it() {
    let (en, fr) = said(Said::new("payment_already").status("status", "payment", "succeeded"));
    assert_eq!(en, "this transaction has already succeeded");
    assert_eq!(fr, "cette transaction a déjà réussi");
    let (en, fr) = said(Said::new("payment_already").status("status", "payment", "cancelled"));
    assert_eq!(en, "this transaction has already been cancelled");
    assert_eq!(fr, "cette transaction a déjà été annulée");
    // A status with no sentence of its own is quoted, so nothing has to agree with it.
    let (en, fr) = said(Said::new("payment_already").status("status", "payment", "expired"));
    assert_eq!(en, "this transaction already has the status \"expired\"");
    assert_eq!(fr, "cette transaction a déjà le statut « expired »");
}

#[test]
fn zero_is_not_negative() {
    let zero = ServiceError::Domain(DomainError::NegativeAmount { input: "0".into() });
    let en = error_text(&zero, Locale::En);
    let fr = error_text(&zero, Locale::Fr);
    assert!(
        en.contains("greater than zero") && !en.contains("negative"),
        "{en}"
    );
    assert!(
        fr.contains("supérieur à zéro") && !fr.contains("négatif"),
        "{fr}"
    );
    let minus = ServiceError::Domain(DomainError::NegativeAmount { input: "-5".into() });
    assert!(error_text(&minus, Locale::Fr).contains("« -5 » est négatif"));
    assert!(is_zero("0,00") && is_zero("0 000") && !is_zero("10") && !is_zero(""));
}

fn message(body: &str, data: Option<serde_json::Value>) -> MessageRow {
    MessageRow {
        id: 1,
        sender_id: None,
        sender_name: None,
        body: body.into(),
        is_internal: false,
        created_at: Some(Utc::now()),
        data,
    }
}

#[test]
fn system_messages_read_in_the_readers_language() {
    let data = json!({
        "key": "escrow.system.released",
        "args": {"amount": {"minor": 500_000, "currency": "XOF"}},
    });
    // Written in the client's language; each reader reads it in their own.
    let m = message("Fonds libérés : 500 000 XOF", Some(data.clone()));
    assert_eq!(message_text(&m, Locale::En), "Funds released: 500,000 XOF");
    let m = message("Funds released: 500,000 XOF", Some(data));
    assert_eq!(message_text(&m, Locale::Fr), "Fonds libérés : 500 000 XOF");
    // Written before keys were kept, or with a key this program does not know: as stored.
    let old = message("Fonds libérés : 500 000 XOF", None);
    assert_eq!(
        message_text(&old, Locale::En),
        "Fonds libérés : 500 000 XOF"
    );
    let unknown = message("Texte", Some(json!({"key": "escrow.system.unheard_of"})));
    assert_eq!(message_text(&unknown, Locale::En), "Texte");
    let missing_arg = message("Texte", Some(json!({"key": "escrow.system.released"})));
    assert_eq!(message_text(&missing_arg, Locale::En), "Texte");
}
