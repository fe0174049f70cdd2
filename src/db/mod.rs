//! The database: connection pool, generated schema, row structs and embedded migrations.

pub mod models;
mod pool;
pub mod schema;

pub use pool::{DbConn, DbPool, build_pool, connect};

use anyhow::Context;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// The migrations in `migrations/`, compiled into the binary so a deploy is one file.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Applies every pending migration and returns the versions it applied.
pub fn run_migrations(conn: &mut PgConnection) -> anyhow::Result<Vec<String>> {
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("running migrations failed: {e}"))?;
    Ok(applied.into_iter().map(|v| v.to_string()).collect())
}

/// Creates the database named in `database_url` when the server does not have it yet.
/// Returns true when it was created.
pub fn ensure_database_exists(database_url: &str) -> anyhow::Result<bool> {
    let url = url::Url::parse(database_url).context("DATABASE_URL is not a valid URL")?;
    let name = url.path().trim_start_matches('/').to_owned();
    if name.is_empty() {
        // libpq then connects to the database named like the user; nothing to create.
        return Ok(false);
    }
    let mut maintenance = url.clone();
    maintenance.set_path("/postgres");
    let mut conn = connect(maintenance.as_str()).with_context(|| {
        format!(
            "cannot reach PostgreSQL at {} to create database {name}",
            redact(&url)
        )
    })?;

    #[derive(QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(&name)
            .get_result(&mut conn)?;
    if found.exists {
        return Ok(false);
    }
    let create = format!("CREATE DATABASE {}", quote_identifier(&name));
    match diesel::sql_query(create).execute(&mut conn) {
        Ok(_) => Ok(true),
        // Another process created it between our check and our CREATE: fine.
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("already exists") =>
        {
            Ok(false)
        }
        Err(e) => Err(e).with_context(|| format!("creating database {name}")),
    }
}

/// Quotes a name for use as an SQL identifier.
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The URL without its password, for messages.
pub fn redact(url: &url::Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_safely() {
        assert_eq!(quote_identifier("jobboard"), "\"jobboard\"");
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn redaction_hides_passwords() {
        let url = url::Url::parse("postgres://me:hunter2@db:5432/jobboard").unwrap();
        assert!(!redact(&url).contains("hunter2"));
    }
}
