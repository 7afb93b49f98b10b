mod common;

use common::ui::*;
use crossterm::event::KeyCode;
use obryl::domain::Locale;
use obryl::ui::screens::TabId;

#[tokio::test]
async fn probe() {
    let (db, _dir) = demo_db().await;
    let mut h = Harness::new(&db, "finance@obryl.test", Locale::Fr, TabId::Projects).await;
    for c in ['1', '2', '3', '4', '5'] {
        h.char(c).await;
        println!("{}", h.render(80, 24));
    }
    h.char('2').await;
    h.key(KeyCode::Enter).await;
    println!("{}", h.render(120, 40));
    h.key(KeyCode::Esc).await;
    h.char('r').await;
    println!("{}", h.render(120, 40));
    h.key(KeyCode::Esc).await;
    h.char('a').await;
    println!("{}", h.render(120, 40));
    h.key(KeyCode::Esc).await;
    h.char('?').await;
    println!("{}", h.render(120, 40));
    h.key(KeyCode::Esc).await;
    h.char('5').await;
    h.key(KeyCode::Enter).await;
    println!("{}", h.render(120, 40));
    println!("{}", h.render(40, 10));
}
