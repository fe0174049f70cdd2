//! The command line, run as a real process.

use crate::helpers::{database_url, server_url};
use std::process::Command;

fn jobboard() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jobboard"));
    // Keep the developer's .env and environment out of these runs.
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(std::env::temp_dir());
    command
}

#[test]
fn help_and_version_work() {
    let help = jobboard().arg("--help").output().unwrap();
    let version = jobboard().arg("--version").output().unwrap();

    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for command in ["serve", "migrate", "seed"] {
        assert!(text.contains(command), "{command} in --help:\n{text}");
    }
    assert!(version.status.success());
    assert!(String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn wrong_arguments_exit_with_code_2() {
    for args in [
        &["frobnicate"][..],
        &["seed"],
        &["seed", "--jobs", "many"],
        &["seed", "--demo", "--jobs", "5"],
    ] {
        let output = jobboard().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty());
    }
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    let output = jobboard()
        .arg("serve")
        .env("BIND", "not-an-address")
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("BIND"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn production_without_a_secret_key_refuses_to_start() {
    let output = jobboard()
        .arg("serve")
        .env("APP_ENV", "production")
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("SECRET_KEY"));
}

#[test]
fn migrate_and_seed_create_the_database_and_seeding_twice_changes_nothing() {
    let name = format!(
        "jobboard_it_cli_{}_{}",
        std::process::id(),
        chrono::Utc::now().timestamp_subsec_nanos()
    );
    let url = database_url(&name);
    let _cleanup = DropDatabase(name.clone());

    let migrate = jobboard()
        .arg("migrate")
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    for _ in 0..2 {
        let seed = jobboard()
            .args(["seed", "--demo"])
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        assert!(
            seed.status.success(),
            "{}",
            String::from_utf8_lossy(&seed.stderr)
        );
    }
    let bulk = jobboard()
        .args(["seed", "--jobs", "300"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        bulk.status.success(),
        "{}",
        String::from_utf8_lossy(&bulk.stderr)
    );

    use diesel::prelude::*;
    let mut conn = PgConnection::establish(&url).unwrap();
    let jobs: i64 = jobboard::db::schema::jobs::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(jobs, 400 + 300);
}

#[test]
fn an_unreachable_database_gives_one_clear_error() {
    let mut url = server_url();
    url.set_host(Some("127.0.0.1")).unwrap();
    url.set_port(Some(1)).unwrap();
    let output = jobboard()
        .arg("migrate")
        .env("DATABASE_URL", url.as_str())
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot reach PostgreSQL"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

struct DropDatabase(String);

impl Drop for DropDatabase {
    fn drop(&mut self) {
        use diesel::prelude::*;
        if let Ok(mut conn) = PgConnection::establish(&database_url("postgres")) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0))
                .execute(&mut conn);
        }
    }
}
