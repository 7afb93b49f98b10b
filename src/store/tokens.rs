//! personal_access_tokens: partners' API tokens in Sanctum's table. Only the SHA-256 of a
//! secret is stored; lists never read it, and only the token check does. Revoking deletes the
//! row, as Sanctum does; the tokens revoked here are read back from their audit rows (what
//! the revocation recorded, and who created them), so the staff's list shows them too.

use chrono::{DateTime, Duration, Utc};
use sea_query::{Expr, ExprTrait, JoinType, Query, SelectStatement};
use serde_json::Value as JsonValue;

use super::page::{Anchor, Cursor, Keyset, Page, SortDir, finish};
use super::{Conn, Db, Result, Tx, schema};

/// The owner type of the tokens this program issues: staff members, as the platform's
/// `App\Models\User`.
pub const TOKENABLE_TYPE: &str = "App\\Models\\User";
/// Owner types a token may have and still be checked here: the class name, and the morph
/// alias the rest of the schema uses for users.
const USER_TYPES: [&str; 2] = [TOKENABLE_TYPE, super::users::USER_TYPE];

/// A token as lists and screens show it: never its hash.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    /// The `abilities` column as stored (a JSON array, see `domain::api_token`).
    pub abilities: Option<String>,
    pub tokenable_id: i64,
    /// Who created it (the staff member it belongs to); None when that account is gone.
    pub owner_name: Option<String>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    /// When it was revoked (its row is gone; read from the audit log), and by whom.
    #[sqlx(default)]
    pub revoked_at: Option<DateTime<Utc>>,
    #[sqlx(default)]
    pub revoked_by: Option<String>,
}

/// What checking a presented token needs: its hash, and whether its owner still exists.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TokenSecret {
    pub id: i64,
    pub hash: String,
    pub abilities: Option<String>,
    pub tokenable_id: i64,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The owner's account is deleted (or missing): the token no longer works.
    pub owner_gone: bool,
}

fn listed() -> SelectStatement {
    let q = Query::select()
        .columns([
            ("t", "id"),
            ("t", "name"),
            ("t", "abilities"),
            ("t", "tokenable_id"),
            ("t", "last_used_at"),
            ("t", "expires_at"),
            ("t", "created_at"),
        ])
        .expr_as(Expr::col(("u", "name")), "owner_name")
        .to_owned();
    of_users(q)
}

fn secret() -> SelectStatement {
    let q = Query::select()
        .columns([
            ("t", "id"),
            ("t", "abilities"),
            ("t", "tokenable_id"),
            ("t", "expires_at"),
            ("t", "last_used_at"),
        ])
        .expr_as(Expr::col(("t", "token")), "hash")
        .expr_as(
            Expr::col(("u", "id"))
                .is_null()
                .or(Expr::col(("u", "deleted_at")).is_not_null()),
            "owner_gone",
        )
        .to_owned();
    of_users(q)
}

/// The tokens (`t`) that users own, each with its owner (`u`) if the account still exists.
fn of_users(mut q: SelectStatement) -> SelectStatement {
    q.from_as("personal_access_tokens", "t")
        .join_as(
            JoinType::LeftJoin,
            "users",
            "u",
            Expr::col(("u", "id")).equals(("t", "tokenable_id")),
        )
        .and_where(Expr::col(("t", "tokenable_type")).is_in(USER_TYPES));
    q
}

pub struct NewToken<'a> {
    pub owner_id: i64,
    pub name: &'a str,
    /// SHA-256 hex of the secret.
    pub hash: &'a str,
    /// JSON array of ability names.
    pub abilities: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, t: &NewToken<'_>) -> Result<i64> {
    let q = schema::PERSONAL_ACCESS_TOKENS.insert_new(
        t.now,
        [
            ("tokenable_type", TOKENABLE_TYPE.into()),
            ("tokenable_id", t.owner_id.into()),
            ("name", t.name.into()),
            ("token", t.hash.into()),
            ("abilities", t.abilities.into()),
            ("expires_at", t.expires_at.into()),
        ],
    );
    tx.insert_id(&q).await
}

pub async fn find(c: &mut impl Conn, id: i64) -> Result<Option<TokenRow>> {
    let mut q = listed();
    q.and_where(Expr::col(("t", "id")).eq(id));
    c.opt(&q).await
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Only the tokens of this staff member.
    pub owner_id: Option<i64>,
}

/// Tokens, newest first, by keyset on the id.
pub async fn page(
    c: &mut impl Conn,
    f: &Filter,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<TokenRow>> {
    let mut q = listed();
    if let Some(owner) = f.owner_id {
        q.and_where(Expr::col(("t", "tokenable_id")).eq(owner));
    }
    keyset().apply(&mut q, anchor, limit);
    let rows = c.all(&q).await?;
    Ok(finish(rows, anchor, limit))
}

fn keyset() -> Keyset {
    Keyset::by_id(Expr::col(("t", "id")), SortDir::Desc)
}

pub fn cursor(row: &TokenRow) -> Cursor {
    Cursor::id(row.id)
}

/// A token revoked here, as its audit rows tell it: the revocation (what it was, when, by
/// whom) and its creation (when, by whom: its owner).
#[derive(sqlx::FromRow)]
struct RevokedRow {
    id: i64,
    #[sqlx(json(nullable))]
    was: Option<JsonValue>,
    revoked_at: Option<DateTime<Utc>>,
    revoked_by: Option<String>,
    created_at: Option<DateTime<Utc>>,
    owner_id: Option<i64>,
    owner_name: Option<String>,
}

impl From<RevokedRow> for TokenRow {
    fn from(r: RevokedRow) -> TokenRow {
        let was = r.was.unwrap_or(JsonValue::Null);
        let text = |k: &str| was.get(k).and_then(JsonValue::as_str).map(str::to_owned);
        TokenRow {
            id: r.id,
            name: text("name").unwrap_or_default(),
            abilities: was.get("abilities").map(JsonValue::to_string),
            tokenable_id: r.owner_id.unwrap_or_default(),
            owner_name: r.owner_name,
            last_used_at: None,
            expires_at: text("expires_at")
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&Utc)),
            created_at: r.created_at,
            revoked_at: r.revoked_at,
            revoked_by: r.revoked_by,
        }
    }
}

const TOKEN: &str = "api_token";

/// The tokens revoked here (`a`, their revocation), with their creation (`c`).
fn revoked() -> SelectStatement {
    Query::select()
        .expr_as(Expr::col(("a", "auditable_id")), "id")
        .expr_as(Expr::col(("a", "old_values")), "was")
        .expr_as(Expr::col(("a", "created_at")), "revoked_at")
        .expr_as(Expr::col(("r", "name")), "revoked_by")
        .expr_as(Expr::col(("c", "created_at")), "created_at")
        .expr_as(Expr::col(("c", "user_id")), "owner_id")
        .expr_as(Expr::col(("o", "name")), "owner_name")
        .from_as("audit_logs", "a")
        .join_as(
            JoinType::LeftJoin,
            "users",
            "r",
            Expr::col(("r", "id")).equals(("a", "user_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "audit_logs",
            "c",
            Expr::col(("c", "auditable_type"))
                .eq(TOKEN)
                .and(Expr::col(("c", "auditable_id")).equals(("a", "auditable_id")))
                .and(Expr::col(("c", "event")).eq("created")),
        )
        .join_as(
            JoinType::LeftJoin,
            "users",
            "o",
            Expr::col(("o", "id")).equals(("c", "user_id")),
        )
        .and_where(Expr::col(("a", "auditable_type")).eq(TOKEN))
        .and_where(Expr::col(("a", "event")).eq("revoked"))
        .to_owned()
}

/// Every token, newest first: the live ones and, marked with when and by whom, the ones
/// revoked here. Both are read by keyset on the token's id and merged, so a window costs two
/// indexed reads wherever it is.
pub async fn page_with_revoked(
    c: &mut impl Conn,
    anchor: &Anchor,
    limit: u64,
) -> Result<Page<TokenRow>> {
    let mut q = listed();
    keyset().apply(&mut q, anchor, limit);
    let mut rows: Vec<TokenRow> = c.all(&q).await?;
    let mut q = revoked();
    Keyset::by_id(Expr::col(("a", "auditable_id")), SortDir::Desc).apply(&mut q, anchor, limit);
    let gone: Vec<RevokedRow> = c.all(&q).await?;
    rows.extend(gone.into_iter().map(TokenRow::from));
    // The order the reads were made in: newest first, except towards the last rows.
    rows.sort_by_key(|t| t.id);
    if matches!(anchor, Anchor::First | Anchor::After(_) | Anchor::From(_)) {
        rows.reverse();
    }
    rows.dedup_by_key(|t| t.id);
    rows.truncate(limit as usize + 1);
    Ok(finish(rows, anchor, limit))
}

/// A token, live or revoked here.
pub async fn find_any(c: &mut impl Conn, id: i64) -> Result<Option<TokenRow>> {
    if let Some(t) = find(c, id).await? {
        return Ok(Some(t));
    }
    let q = revoked()
        .and_where(Expr::col(("a", "auditable_id")).eq(id))
        .to_owned();
    Ok(c.opt::<RevokedRow>(&q).await?.map(TokenRow::from))
}

/// The token with this id, hash included, for checking a presented `ID|SECRET`.
pub async fn secret_by_id(c: &mut impl Conn, id: i64) -> Result<Option<TokenSecret>> {
    let mut q = secret();
    q.and_where(Expr::col(("t", "id")).eq(id));
    c.opt(&q).await
}

/// The token whose secret hashes to `hash` (a secret presented without its id; the column is
/// unique and indexed).
pub async fn secret_by_hash(c: &mut impl Conn, hash: &str) -> Result<Option<TokenSecret>> {
    let mut q = secret();
    q.and_where(Expr::col(("t", "token")).eq(hash));
    c.opt(&q).await
}

/// Revokes a token by deleting it; false when there was none.
pub async fn delete(tx: &mut Tx, id: i64) -> Result<bool> {
    let q = Query::delete()
        .from_table("personal_access_tokens")
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    Ok(tx.exec(&q).await? == 1)
}

/// How long a recorded last use stays good enough: a token in constant use is written once
/// a minute, not at every request.
pub const TOUCH_EVERY: Duration = Duration::seconds(60);

/// Records that a token was used at `now`, unless a use less than [`TOUCH_EVERY`] ago is
/// already recorded (so several servers sharing a database write once a minute between them
/// too). Returns whether the row was written.
pub async fn touch(db: &Db, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let q = Query::update()
        .table("personal_access_tokens")
        .value("last_used_at", now)
        .and_where(Expr::col("id").eq(id))
        .and_where(
            Expr::col("last_used_at")
                .is_null()
                .or(Expr::col("last_used_at").lt(now - TOUCH_EVERY)),
        )
        .to_owned();
    Ok(db.exec(&q).await? == 1)
}
