//! Bad input and outages: clear 4xx pages and 503s, never a 500 or a hang.

use crate::helpers::{
    JobBuilder, TestDatabase, basic_fixtures, spawn_app, spawn_app_with_database_url,
};
use diesel::RunQueryDsl;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[actix_web::test]
async fn malformed_page_numbers_get_a_400_page() {
    let app = spawn_app().await;

    for query in ["page=abc", "page=-1", "page=0", "page=99999999", "page=1.5"] {
        let page = app.get(&format!("/jobs?{query}")).await;
        assert_eq!(page.status, 400, "{query}");
        page.assert_contains("The page must be a whole number from 1 to 10000.");
        page.assert_contains("<form class=\"header-search\"");
    }
    assert_eq!(app.get("/articles?page=abc").await.status, 400);
    assert_eq!(app.get("/companies?page=-3").await.status, 400);
}

#[actix_web::test]
async fn unknown_filter_values_get_a_400_that_names_the_choices() {
    let app = spawn_app().await;

    let seniority = app.get("/jobs?seniority=wizard").await;
    let remote = app.get("/jobs?remote=moon").await;
    let technology = app.get("/jobs?technology=C%2B%2B").await;

    assert_eq!(seniority.status, 400);
    seniority.assert_contains("must be one of: junior, mid, senior, lead");
    assert_eq!(remote.status, 400);
    assert_eq!(technology.status, 400);
}

#[actix_web::test]
async fn huge_and_badly_encoded_parameters_are_rejected_cleanly() {
    let app = spawn_app().await;
    let long = "x".repeat(10 * 1024);

    let huge_city = app.get(&format!("/jobs?city={long}")).await;
    let huge_unknown = app.get(&format!("/jobs?utm_source={long}")).await;
    let bad_encoding = app.get("/jobs?city=%FF%FE").await;

    assert_eq!(huge_city.status, 400);
    huge_city.assert_contains("too long");
    assert_eq!(huge_unknown.status, 400);
    // Invalid UTF-8 decodes to replacement characters: a redirect to that normal form.
    assert!(
        matches!(bad_encoding.status, 301 | 400),
        "got {}",
        bad_encoding.status
    );
}

#[actix_web::test]
async fn unknown_technologies_and_cities_give_an_empty_list_not_an_error() {
    let app = spawn_app().await;

    let page = app
        .get("/jobs?technology=cobol-on-mars&city=Atlantis")
        .await;

    assert_eq!(page.status, 200);
    page.assert_contains("No open jobs match these filters.");
}

#[actix_web::test]
async fn a_page_past_the_end_links_back_to_the_last_page() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Only Job"));

    let page = app.get("/jobs?page=9999").await;

    assert_eq!(page.status, 200);
    page.assert_contains("This page is past the end of the results.");
    page.assert_contains("<a href=\"/jobs\">Go to the last page</a>");
    page.assert_contains("noindex");
    assert_eq!(app.get("/articles?page=50").await.status, 404);
}

#[actix_web::test]
async fn an_unexpected_failure_gets_the_500_page_in_the_site_layout() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Broken Job"));
    // A currency the domain does not know: the row can no longer become a Job.
    diesel::sql_query("UPDATE jobs SET salary_currency = 'XYZ'")
        .execute(&mut app.conn())
        .unwrap();

    let page = app.get("/jobs/broken-job").await;

    assert_eq!(page.status, 500);
    page.assert_contains("Something went wrong");
    page.assert_contains("<header class=\"site-header\">");
    page.assert_lacks("XYZ");
}

#[actix_web::test]
async fn health_probes_answer() {
    let app = spawn_app().await;

    let live = app.get("/healthz").await;
    let ready = app.get("/readyz").await;

    assert_eq!(live.status, 200);
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.body, "ready\n");
}

/// Nothing listens here: the database is "down".
fn unused_local_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[actix_web::test]
async fn with_the_database_down_pages_answer_503_quickly_and_liveness_stays_up() {
    let db = TestDatabase::new();
    let url = format!(
        "postgres://nobody@127.0.0.1:{}/nothing",
        unused_local_port()
    );
    let app = spawn_app_with_database_url(url, db).await;

    for path in ["/", "/jobs", "/jobs/some-job", "/articles"] {
        let started = Instant::now();
        let page = app.get(path).await;
        let took = started.elapsed();
        assert_eq!(page.status, 503, "{path}");
        assert!(took < Duration::from_secs(2), "{path} took {took:?}");
        assert_eq!(page.header("retry-after"), Some("5"));
        page.assert_contains("Back in a moment");
        page.assert_contains("<header class=\"site-header\">");
    }
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 503);
    assert!(
        ready.body.contains("database unavailable"),
        "{}",
        ready.body
    );
    assert_eq!(app.get("/healthz").await.status, 200);
}

/// A TCP proxy in front of PostgreSQL that can be switched off and on, to take the
/// database away from a running app and give it back.
struct SwitchableProxy {
    port: u16,
    enabled: Arc<AtomicBool>,
}

impl SwitchableProxy {
    fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let enabled = Arc::new(AtomicBool::new(true));
        let flag = Arc::clone(&enabled);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !flag.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let flag = Arc::clone(&flag);
                pipe(client, server, flag);
            }
        });
        Self { port, enabled }
    }

    fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::SeqCst);
    }
}

/// Copies bytes both ways until either side closes or the proxy is switched off.
fn pipe(client: TcpStream, server: TcpStream, enabled: Arc<AtomicBool>) {
    for (mut from, mut to) in [
        (client.try_clone().unwrap(), server.try_clone().unwrap()),
        (server, client),
    ] {
        let enabled = Arc::clone(&enabled);
        std::thread::spawn(move || {
            from.set_read_timeout(Some(Duration::from_millis(100))).ok();
            let mut buf = [0u8; 16 * 1024];
            loop {
                if !enabled.load(Ordering::SeqCst) {
                    let _ = from.shutdown(std::net::Shutdown::Both);
                    let _ = to.shutdown(std::net::Shutdown::Both);
                    return;
                }
                match from.read(&mut buf) {
                    Ok(0) => {
                        let _ = to.shutdown(std::net::Shutdown::Both);
                        return;
                    }
                    Ok(n) => {
                        if to.write_all(&buf[..n]).is_err() {
                            return;
                        }
                    }
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) => {}
                    Err(_) => {
                        let _ = to.shutdown(std::net::Shutdown::Both);
                        return;
                    }
                }
            }
        });
    }
}

#[actix_web::test]
async fn the_site_recovers_by_itself_when_the_database_comes_back() {
    let db = TestDatabase::new();
    let server = crate::helpers::server_url();
    let target = format!(
        "{}:{}",
        server
            .host_str()
            .filter(|h| !h.is_empty())
            .unwrap_or("127.0.0.1"),
        server.port().unwrap_or(5432)
    );
    let proxy = SwitchableProxy::start(target);
    let mut url = url::Url::parse(&db.url()).unwrap();
    url.set_host(Some("127.0.0.1")).unwrap();
    url.set_port(Some(proxy.port)).unwrap();
    let app = spawn_app_with_database_url(url.to_string(), db).await;
    app.sync().await;
    assert_eq!(app.get("/jobs").await.status, 200, "up at first");

    proxy.set_enabled(false);
    tokio_sleep(Duration::from_millis(300)).await;
    // A page asked for before may still come from the one-second page cache.
    let down = app.get("/jobs?sort=salary").await;
    assert_eq!(down.status, 503, "down while the database is away");

    proxy.set_enabled(true);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let page = app.get("/jobs?sort=salary").await;
        if page.status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {} ten seconds after the database came back",
            page.status
        );
        tokio_sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/readyz").await.status, 200);
}

async fn tokio_sleep(duration: Duration) {
    actix_web::rt::time::sleep(duration).await;
}
