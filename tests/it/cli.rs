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

/// Sends a plain HTTP/1.0 GET and returns the status line and the whole response.
fn http_get(address: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let host = address.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect to the server");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serve_creates_and_seeds_the_database_logs_requests_and_stops_cleanly_on_sigterm() {
    use std::io::{BufRead, BufReader};
    let name = format!(
        "jobboard_it_serve_{}_{}",
        std::process::id(),
        chrono::Utc::now().timestamp_subsec_nanos()
    );
    let _cleanup = DropDatabase(name.clone());
    let mut child = jobboard()
        .arg("serve")
        .env("DATABASE_URL", database_url(&name))
        .env("BIND", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .env("STATIC_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/static"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.split("jobboard is listening on ").nth(1).map(|rest| {
                rest.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
        })
        .expect("the server logs its URL");

    // Pages answer 503 until the job catalog has loaded; /readyz says when.
    let started = std::time::Instant::now();
    while !http_get(&address, "/readyz").starts_with("HTTP/1.0 200") {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "not ready within 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let home = http_get(&address, "/");
    let jobs = http_get(&address, "/jobs");
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();

    assert!(home.starts_with("HTTP/1.0 200"), "{home}");
    assert!(jobs.contains("open jobs"), "demo content was seeded");
    assert!(kill.success());
    assert!(status.success(), "exit status {status:?} after SIGTERM");
    let log = rest.join("\n");
    assert!(log.contains("GET /jobs 200"), "request log line:\n{log}");
    assert!(log.contains("request_id"), "request id in the log:\n{log}");
    assert!(log.contains("latency_ms"), "latency in the log:\n{log}");
    assert!(log.contains("shut down cleanly"), "{log}");
}

#[test]
fn settings_are_read_from_a_dot_env_file() {
    let dir = std::env::temp_dir().join(format!("jobboard-dotenv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".env"), "BIND=definitely-not-an-address\n").unwrap();

    let output = jobboard()
        .arg("migrate")
        .current_dir(&dir)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("BIND") && stderr.contains("definitely-not-an-address"),
        "{stderr}"
    );
}
