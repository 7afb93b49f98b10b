//! `obryl service-account add|list|grant|revoke|remove`: the named identities `obryl worker`
//! and `obryl serve --api` act as (`--as NAME`). Changing one follows the role-administration
//! rules of any staff account (`users.manage` and every permission of the roles handed out),
//! as `--as EMAIL` or the remembered login; with neither, the operator's bootstrap path (said
//! on stderr, audited with the operating-system user), as for `obryl user`.

use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::domain::{Locale, Role, UseCase};
use crate::service::{self, Origin, service_accounts};
use crate::tr;

use super::{CliError, OrCli, args, output, session};

#[derive(Debug, Subcommand)]
pub enum ServiceAccountCommand {
    /// Create a service account holding ROLEs (its rights); `--as NAME` then names it.
    Add {
        /// Letters, digits and hyphens (e.g. `worker`, `api-server`).
        name: String,
        /// Roles to grant: super-admin, finance, support, editor, ops (at least one).
        #[arg(long = "role", value_name = "ROLE", required = true, value_parser = args::staff_role())]
        roles: Vec<Role>,
        #[arg(long)]
        json: bool,
    },
    /// Service accounts and their roles.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Grant a role to a service account.
    Grant {
        name: String,
        #[arg(value_parser = args::staff_role())]
        role: Role,
    },
    /// Revoke a role from a service account: a worker or server acting as it stops what
    /// needed it at its next check.
    Revoke {
        name: String,
        #[arg(value_parser = args::staff_role())]
        role: Role,
    },
    /// Delete a service account: a worker or server acting as it stops.
    Remove { name: String },
}

pub async fn run(
    config: &Config,
    locale: Locale,
    as_email: Option<&str>,
    cmd: ServiceAccountCommand,
) -> Result<(), CliError> {
    if let ServiceAccountCommand::List { json } = cmd {
        let (db, _) = session::open_for(config, locale, as_email, UseCase::DataRead).await?;
        let accounts = service_accounts::list(&db).await.or_cli(locale)?;
        if json {
            let rows = accounts
                .iter()
                .map(|(name, roles)| {
                    json!({
                        "name": name,
                        "email": service_accounts::email_of(name),
                        "roles": roles,
                    })
                })
                .collect();
            output::print_list(rows);
        } else if accounts.is_empty() {
            output::say(&tr(locale, "cli.service_account.none", &[]));
        } else {
            let rows: Vec<Vec<String>> = accounts
                .iter()
                .map(|(name, roles)| {
                    let roles = (!roles.is_empty()).then(|| roles.join(", "));
                    vec![name.clone(), output::or_dash(roles)]
                })
                .collect();
            let header = [
                tr(locale, "cli.service_account.col_name", &[]),
                tr(locale, "cli.service_account.col_roles", &[]),
            ];
            output::table(&[&header[0], &header[1]], &rows, &[]);
        }
        return Ok(());
    }
    let (db, actor, origin) = super::admin::acting(config, locale, as_email).await?;
    let by = actor.as_ref();
    match cmd {
        ServiceAccountCommand::Add { name, roles, json } => {
            service_accounts::create(&db, by, &origin, &name, &roles)
                .await
                .or_cli(locale)?;
            let name = service_accounts::check_name(&name).or_cli(locale)?;
            if json {
                let email = service_accounts::email_of(&name);
                let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                output::print_json(&json!({"name": name, "email": email, "roles": roles}));
            } else {
                output::say(&tr(locale, "cli.service_account.added", &[("name", &name)]));
            }
        }
        ServiceAccountCommand::Grant { name, role } => {
            set_role(&db, by, &origin, locale, &name, role, true).await?;
        }
        ServiceAccountCommand::Revoke { name, role } => {
            set_role(&db, by, &origin, locale, &name, role, false).await?;
        }
        ServiceAccountCommand::Remove { name } => {
            let email = service_accounts::email_of(&name);
            service::users::delete(&db, by, &origin, &email)
                .await
                .or_cli(locale)?;
            output::say(&tr(
                locale,
                "cli.service_account.removed",
                &[("name", name.trim())],
            ));
        }
        ServiceAccountCommand::List { .. } => {}
    }
    Ok(())
}

async fn set_role(
    db: &crate::store::Db,
    by: Option<&service::Actor>,
    origin: &Origin,
    locale: Locale,
    name: &str,
    role: Role,
    grant: bool,
) -> Result<(), CliError> {
    let email = service_accounts::email_of(name);
    let changed = service::users::set_role(db, by, origin, &email, role, grant)
        .await
        .or_cli(locale)?;
    let args = [("name", name.trim()), ("role", role.as_str())];
    let key = match (grant, changed) {
        (true, true) => "cli.service_account.granted",
        (true, false) => "cli.service_account.already_granted",
        (false, true) => "cli.service_account.revoked",
        (false, false) => "cli.service_account.not_granted",
    };
    output::say(&tr(locale, key, &args));
    Ok(())
}
