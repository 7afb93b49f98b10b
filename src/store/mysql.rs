//! What MariaDB and MySQL need beyond sea-query's MySQL builder.
//!
//! Laravel's ids are `BIGINT UNSIGNED`, which sqlx will not decode into the `i64` every row
//! struct uses: the builder here selects those columns as `CAST(… AS SIGNED)` under their own
//! name, so one `FromRow` still serves the three backends. The few words that differ in SQL
//! written as text (`CAST(x AS BIGINT)`, numbered parameters) are translated in one place.

use sea_query::{BinOper, Oper};
use sea_query::{
    ColumnName, ColumnRef, CommonTableExpression, ConditionHolder, DynIden, EscapeBuilder,
    ExplainStatement, Expr, JoinType, LockType, MysqlQueryBuilder, OnConflictAction,
    OnConflictTarget, OperLeftAssocDecider, OrderExpr, PrecedenceDecider, QueryBuilder, Quote,
    QuotedBuilder, ReturningClause, SelectDistinct, SelectExpr, SelectInto, SelectStatement,
    SqlWriter, SubQueryStatement, TableName, TableRef, TableRefBuilder, Value, Values, WithClause,
};
use sea_query_sqlx::SqlxValues;

/// The columns the back-office reads that are unsigned integers on MySQL (Laravel's ids and
/// the keys that point at them). Each is an integer wherever it appears in the back-office's
/// tables, so casting it is lossless (`tests/mysql_schema.rs` checks both against the server).
pub const UNSIGNED_COLUMNS: &[&str] = &[
    "id",
    "approved_by",
    "assignee_id",
    "auditable_id",
    "author_id",
    "cancelled_by",
    "clawback_transfer_id",
    "client_id",
    "commission_id",
    "contributor_user_id",
    "conversation_id",
    "created_by",
    "credit_account_id",
    "debit_account_id",
    "developer_id",
    "disabled_by",
    "escrow_id",
    "first_approved_by",
    "follows_ticket_id",
    "hidden_by",
    "hold_transfer_id",
    "last_read_message_id",
    "ledger_transfer_id",
    "live_project_id",
    "model_id",
    "moderated_by",
    "notifiable_id",
    "owner_id",
    "paid_by",
    "payout_id",
    "pending_by",
    "pending_id",
    "permission_id",
    "project_id",
    "recovered_payout_id",
    "referral_code_id",
    "referral_id",
    "referred_user_id",
    "referrer_id",
    "rejected_by",
    "requested_by",
    "requester_id",
    "revoked_by",
    "reviewee_id",
    "reviewer_id",
    "role_id",
    "sender_id",
    "ssh_key_id",
    "subject_id",
    "tokenable_id",
    "user_id",
    "webhook_endpoint_id",
    "webhook_event_id",
];

/// Tables whose `id` is text (Laravel's notifications are keyed by uuid): their queries name
/// it with the table (`notifications.id`) and it is read as it is.
const TEXT_ID_TABLES: &[&str] = &["notifications"];

fn is_unsigned(col: &ColumnRef) -> bool {
    let ColumnRef::Column(ColumnName(table, column)) = col else {
        return false;
    };
    let text_id = table
        .as_ref()
        .is_some_and(|TableName(_, t)| TEXT_ID_TABLES.contains(&t.to_string().as_str()));
    !text_id && UNSIGNED_COLUMNS.contains(&column.to_string().as_str())
}

/// SQL text written for PostgreSQL and SQLite, as MySQL reads it: `$1`, `$2`… become `?`
/// with the values repeated in the order they appear, and the cast targets MySQL lacks
/// (`BIGINT`, `TEXT`) become theirs.
pub fn translate(sql: &str, values: Vec<Value>) -> (String, SqlxValues) {
    let mut out = String::with_capacity(sql.len());
    let mut bound = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            let mut n = 0usize;
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n * 10 + d as usize;
                chars.next();
            }
            out.push('?');
            bound.push(values.get(n - 1).cloned().unwrap_or(Value::Int(None)));
        } else {
            out.push(c);
        }
    }
    (casts(&out), SqlxValues(Values(bound)))
}

/// MariaDB's optimiser starts a join from its smallest table and sorts afterwards, so a page
/// of a big table joined to a small one (ORDER BY the listed table's key, LIMIT n) read the
/// whole table (1.4 s for the ledger's first page of 650 k transfers). The store's pages name
/// the listed table first: a SELECT with joins and a LIMIT keeps that order (8 ms).
pub fn join_order(sql: String) -> String {
    let paged = sql.contains(" JOIN ") && sql.contains(" LIMIT ");
    match sql.strip_prefix("SELECT ") {
        Some(rest) if paged && !rest.starts_with("DISTINCT") => {
            format!("SELECT STRAIGHT_JOIN {rest}")
        }
        _ => sql,
    }
}

/// In ORDER BY MySQL reads a name as the select list's alias first, so `ORDER BY id` under
/// `CAST(id AS SIGNED) AS id` sorts by the cast (no index: the whole table is sorted). In a
/// one-table statement the order's unsigned columns are named with their table, which is the
/// column itself.
pub fn order_by_columns(sql: String) -> String {
    if sql.matches(" FROM ").count() != 1 || sql.contains(" JOIN ") {
        return sql;
    }
    let Some((head, order)) = sql.rsplit_once(" ORDER BY ") else {
        return sql;
    };
    let Some(table) = head
        .split_once(" FROM ")
        .and_then(|(_, rest)| rest.split(' ').next())
        .filter(|t| t.starts_with('`') && t.ends_with('`') && t.len() > 2)
    else {
        return sql;
    };
    // An alias (`FROM t AS x`) would be the name to use: such statements are left alone.
    if head.contains(&format!(" FROM {table} AS ")) {
        return sql;
    }
    let mut named = String::with_capacity(order.len() + 32);
    let mut rest = order;
    while let Some(at) = rest.find('`') {
        let (before, tail) = rest.split_at(at);
        named.push_str(before);
        let end = tail[1..].find('`').map_or(tail.len(), |e| e + 2);
        let quoted = &tail[..end];
        let column = quoted.trim_matches('`');
        if !before.ends_with('.') && is_unsigned_name(column) {
            named.push_str(table);
            named.push('.');
        }
        named.push_str(quoted);
        rest = &tail[end..];
    }
    named.push_str(rest);
    format!("{head} ORDER BY {named}")
}

fn is_unsigned_name(column: &str) -> bool {
    UNSIGNED_COLUMNS.contains(&column)
}

/// `CAST(x AS BIGINT)` and `CAST(x AS TEXT)` in MySQL's words.
pub fn casts(sql: &str) -> String {
    if !sql.contains(" AS BIGINT)") && !sql.contains(" AS TEXT)") {
        return sql.to_owned();
    }
    sql.replace(" AS BIGINT)", " AS SIGNED)")
        .replace(" AS TEXT)", " AS CHAR)")
}

/// sea-query's MySQL builder, except that a selected unsigned column is read as signed.
#[derive(Clone, Copy, Default, Debug)]
pub struct Builder;

impl QuotedBuilder for Builder {
    fn quote(&self) -> Quote {
        MysqlQueryBuilder.quote()
    }
}

impl EscapeBuilder for Builder {}

impl TableRefBuilder for Builder {}

impl PrecedenceDecider for Builder {
    fn inner_expr_well_known_greater_precedence(&self, inner: &Expr, outer_oper: &Oper) -> bool {
        MysqlQueryBuilder.inner_expr_well_known_greater_precedence(inner, outer_oper)
    }
}

impl OperLeftAssocDecider for Builder {
    fn well_known_left_associative(&self, op: &BinOper) -> bool {
        MysqlQueryBuilder.well_known_left_associative(op)
    }
}

impl QueryBuilder for Builder {
    fn prepare_select_expr(&self, select_expr: &SelectExpr, sql: &mut impl SqlWriter) {
        let unsigned = match (&select_expr.expr, &select_expr.window) {
            (Expr::Column(col), None) if is_unsigned(col) => col.column(),
            _ => None,
        };
        let Some(column) = unsigned else {
            return MysqlQueryBuilder.prepare_select_expr(select_expr, sql);
        };
        sql.write_str("CAST(").unwrap();
        self.prepare_expr(&select_expr.expr, sql);
        sql.write_str(" AS SIGNED) AS ").unwrap();
        self.prepare_iden(select_expr.alias.as_ref().unwrap_or(column), sql);
    }

    fn values_list_tuple_prefix(&self) -> &str {
        MysqlQueryBuilder.values_list_tuple_prefix()
    }
    fn prepare_select_distinct(&self, distinct: &SelectDistinct, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_select_distinct(distinct, sql)
    }
    fn prepare_select_into(&self, into: &SelectInto, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_select_into(into, sql)
    }
    fn prepare_index_hints(
        &self,
        table_ref: &TableRef,
        select: &SelectStatement,
        sql: &mut impl SqlWriter,
    ) {
        MysqlQueryBuilder.prepare_index_hints(table_ref, select, sql)
    }
    fn prepare_query_statement(&self, query: &SubQueryStatement, sql: &mut impl SqlWriter) {
        match query {
            SubQueryStatement::SelectStatement(q) => self.prepare_select_statement(q, sql),
            SubQueryStatement::InsertStatement(q) => self.prepare_insert_statement(q, sql),
            SubQueryStatement::UpdateStatement(q) => self.prepare_update_statement(q, sql),
            SubQueryStatement::DeleteStatement(q) => self.prepare_delete_statement(q, sql),
            SubQueryStatement::WithStatement(q) => self.prepare_with_query(q, sql),
        }
    }
    fn prepare_explain_statement(&self, explain: &ExplainStatement, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_explain_statement(explain, sql)
    }
    fn prepare_with_clause_recursive_options(&self, with: &WithClause, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_with_clause_recursive_options(with, sql)
    }
    fn prepare_with_query_clause_materialization(
        &self,
        cte: &CommonTableExpression,
        sql: &mut impl SqlWriter,
    ) {
        MysqlQueryBuilder.prepare_with_query_clause_materialization(cte, sql)
    }
    fn prepare_update_join(
        &self,
        from: &[TableRef],
        condition: &ConditionHolder,
        sql: &mut impl SqlWriter,
    ) {
        if from.is_empty() {
            return;
        }
        sql.write_str(" JOIN ").unwrap();
        self.prepare_table_ref(&from[0], sql);
        self.prepare_condition(condition, "ON", sql);
    }
    fn prepare_update_from(&self, from: &[TableRef], sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_update_from(from, sql)
    }
    fn prepare_update_column(
        &self,
        table: &Option<Box<TableRef>>,
        from: &[TableRef],
        column: &DynIden,
        sql: &mut impl SqlWriter,
    ) {
        MysqlQueryBuilder.prepare_update_column(table, from, column, sql)
    }
    fn prepare_update_condition(
        &self,
        from: &[TableRef],
        condition: &ConditionHolder,
        sql: &mut impl SqlWriter,
    ) {
        if from.is_empty() {
            self.prepare_condition(condition, "WHERE", sql);
        }
    }
    fn prepare_join_type(&self, join_type: &JoinType, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_join_type(join_type, sql)
    }
    fn prepare_order_expr(&self, order_expr: &OrderExpr, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_order_expr(order_expr, sql)
    }
    fn prepare_value(&self, value: Value, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_value(value, sql)
    }
    fn prepare_on_conflict_target(&self, target: &OnConflictTarget, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_on_conflict_target(target, sql)
    }
    fn prepare_on_conflict_action(
        &self,
        action: &Option<OnConflictAction>,
        sql: &mut impl SqlWriter,
    ) {
        match action {
            Some(OnConflictAction::DoNothing(_)) => {
                MysqlQueryBuilder.prepare_on_conflict_action(action, sql)
            }
            // Rendered here so that `excluded.x` below becomes `VALUES(x)`.
            _ => self.prepare_on_conflict_action_common(action, sql),
        }
    }
    /// PostgreSQL's and SQLite's `excluded.x` (the row that was to be inserted) is MySQL's
    /// `VALUES(x)`.
    fn prepare_column_ref(&self, column_ref: &ColumnRef, sql: &mut impl SqlWriter) {
        if let ColumnRef::Column(ColumnName(Some(TableName(None, table)), column)) = column_ref
            && table.to_string() == "excluded"
        {
            sql.write_str("VALUES(").unwrap();
            self.prepare_iden(column, sql);
            sql.write_str(")").unwrap();
            return;
        }
        MysqlQueryBuilder.prepare_column_ref(column_ref, sql)
    }
    fn prepare_on_conflict_keywords(&self, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_on_conflict_keywords(sql)
    }
    fn prepare_on_conflict_do_update_keywords(&self, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_on_conflict_do_update_keywords(sql)
    }
    fn prepare_on_conflict_excluded_table(&self, col: &DynIden, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_on_conflict_excluded_table(col, sql)
    }
    fn prepare_on_conflict_condition(&self, cond: &ConditionHolder, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_on_conflict_condition(cond, sql)
    }
    fn prepare_returning(&self, returning: &Option<ReturningClause>, sql: &mut impl SqlWriter) {
        MysqlQueryBuilder.prepare_returning(returning, sql)
    }
    fn random_function(&self) -> &str {
        "RAND"
    }
    fn lock_phrase(&self, lock_type: LockType) -> &'static str {
        MysqlQueryBuilder.lock_phrase(lock_type)
    }
    fn insert_default_keyword(&self) -> &str {
        "()"
    }
}

#[cfg(test)]
mod tests {
    use sea_query::{Expr, ExprTrait, Query};

    use super::*;

    #[test]
    fn unsigned_columns_are_read_as_signed_under_their_name() {
        let q = Query::select()
            .column(("c", "id"))
            .column("status")
            .expr_as(Expr::col(("c", "developer_id")), "dev")
            .from_as("commissions", "c")
            .and_where(Expr::col(("c", "id")).gt(3))
            .to_owned();
        assert_eq!(
            q.to_string(Builder),
            "SELECT CAST(`c`.`id` AS SIGNED) AS `id`, `status`, \
             CAST(`c`.`developer_id` AS SIGNED) AS `dev` FROM `commissions` AS `c` \
             WHERE `c`.`id` > 3"
        );
    }

    #[test]
    fn a_paged_join_keeps_its_order_and_nothing_else_is_touched() {
        let page = "SELECT a FROM t INNER JOIN u ON u.id = t.u ORDER BY t.id DESC LIMIT 5";
        assert_eq!(
            join_order(page.into()),
            "SELECT STRAIGHT_JOIN a FROM t INNER JOIN u ON u.id = t.u ORDER BY t.id DESC LIMIT 5"
        );
        for other in [
            "SELECT a FROM t ORDER BY id LIMIT 5",
            "SELECT a FROM t INNER JOIN u ON u.id = t.u",
            "SELECT DISTINCT a FROM t INNER JOIN u ON u.id = t.u LIMIT 5",
            "UPDATE t SET a = 1 LIMIT 5",
        ] {
            assert_eq!(join_order(other.into()), other);
        }
    }

    #[test]
    fn a_one_table_order_names_its_unsigned_columns_with_the_table() {
        let q = Query::select()
            .column("id")
            .column("status")
            .from("payment_transactions")
            .and_where(Expr::col("id").lt(9))
            .order_by("status", sea_query::Order::Asc)
            .order_by("id", sea_query::Order::Desc)
            .limit(3)
            .to_owned();
        assert_eq!(
            order_by_columns(q.to_string(Builder)),
            "SELECT CAST(`id` AS SIGNED) AS `id`, `status` FROM `payment_transactions` \
             WHERE `id` < 9 ORDER BY `status` ASC, `payment_transactions`.`id` DESC LIMIT 3"
        );
        for other in [
            "SELECT a FROM `t` AS `x` ORDER BY `id`",
            "SELECT a FROM `t` INNER JOIN `u` ON 1 ORDER BY `id`",
            "SELECT a FROM `t` WHERE b IN (SELECT c FROM `u`) ORDER BY `id`",
            "SELECT a FROM `t` ORDER BY `t`.`id`",
        ] {
            assert_eq!(order_by_columns(other.into()), other);
        }
    }

    #[test]
    fn text_sql_gets_positional_parameters_and_mysql_casts() {
        let (sql, values) = translate(
            "SELECT CAST(SUM(a) AS BIGINT) FROM t WHERE x = $2 AND y = $1 AND z = $2",
            vec![1.into(), "b".into()],
        );
        assert_eq!(
            sql,
            "SELECT CAST(SUM(a) AS SIGNED) FROM t WHERE x = ? AND y = ? AND z = ?"
        );
        assert_eq!(
            values.0.0,
            vec![Value::from("b"), Value::from(1), Value::from("b")]
        );
    }
}
