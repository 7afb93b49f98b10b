//! The blog, portfolio media, API tokens and webhook endpoints.

use base64::Engine;
use rand::Rng;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::history::{Ev, K, St};
use super::people::User;
use super::projects::Project;
use super::util::{
    self, Clock, DAY, HOUR, MINUTE, R, Sink, after, i, j, os, ot, pick, s, t, weighted,
};
use super::words::WORDS;
use super::{ADMIN, EDITOR, FINANCE, OPS, Plan};
use crate::domain::{ArticleStatus, ProjectStatus, slugify};
use crate::store::{StoreError, schema};

pub(crate) struct Article {
    pub id: i64,
    pub title: String,
    pub excerpt: &'static str,
    pub body: String,
    pub status: ArticleStatus,
    pub published: Option<i64>,
    pub created: i64,
    pub updated: i64,
    pub lock_version: i64,
}

impl Article {
    pub fn slug(&self) -> String {
        format!("{}-{}", slugify(&self.title), self.id)
    }
}

pub(crate) struct Media {
    pub id: i64,
    pub model_type: &'static str,
    pub model_id: i64,
    pub uuid: String,
    pub collection: &'static str,
    pub name: String,
    pub file_name: String,
    pub mime: &'static str,
    pub size: i64,
    pub custom: serde_json::Value,
    pub conversions: serde_json::Value,
    pub order: i64,
    pub moderation: &'static str,
    pub created: i64,
}

pub(crate) struct Token {
    pub user: i64,
    pub name: &'static str,
    pub token: String,
    pub abilities: &'static str,
    pub last_used: Option<i64>,
    pub expires: Option<i64>,
    pub created: i64,
}

pub(crate) struct Endpoint {
    pub id: i64,
    pub url: &'static str,
    pub description: &'static str,
    pub secret: String,
    pub previous: Option<(String, i64)>,
    pub events: &'static [&'static str],
    pub status: &'static str,
    pub disabled: Option<(i64, &'static str)>,
    pub created: i64,
    pub updated: i64,
}

impl Endpoint {
    pub fn wants(&self, kind: &str) -> bool {
        self.events.iter().any(|e| *e == "*" || *e == kind)
    }
}

pub(crate) struct Content {
    pub articles: Vec<Article>,
    pub media: Vec<Media>,
    pub tokens: Vec<Token>,
    pub endpoints: Vec<Endpoint>,
}

fn secret(rng: &mut R) -> String {
    let bytes: [u8; 24] = rng.random();
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

pub(super) fn build(
    plan: &Plan,
    seed: u64,
    clock: Clock,
    users: &[User],
    projects: &[Project],
    events: &mut Vec<Ev>,
) -> Content {
    let a = clock.anchor;
    let mut rng = util::rng(seed, "articles");
    let mut articles = Vec::with_capacity(plan.articles);
    for k in 0..plan.articles {
        use ArticleStatus as A;
        let id = k as i64 + 1;
        let text = &WORDS.articles[k % WORDS.articles.len()];
        let (title, excerpt) = (text.title, text.excerpt);
        let round = k / WORDS.articles.len();
        let title = if round == 0 {
            title.to_owned()
        } else {
            format!("{title} (partie {})", round + 1)
        };
        let created = clock.nth(&mut rng, clock.start, k, plan.articles);
        // The newest four cover every status; the rest are mostly published.
        let status = match plan.articles - k {
            1 => A::Draft,
            2 => A::Review,
            3 => A::Published,
            4 => A::Archived,
            _ => [A::Published, A::Draft, A::Review, A::Archived]
                [weighted(&mut rng, &[65, 12, 8, 15])],
        };
        // The body is the article's own sections; a later part of a series takes them from
        // another starting point.
        let mut body = format!("{excerpt}\n\n");
        let n = text.sections.len().max(1);
        for j in 0..text.sections.len() {
            let (heading, paragraph) = text.sections[(j + round) % n];
            body.push_str(&format!("## {heading}\n\n{paragraph}\n\n"));
        }
        let body = body.trim_end().to_owned();
        let mut ev = Ev::new(created, EDITOR, K::Created, St::Article, id);
        events.push(ev);
        let mut cur = created;
        let mut lock = 0;
        let mut published = None;
        let end = a - MINUTE;
        if matches!(status, A::Review | A::Published | A::Archived)
            && (status == A::Review || rng.random_bool(0.6))
        {
            cur = after(&mut rng, cur, HOUR, 5 * DAY, end);
            ev = Ev::new(cur, EDITOR, K::Status, St::Article, id);
            (ev.a, ev.b) = (0, 1);
            events.push(ev);
            lock += 1;
        }
        if matches!(status, A::Published | A::Archived) {
            let from = if lock > 0 { 1 } else { 0 };
            cur = after(&mut rng, cur, HOUR, 7 * DAY, end);
            let by = if rng.random_bool(0.8) { EDITOR } else { ADMIN };
            ev = Ev::new(cur, by, K::Published, St::Article, id);
            ev.a = from;
            events.push(ev);
            published = Some(cur);
            lock += 1;
        }
        if status == A::Archived {
            cur = after(&mut rng, cur, 10 * DAY, 90 * DAY, end);
            ev = Ev::new(cur, EDITOR, K::Status, St::Article, id);
            (ev.a, ev.b) = (2, 3);
            events.push(ev);
            lock += 1;
        }
        articles.push(Article {
            id,
            title,
            excerpt,
            body,
            status,
            published,
            created,
            updated: cur,
            lock_version: lock,
        });
    }

    let mut rng = util::rng(seed, "media");
    let devs: Vec<&User> = users.iter().filter(|u| u.dev.is_some()).collect();
    let showcased: Vec<&Project> = projects
        .iter()
        .filter(|p| p.status == ProjectStatus::Completed)
        .collect();
    let mut media = Vec::with_capacity(plan.media);
    let mut order = std::collections::BTreeMap::<(&str, i64), i64>::new();
    for k in 0..plan.media {
        let id = k as i64 + 1;
        let on_project = !showcased.is_empty() && rng.random_bool(0.35);
        let (model_type, model_id, since) = if on_project {
            let p = pick(&mut rng, &showcased);
            ("project", p.id, p.completed_at.unwrap_or(p.created))
        } else {
            let u = pick(&mut rng, &devs);
            ("user", u.id, u.created)
        };
        // The first three cover every collection.
        let collection = match k {
            0 => "portfolio",
            1 => "demo_video",
            2 => "embed_3d",
            _ => ["portfolio", "demo_video", "embed_3d", "attachments"]
                [weighted(&mut rng, &[55, 15, 12, 18])],
        };
        let stem = slugify(pick(&mut rng, &WORDS.kinds));
        let hex = format!("{:08x}", rng.random::<u32>());
        let (name, file_name, mime, size, custom, conversions) = match collection {
            "portfolio" => (
                format!("Capture {}", stem.replace('-', " ")),
                format!("{stem}.jpg"),
                "image/jpeg",
                rng.random_range(80_000..2_500_000),
                json!({"alt": format!("Aperçu : {}", stem.replace('-', " "))}),
                json!({"thumb": true, "preview": true}),
            ),
            "demo_video" => (
                format!("Démo {}", stem.replace('-', " ")),
                format!("demo-{stem}.mp4"),
                "video/mp4",
                rng.random_range(5_000_000..180_000_000),
                json!({"duration_seconds": rng.random_range(30..600)}),
                json!({"poster": true}),
            ),
            "embed_3d" => {
                // The first embed (k = 2) comes from a host off the allowlist.
                let allowed = rng.random_bool(0.6) && k != 2;
                let url = if allowed {
                    format!("https://my.spline.design/{stem}-{hex}/")
                } else {
                    format!("https://demos.example.com/three/{stem}-{hex}/")
                };
                (
                    format!("Scène 3D {}", stem.replace('-', " ")),
                    format!("{stem}.embed.json"),
                    "application/json",
                    rng.random_range(300..4_000),
                    json!({"embed_url": url, "provider": if url.contains("spline") { "spline" } else { "threejs" }}),
                    json!({}),
                )
            }
            _ => (
                "Cahier des charges".to_owned(),
                format!("cahier-des-charges-{hex}.pdf"),
                "application/pdf",
                rng.random_range(40_000..3_000_000),
                json!({}),
                json!({}),
            ),
        };
        let created = after(&mut rng, since, HOUR, 30 * DAY, a - MINUTE);
        let uploader = if model_type == "user" {
            model_id
        } else {
            projects[(model_id - 1) as usize].dev.unwrap_or(OPS)
        };
        events.push(Ev::new(created, uploader, K::Created, St::Media, id));
        let n = order.entry((model_type, model_id)).or_insert(0);
        *n += 1;
        media.push(Media {
            id,
            model_type,
            model_id,
            uuid: util::uuid(&mut rng).to_string(),
            collection,
            name,
            file_name,
            mime,
            size,
            custom,
            conversions,
            order: *n,
            // The first three, one of each kind, await moderation (drawn all the same, so the
            // rows after them do not change).
            moderation: match (
                k,
                ["approved", "pending", "rejected"][weighted(&mut rng, &[70, 20, 10])],
            ) {
                (0..=2, _) => "pending",
                (_, drawn) => drawn,
            },
            created,
        });
    }

    let mut rng = util::rng(seed, "tokens");
    let mut tokens = Vec::with_capacity(plan.tokens);
    let clients: Vec<&User> = users.iter().filter(|u| u.client).collect();
    let names = [
        "Intégration Slack",
        "Export comptable",
        "Zapier",
        "CLI interne",
        "Tableau de bord BI",
    ];
    let abilities = [
        "[\"projects:read\",\"commissions:read\"]",
        "[\"commissions:read\",\"ledger:read\"]",
        "[\"projects:read\",\"projects:write\"]",
        "[\"*\"]",
        "[\"analytics:read\"]",
    ];
    for k in 0..plan.tokens {
        let user = match k {
            0 => ADMIN,
            1 => OPS,
            2 => FINANCE[0],
            _ => pick(&mut rng, &clients).id,
        };
        let since = users[(user - 1) as usize].created;
        let created = after(&mut rng, since.max(clock.start), DAY, 200 * DAY, a - DAY);
        let raw: [u8; 32] = rng.random();
        let token = hex::encode(Sha256::digest(raw));
        let last_used = rng
            .random_bool(0.7)
            .then(|| util::between(&mut rng, created, a - MINUTE, a - MINUTE));
        let expires = rng.random_bool(0.5).then(|| created + 365 * DAY);
        tokens.push(Token {
            user,
            name: names[k % names.len()],
            token,
            abilities: abilities[k % abilities.len()],
            last_used,
            expires,
            created,
        });
    }

    let mut rng = util::rng(seed, "webhooks");
    let endpoints = vec![
        Endpoint {
            id: 1,
            url: "https://hooks.partner-compta.invalid/obryl",
            description: "Outil comptable : commissions approuvées et payées",
            secret: secret(&mut rng),
            previous: Some((secret(&mut rng), a + 2 * DAY)),
            events: &[
                "commission.approved",
                "commission.paid",
                "ext_commission.paid",
            ],
            status: "active",
            disabled: None,
            created: a - 200 * DAY,
            updated: a - DAY,
        },
        Endpoint {
            id: 2,
            url: "https://jira.example.test/rest/webhooks/1.0/obryl",
            description: "Suivi Jira des projets et des tickets",
            secret: secret(&mut rng),
            previous: None,
            events: &[
                "project.created",
                "project.assigned",
                "project.status_changed",
                "support_ticket.created",
                "support_ticket.assigned",
                "support_ticket.status_changed",
            ],
            status: "active",
            disabled: None,
            created: a - 150 * DAY,
            updated: a - 150 * DAY,
        },
        Endpoint {
            id: 3,
            url: "https://ancien-crm.invalid/obryl/webhook",
            description: "Ancien CRM (abandonné)",
            secret: secret(&mut rng),
            previous: None,
            events: &["*"],
            status: "disabled",
            disabled: Some((a - 26 * HOUR, "gone")),
            created: a - 400 * DAY,
            updated: a - 26 * HOUR,
        },
    ];
    Content {
        articles,
        media,
        tokens,
        endpoints,
    }
}

pub(super) async fn write(
    w: &super::World,
    sink: Sink<'_>,
    report: &mut Vec<(&'static str, u64)>,
) -> Result<(), StoreError> {
    let c = &w.content;
    let mut table = sink.table(schema::ARTICLES, c.articles.len() as u64);
    for a in &c.articles {
        table
            .push(vec![
                i(a.id),
                i(EDITOR),
                s(a.title.as_str()),
                s(a.slug()),
                s(a.excerpt),
                s(a.body.as_str()),
                s(a.status.as_str()),
                ot(a.published),
                i(a.lock_version),
                t(a.created),
                t(a.updated),
                ot(None),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut table = sink.table(schema::MEDIA, c.media.len() as u64);
    for m in &c.media {
        table
            .push(vec![
                i(m.id),
                s(m.model_type),
                i(m.model_id),
                s(m.uuid.as_str()),
                s(m.collection),
                s(m.name.as_str()),
                s(m.file_name.as_str()),
                s(m.mime),
                s("s3"),
                s("s3"),
                i(m.size),
                j(json!([])),
                j(m.custom.clone()),
                j(m.conversions.clone()),
                j(json!([])),
                i(m.order),
                s(m.moderation),
                t(m.created),
                t(m.created),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut table = sink.table(schema::PERSONAL_ACCESS_TOKENS, c.tokens.len() as u64);
    for (k, tk) in c.tokens.iter().enumerate() {
        table
            .push(vec![
                i(k as i64 + 1),
                s("user"),
                i(tk.user),
                s(tk.name),
                s(tk.token.as_str()),
                s(tk.abilities),
                ot(tk.last_used),
                ot(tk.expires),
                t(tk.created),
                t(tk.last_used.unwrap_or(tk.created)),
            ])
            .await?;
    }
    report.push(table.finish().await?);

    let mut table = sink.table(schema::WEBHOOK_ENDPOINTS, c.endpoints.len() as u64);
    for e in &c.endpoints {
        table
            .push(vec![
                i(e.id),
                s(e.url),
                s(e.description),
                s(e.secret.as_str()),
                os(e.previous.as_ref().map(|p| p.0.clone())),
                ot(e.previous.as_ref().map(|p| p.1)),
                j(json!(e.events)),
                s(e.status),
                os(e.disabled.map(|d| d.1)),
                t(e.created),
                t(e.updated),
            ])
            .await?;
    }
    report.push(table.finish().await?);
    Ok(())
}
