//! A dropped database connection: the app says it is offline, keeps the user's place and the
//! text being typed, refuses to send while offline, and recovers on its own.

mod common;

use chrono::Utc;
use common::ui::{Harness, anchor};
use crossterm::event::{KeyCode, KeyModifiers};
use obryl::domain::Locale;
use obryl::seed::{self, SeedOptions, Size};
use obryl::store::Db;
use obryl::ui::app::Live;
use obryl::ui::popup::Popup;
use obryl::ui::screens::TabId;

/// A TCP proxy in front of PostgreSQL that the test can cut (every connection dropped, new ones
/// refused) and restore, as a network failure would.
struct Proxy {
    port: u16,
    up: tokio::sync::watch::Sender<bool>,
}

impl Proxy {
    async fn start(upstream: &str) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (up, _) = tokio::sync::watch::channel(true);
        let up_rx = up.subscribe();
        let upstream = upstream.to_owned();
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !*up_rx.borrow() {
                    continue; // refused: dropped at once
                }
                let upstream = upstream.clone();
                let mut cut = up_rx.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Proxy { port, up }
    }
    fn cut(&self) {
        self.up.send_replace(false);
    }
    fn restore(&self) {
        self.up.send_replace(true);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dropped_connection_is_survived_without_losing_place_or_draft() {
    let Some((direct, url)) = common::postgres_empty().await else {
        return;
    };
    direct.migrate().await.unwrap();
    obryl::service::bootstrap::ensure_reference_data(&direct)
        .await
        .unwrap();
    seed::seed(
        &direct,
        &SeedOptions {
            size: Size::Demo,
            seed: 7,
            anchor: anchor(),
        },
        &|_, _, _| {},
    )
    .await
    .unwrap();
    // The app reaches the database through a proxy the test can cut.
    let proxy = Proxy::start("127.0.0.1:5432").await;
    let name = url.rsplit('/').next().unwrap();
    let db = Db::connect(&format!(
        "postgres://postgres@127.0.0.1:{}/{name}",
        proxy.port
    ))
    .await
    .unwrap();

    let mut h = Harness::new(&db, "finance@obryl.test", Locale::En, TabId::Commissions).await;
    h.key(KeyCode::Down).await;
    let place = h.app.screens.commissions.list.current().map(|r| r.id);
    // Start typing a rejection reason.
    h.char('r').await;
    h.type_text("Montant brut à vérifier").await;
    assert!(matches!(h.app.popup, Some(Popup::Compose { .. })));

    proxy.cut();
    // The next query fails: the app goes offline and says so, the composer stays open.
    h.app.refresh_tab(TabId::Commissions);
    h.pump_until("offline", |a| a.live == Live::Offline).await;
    assert!(
        h.render(120, 40).contains("reconnecting"),
        "status bar says reconnecting"
    );
    // A change to one's own account reported meanwhile: re-reading the rights fails with the
    // connection, which is no reason to log out.
    let me = h.app.session.actor.as_ref().map(|a| a.id).unwrap();
    h.app.on_change(obryl::store::feed::Change::Audit {
        id: 0,
        event: "role_granted".into(),
        auditable_type: "user".into(),
        auditable_id: me,
    });
    h.pump().await;
    assert!(
        h.app.login.is_none(),
        "a lost connection logged the person out"
    );
    assert!(h.app.session.actor.is_some());
    // Sending while offline is refused and the text is kept.
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    match &h.app.popup {
        Some(Popup::Compose { composer, .. }) => {
            assert_eq!(composer.text(), "Montant brut à vérifier")
        }
        _ => panic!("the composer must stay open while offline"),
    }
    // The network comes back: the ticker pings, the pool reconnects, the list comes back at
    // the same row.
    proxy.restore();
    for _ in 0..100 {
        h.app.on_tick(Utc::now());
        h.pump().await;
        if h.app.live != Live::Offline {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_ne!(h.app.live, Live::Offline, "reconnected");
    assert_eq!(
        h.app.screens.commissions.list.current().map(|r| r.id),
        place,
        "same place"
    );
    // Now the same text goes through.
    h.key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    h.pump_until("rejected", |a| a.popup.is_none() && a.draft.is_none())
        .await;
    let rejected = obryl::store::commissions::get(
        &mut direct.clone(),
        obryl::service::commissions::Kind::Platform,
        place.unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(rejected.status, "rejected");
    assert_eq!(
        rejected.rejection_reason.as_deref(),
        Some("Montant brut à vérifier")
    );
}
