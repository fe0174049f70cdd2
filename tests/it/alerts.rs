//! E-mail alerts for any search: the sign-up box on every listing, double opt-in,
//! digests with only what is new, daily and weekly, one-click unsubscribe, the manage
//! page and erasure, the limits, and two instances sending each digest once.

use crate::helpers::{
    AdminClient, JobBuilder, Page, SmtpServer, TestApp, TestDatabase, basic_fixtures,
    html_unescape, spawn_app, spawn_app_with, spawn_instance_with,
};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use jobboard::alerts::digest::{self, DigestConfig, DigestReport};
use jobboard::domain::alert::{DueSlots, Frequency, latest_slot, next_slot};
use std::time::Instant;

const HOUR: u32 = 7;

#[derive(QueryableByName, Debug, Clone)]
struct Mail {
    #[diesel(sql_type = Text)]
    to_address: String,
    #[diesel(sql_type = Text)]
    subject: String,
    #[diesel(sql_type = Text)]
    text_body: String,
    #[diesel(sql_type = Nullable<Text>)]
    html_body: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    list_unsubscribe: Option<String>,
}

/// Every message in the outbox, oldest first.
fn outbox(app: &TestApp) -> Vec<Mail> {
    diesel::sql_query(
        "SELECT to_address, subject, text_body, html_body, list_unsubscribe \
         FROM mail_outbox ORDER BY id",
    )
    .load(&mut app.db.connect())
    .expect("outbox")
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(app: &TestApp, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(&mut app.db.connect())
        .expect(sql)
        .n
}

fn status_of(app: &TestApp, email: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Status {
        #[diesel(sql_type = Text)]
        status: String,
    }
    diesel::sql_query(
        "SELECT a.status FROM alerts a JOIN alert_subscribers s ON s.id = a.subscriber_id \
         WHERE s.email = $1 ORDER BY a.id",
    )
    .bind::<Text, _>(email)
    .load::<Status>(&mut app.db.connect())
    .expect("statuses")
    .into_iter()
    .map(|s| s.status)
    .collect()
}

/// A client without cookies, as a mail program or a form without a session posts.
fn anonymous(app: &TestApp) -> AdminClient {
    AdminClient::new(&app.address)
}

async fn sign_up(app: &TestApp, search: &str, email: &str, frequency: &str) -> Page {
    // The landing page a search has depends on the open jobs the catalog knows.
    app.sync().await;
    anonymous(app)
        .post_with(
            "/alerts",
            &[
                ("search", search),
                ("email", email),
                ("frequency", frequency),
            ],
            &[],
        )
        .await
        .page
}

/// The first URL under the site that starts with `prefix` in `text`.
fn link(text: &str, prefix: &str) -> String {
    let text = html_unescape(text);
    let at = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in\n{text}"));
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/:.?=&%-_".contains(*c))
        .collect()
}

/// The path of the first `/alerts/<what>/<token>` link in `text`.
fn token_path(text: &str, what: &str) -> String {
    let url = link(text, &format!("/alerts/{what}/"));
    url.split('?').next().unwrap().to_owned()
}

/// Opens a confirmation link as a person does: the page asks for one click (the alert
/// is still pending), and the click starts it; the page after the click.
async fn use_confirm_link(app: &TestApp, path: &str) -> Page {
    let asked = app.get(path).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    asked.assert_contains("Start my alert");
    anonymous(app).post_with(path, &[], &[]).await.page
}

/// Signs `email` up for `search` and opens the confirmation link; the confirm page.
async fn confirmed(app: &TestApp, search: &str, email: &str, frequency: &str) -> Page {
    let before = outbox(app).len();
    let response = sign_up(app, search, email, frequency).await;
    assert_eq!(response.status, 303, "{}", response.body);
    let mails = outbox(app);
    assert_eq!(mails.len(), before + 1);
    let confirm = token_path(&mails[before].text_body, "confirm");
    let page = use_confirm_link(app, &confirm).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page
}

fn config(app: &TestApp) -> DigestConfig {
    DigestConfig {
        base_url: app.address.clone(),
        secret_key: app_key(),
        replay_from: None,
    }
}

/// The key the test app derives its links with (the development key: tests set none).
fn app_key() -> String {
    jobboard::config::Settings::from_lookup(|_| None)
        .unwrap()
        .secret_key
        .expose()
        .to_owned()
}

fn run_digests(app: &TestApp, slots: DueSlots, now: DateTime<Utc>) -> DigestReport {
    digest::run(&mut app.db.connect(), &config(app), slots, now, &|| false).expect("digest run")
}

/// Runs every active alert's digest now, as `jobboard digest` does.
fn digest_now(app: &TestApp) -> DigestReport {
    let now = Utc::now();
    run_digests(app, DueSlots::now(now), now)
}

/// Jobs posted now: newer than any watermark set so far.
fn new_job(app: &TestApp, title: &str, technologies: &[&str]) -> i64 {
    app.insert(
        JobBuilder::new(title)
            .technologies(technologies)
            .posted(Utc::now()),
    )
}

async fn app_with_jobs() -> TestApp {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Older Rust engineer").technologies(&["rust"]));
    app.insert(JobBuilder::new("Older Go engineer").technologies(&["go"]));
    app
}

#[actix_web::test]
async fn the_sign_up_box_is_on_listing_search_and_landing_pages_and_the_same_for_everyone() {
    let app = app_with_jobs().await;
    for (path, search, label) in [
        ("/jobs", "", "All developer jobs"),
        (
            "/jobs?q=engineer&technology=go",
            "q=engineer&#38;technology=go",
            "Go",
        ),
        ("/technologies/rust", "technology=rust", "Rust"),
        ("/cities/berlin", "city=Berlin", "Berlin"),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        page.assert_contains("E-mail me new jobs like these");
        page.assert_contains(r#"<form class="alert-box__form" action="/alerts" method="post">"#);
        page.assert_contains(&format!(
            r#"<input type="hidden" name="search" value="{search}">"#
        ));
        page.assert_contains(r#"name="email" type="email""#);
        page.assert_contains(r#"name="frequency" value="weekly""#);
        page.assert_contains("your address is erased");
        page.assert_contains("Atom feed of this search");
        page.assert_contains("/jobs/feed.xml");
        assert!(
            page.body.contains(label) || label.starts_with("All"),
            "{path} names its search"
        );
        // Served from the page cache: nothing in it may belong to one visitor.
        assert_eq!(page.header("set-cookie"), None, "{path}");
    }
    // The other order and a later page store the same search.
    let sorted = app.get("/jobs?q=engineer&technology=go&sort=salary").await;
    sorted.assert_contains(r#"name="search" value="q=engineer&#38;technology=go""#);
}

#[actix_web::test]
async fn signing_up_without_javascript_queues_only_a_confirmation_and_shows_check_your_inbox() {
    let app = app_with_jobs().await;
    let response = sign_up(&app, "technology=rust", "Anna@Example.org", "daily").await;

    assert_eq!(response.status, 303, "{}", response.body);
    let location = response.header("location").unwrap().to_owned();
    assert_eq!(location, "/alerts/sent?search=technology%3Drust");
    let sent = app.get(&location).await;
    assert_eq!(sent.status, 200);
    sent.assert_contains("Check your inbox");
    sent.assert_contains("Rust");

    let mails = outbox(&app);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, "Anna@Example.org");
    assert!(
        mails[0].subject.starts_with("Confirm your job alert"),
        "{}",
        mails[0].subject
    );
    assert!(
        mails[0].text_body.contains("/alerts/confirm/"),
        "{}",
        mails[0].text_body
    );
    assert_eq!(
        mails[0].list_unsubscribe, None,
        "a confirmation is no list mail"
    );
    assert_eq!(status_of(&app, "anna@example.org"), ["pending"]);
    // Only the hash of the token is stored.
    let token = token_path(&mails[0].text_body, "confirm")
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) AS n FROM alerts WHERE confirm_token_hash = sha256('{token}'::bytea)"
            )
        ),
        1
    );
    // Nothing is sent before the link is opened.
    new_job(&app, "New Rust engineer", &["rust"]);
    let report = digest_now(&app);
    assert_eq!(report.mails, 0);
    assert_eq!(outbox(&app).len(), 1);
}

#[actix_web::test]
async fn a_form_that_cannot_be_used_comes_back_with_its_input_and_422() {
    let app = app_with_jobs().await;
    let page = sign_up(&app, "technology=rust", "anna at example", "weekly").await;
    assert_eq!(page.status, 422);
    page.assert_contains("Please check the form");
    page.assert_contains(r#"value="anna at example""#);
    page.assert_contains(r#"aria-invalid="true""#);
    page.assert_contains(r#"value="weekly" checked"#);
    page.assert_contains(r#"name="search" value="technology=rust""#);
    assert_eq!(outbox(&app).len(), 0);

    let page = sign_up(&app, "technology=rust", "anna@example.org", "hourly").await;
    assert_eq!(page.status, 422);
    page.assert_contains("Choose daily or weekly");

    // A search the listings refuse is a 400 page, not a 500.
    let page = sign_up(&app, "salary=lots", "anna@example.org", "daily").await;
    assert_eq!(page.status, 400);
    page.assert_contains("That request did not work");
}

#[actix_web::test]
async fn a_confirmation_link_works_once_and_says_so_when_reused() {
    let app = app_with_jobs().await;
    sign_up(&app, "technology=rust", "anna@example.org", "daily").await;
    let confirm = token_path(&outbox(&app)[0].text_body, "confirm");

    // Opening the link (a mail scanner does too) starts nothing.
    app.get(&confirm).await.assert_contains("Start my alert");
    assert_eq!(status_of(&app, "anna@example.org"), ["pending"]);
    let first = use_confirm_link(&app, &confirm).await;
    assert_eq!(first.status, 200);
    first.assert_contains("Your alert is on");
    assert_eq!(first.header("cache-control"), Some("no-store, private"));
    assert_eq!(first.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(status_of(&app, "anna@example.org"), ["active"]);

    let again = app.get(&confirm).await;
    assert_eq!(again.status, 200);
    again.assert_contains("Already confirmed");
    assert_eq!(status_of(&app, "anna@example.org"), ["active"]);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM alerts"), 1);

    // Signing up again for the same search does not duplicate it either.
    let response = sign_up(&app, "technology=rust", "ANNA@example.org", "daily").await;
    assert_eq!(response.status, 303);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM alerts"), 1);
    let note = outbox(&app).pop().unwrap();
    assert!(
        note.subject.starts_with("You already have this job alert"),
        "{}",
        note.subject
    );
    assert!(note.text_body.contains("/alerts/manage/"));

    let unknown = app
        .get(&format!("/alerts/confirm/{}", "ab".repeat(32)))
        .await;
    assert_eq!(unknown.status, 404);
    unknown.assert_contains("We do not know this link");
}

#[actix_web::test]
async fn an_expired_confirmation_link_says_so_and_offers_to_sign_up_again() {
    let app = app_with_jobs().await;
    sign_up(&app, "technology=rust", "anna@example.org", "daily").await;
    let confirm = token_path(&outbox(&app)[0].text_body, "confirm");
    diesel::sql_query("UPDATE alerts SET confirm_expires_at = now() - interval '1 minute'")
        .execute(&mut app.db.connect())
        .unwrap();

    let page = app.get(&confirm).await;
    assert_eq!(page.status, 410);
    page.assert_contains("This link has expired");
    page.assert_contains(r#"href="/alerts/new?search=technology%3Drust""#);
    assert_eq!(status_of(&app, "anna@example.org"), ["pending"]);

    let form = app.get("/alerts/new?search=technology%3Drust").await;
    assert_eq!(form.status, 200);
    form.assert_contains("E-mail me new jobs like these");
    // Signing up again renews the link; the new one works.
    sign_up(&app, "technology=rust", "anna@example.org", "daily").await;
    let renewed = token_path(&outbox(&app)[1].text_body, "confirm");
    assert_ne!(renewed, confirm);
    use_confirm_link(&app, &renewed)
        .await
        .assert_contains("Your alert is on");
    assert_eq!(status_of(&app, "anna@example.org"), ["active"]);
}

#[actix_web::test]
async fn a_digest_lists_only_the_jobs_new_since_the_last_and_none_comes_when_nothing_matched() {
    let app = app_with_jobs().await;
    confirmed(&app, "technology=rust", "anna@example.org", "daily").await;
    let before = outbox(&app).len();

    // Nothing new yet: no message.
    assert_eq!(digest_now(&app).mails, 0);
    // A new Go job matches nothing: still none.
    new_job(&app, "Fresh Go developer", &["go"]);
    let report = digest_now(&app);
    assert_eq!((report.alerts, report.mails), (1, 0));
    assert_eq!(outbox(&app).len(), before);

    new_job(&app, "Fresh Rust developer", &["rust"]);
    new_job(
        &app,
        "Fresh Rust platform engineer",
        &["rust", "postgresql"],
    );
    assert_eq!(digest_now(&app).mails, 1);
    let mails = outbox(&app);
    assert_eq!(mails.len(), before + 1);
    let first = &mails[before];
    assert_eq!(
        first.subject,
        "2 new jobs for “Rust developer jobs in Germany”"
    );
    for part in [&first.text_body, first.html_body.as_ref().unwrap()] {
        assert!(part.contains("Fresh Rust developer"), "{part}");
        assert!(part.contains("Fresh Rust platform engineer"));
        assert!(part.contains("Acme Software"), "the company");
        assert!(part.contains("Berlin"), "the location");
        assert!(part.contains("€65k"), "the salary: {part}");
        assert!(!part.contains("Fresh Go developer"));
        assert!(
            !part.contains("Older Rust engineer"),
            "posted before the alert"
        );
        assert!(part.contains("/alerts/unsubscribe/"));
        assert!(part.contains("/alerts/manage/"));
    }
    assert!(
        first
            .list_unsubscribe
            .as_deref()
            .unwrap()
            .contains("/alerts/unsubscribe/")
    );

    // The next run lists only what came after.
    assert_eq!(digest_now(&app).mails, 0);
    new_job(&app, "Another Rust role", &["rust"]);
    assert_eq!(digest_now(&app).mails, 1);
    let last = outbox(&app).pop().unwrap();
    assert_eq!(
        last.subject,
        "1 new job for “Rust developer jobs in Germany”"
    );
    assert!(last.text_body.contains("Another Rust role"));
    assert!(!last.text_body.contains("Fresh Rust developer"));
}

#[actix_web::test]
async fn more_than_twenty_new_jobs_list_twenty_and_link_the_rest() {
    let app = app_with_jobs().await;
    confirmed(&app, "technology=go", "gopher@example.org", "daily").await;
    for n in 0..23 {
        new_job(&app, &format!("Go role number {n}"), &["go"]);
    }
    assert_eq!(digest_now(&app).mails, 1);
    let mail = outbox(&app).pop().unwrap();
    assert_eq!(
        mail.subject,
        "23 new jobs for “Go developer jobs in Germany”"
    );
    assert_eq!(mail.text_body.matches("Go role number").count(), 20);
    assert!(
        mail.text_body.contains("And 3 more jobs: "),
        "{}",
        mail.text_body
    );
    assert!(mail.html_body.unwrap().contains("/technologies/go\""));
}

#[actix_web::test]
async fn weekly_alerts_wait_for_monday_and_daily_ones_come_every_day() {
    let app = app_with_jobs().await;
    confirmed(&app, "technology=rust", "daily@example.org", "daily").await;
    confirmed(&app, "technology=go", "weekly@example.org", "weekly").await;
    let now = Utc::now();
    // Both last had a digest just after the latest weekly slot (last Monday's).
    let monday = latest_slot(now, HOUR, Frequency::Weekly);
    let yesterday = latest_slot(now, HOUR, Frequency::Daily) - Duration::hours(24);
    let watermark = monday.max(yesterday) + Duration::minutes(1);
    diesel::sql_query("UPDATE alerts SET last_digest_at = $1")
        .bind::<diesel::sql_types::Timestamptz, _>(watermark.min(now - Duration::minutes(5)))
        .execute(&mut app.db.connect())
        .unwrap();
    new_job(&app, "Rust developer", &["rust"]);
    new_job(&app, "Go developer", &["go"]);
    let before = outbox(&app).len();

    // Today's daily slot has passed (or yesterday's, before the hour): the daily alert
    // is due, the weekly one not before next Monday.
    let run_at = Utc::now();
    let report = run_digests(&app, DueSlots::scheduled(run_at, HOUR), run_at);
    let mails = outbox(&app);
    let sent: Vec<&str> = mails[before..]
        .iter()
        .map(|m| m.to_address.as_str())
        .collect();
    if watermark < latest_slot(run_at, HOUR, Frequency::Daily) {
        assert_eq!(sent, ["daily@example.org"], "{report:?}");
    } else {
        assert!(sent.is_empty(), "{report:?}");
    }

    // Next Monday at the hour both are due; the weekly one lists its week.
    let next_monday = next_slot(run_at, HOUR, Frequency::Weekly) + Duration::minutes(1);
    run_digests(&app, DueSlots::scheduled(next_monday, HOUR), next_monday);
    let mails = outbox(&app);
    let weekly: Vec<&Mail> = mails
        .iter()
        .filter(|m| m.to_address == "weekly@example.org" && m.list_unsubscribe.is_some())
        .collect();
    assert_eq!(weekly.len(), 1);
    assert!(weekly[0].text_body.contains("Go developer"));
    assert!(weekly[0].text_body.contains("your weekly alert"));
    // And not again that week.
    let later = next_monday + Duration::hours(30);
    run_digests(&app, DueSlots::scheduled(later, HOUR), later);
    assert_eq!(
        outbox(&app)
            .iter()
            .filter(|m| m.to_address == "weekly@example.org" && m.list_unsubscribe.is_some())
            .count(),
        1
    );
}

#[actix_web::test]
async fn one_click_unsubscribe_by_post_without_a_cookie_ends_the_alert_and_erases_the_address() {
    let app = app_with_jobs().await;
    confirmed(&app, "technology=rust", "anna@example.org", "daily").await;
    new_job(&app, "Fresh Rust developer", &["rust"]);
    digest_now(&app);
    let digest = outbox(&app).pop().unwrap();
    let url = digest.list_unsubscribe.unwrap();
    let path = url
        .strip_prefix(&app.address)
        .expect("an absolute URL of the site");

    // GET shows a button and changes nothing (link scanners open links).
    let page = app.get(path).await;
    assert_eq!(page.status, 200);
    page.assert_contains(r#"method="post""#);
    page.assert_contains("Unsubscribe");
    assert_eq!(status_of(&app, "anna@example.org"), ["active"]);

    // What a mail program sends (RFC 8058): no cookie, no page.
    let response = anonymous(&app)
        .post_with(path, &[("List-Unsubscribe", "One-Click")], &[])
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.assert_contains("You are unsubscribed");
    response.assert_contains("your e-mail address has been erased");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM alerts"), 0);
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM alert_subscribers"),
        0
    );

    // Used again: still a 200, nothing to do.
    let again = anonymous(&app).post_with(path, &[], &[]).await;
    assert_eq!(again.status, 200);
    new_job(&app, "Another Rust role", &["rust"]);
    assert_eq!(digest_now(&app).mails, 0);
}

#[actix_web::test]
async fn the_manage_page_pauses_resumes_changes_frequency_deletes_and_erases() {
    let app = app_with_jobs().await;
    let page = confirmed(&app, "technology=rust", "anna@example.org", "daily").await;
    confirmed(&app, "technology=go", "anna@example.org", "daily").await;
    confirmed(&app, "city=Berlin", "anna@example.org", "daily").await;
    let manage = token_path(&page.body, "manage");

    let page = app.get(&manage).await;
    assert_eq!(page.status, 200);
    page.assert_contains("anna@example.org");
    page.assert_contains("Rust developer jobs in Germany");
    page.assert_contains("Go developer jobs in Germany");
    assert_eq!(page.header("cache-control"), Some("no-store, private"));
    let ids: Vec<String> = {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = BigInt)]
            id: i64,
        }
        diesel::sql_query("SELECT id FROM alerts ORDER BY id")
            .load::<Id>(&mut app.db.connect())
            .unwrap()
            .into_iter()
            .map(|i| i.id.to_string())
            .collect()
    };
    let client = anonymous(&app);
    let post = |fields: Vec<(&'static str, String)>| {
        let client = &client;
        let manage = manage.clone();
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            client.post_with(&manage, &fields, &[]).await
        }
    };

    let paused = post(vec![("do", "pause".into()), ("alert", ids[0].clone())]).await;
    assert_eq!(paused.status, 303);
    assert_eq!(
        status_of(&app, "anna@example.org"),
        ["paused", "active", "active"]
    );
    app.get(paused.location().unwrap())
        .await
        .assert_contains("The alert is paused.");
    new_job(&app, "Fresh Rust developer", &["rust"]);
    digest_now(&app);
    assert!(
        !outbox(&app)
            .iter()
            .any(|m| m.subject.contains("Rust developer jobs in Germany”")),
        "a paused alert sends nothing"
    );

    post(vec![("do", "resume".into()), ("alert", ids[0].clone())])
        .await
        .assert_status(303);
    assert_eq!(
        status_of(&app, "anna@example.org"),
        ["active", "active", "active"]
    );

    post(vec![
        ("do", "frequency".into()),
        ("alert", ids[1].clone()),
        ("frequency", "weekly".into()),
    ])
    .await
    .assert_status(303);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM alerts WHERE frequency = 'weekly'"
        ),
        1
    );

    post(vec![("do", "delete".into()), ("alert", ids[2].clone())])
        .await
        .assert_status(303);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM alerts"), 2);

    // Another address's alert cannot be changed with this link.
    confirmed(&app, "technology=go", "bob@example.org", "daily").await;
    let bob = count(&app, "SELECT max(id) AS n FROM alerts").to_string();
    let refused = post(vec![("do", "delete".into()), ("alert", bob)]).await;
    assert_eq!(refused.status, 404);
    assert_eq!(status_of(&app, "bob@example.org"), ["active"]);

    let gone = post(vec![("do", "delete-all".into())]).await;
    assert_eq!(gone.status, 200);
    gone.assert_contains("your e-mail address is erased");
    assert_eq!(status_of(&app, "anna@example.org"), Vec::<String>::new());
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM alert_subscribers WHERE email = 'anna@example.org'"
        ),
        0
    );
    assert_eq!(app.get(&manage).await.status, 404);
}

#[actix_web::test]
async fn ten_sign_ups_an_hour_from_one_client_then_429_with_retry_after() {
    let app = app_with_jobs().await;
    for n in 0..10 {
        let page = sign_up(
            &app,
            "technology=rust",
            &format!("person{n}@example.org"),
            "daily",
        )
        .await;
        assert_eq!(page.status, 303, "sign-up {n}");
    }
    let refused = sign_up(&app, "technology=rust", "eleven@example.org", "daily").await;
    assert_eq!(refused.status, 429);
    refused.assert_contains("Too many requests");
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((3000..=3600).contains(&retry), "{retry}");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM alerts"), 10);
    assert_eq!(outbox(&app).len(), 10);
}

#[actix_web::test]
async fn an_address_has_at_most_twenty_alerts() {
    let app = app_with_jobs().await;
    let searches: Vec<String> = (0..21).map(|n| format!("q=word{n}")).collect();
    for (n, search) in searches.iter().enumerate() {
        // The client limit is not what this is about.
        diesel::sql_query("DELETE FROM alert_signups")
            .execute(&mut app.db.connect())
            .unwrap();
        let page = sign_up(&app, search, "many@example.org", "daily").await;
        if n < 20 {
            assert_eq!(page.status, 303, "alert {n}: {}", page.body);
        } else {
            assert_eq!(page.status, 422);
            page.assert_contains("This address has 20 alerts already");
            page.assert_contains(r#"value="many@example.org""#);
        }
    }
    assert_eq!(count(&app, "SELECT count(*) AS n FROM alerts"), 20);
}

#[actix_web::test]
async fn two_instances_send_each_digest_exactly_once() {
    let smtp = SmtpServer::start();
    let db = TestDatabase::new();
    let url = smtp.url();
    let settings: [(&'static str, &str); 2] =
        [("SMTP_URL", &url), ("ALERT_DIGEST_CHECK_SECONDS", "1")];
    // The timers wait for the alerts to exist: both start with nothing due.
    let app = spawn_app_with(db.url(), db, &settings).await;
    let other = spawn_instance_with(&app, &settings).await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("Rust developer")
            .technologies(&["rust"])
            .posted(Utc::now() - Duration::hours(1)),
    );
    // 40 confirmed alerts whose last digest was two days ago: due by the schedule.
    let added = jobboard::repo::alerts::insert_synthetic(
        &mut app.db.connect(),
        40,
        &[(
            "technology=rust".to_owned(),
            "/technologies/rust".to_owned(),
            "Rust jobs".to_owned(),
        )],
        Utc::now() - Duration::days(2),
    )
    .unwrap();
    assert_eq!(added, 40);

    let received = smtp.wait_for(40, std::time::Duration::from_secs(30)).await;
    // Both timers looked again meanwhile; nothing more may come.
    let started = Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(3) {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let received = if smtp.messages().len() > received.len() {
        smtp.messages()
    } else {
        received
    };
    assert_eq!(received.len(), 40, "each digest once");
    let mut recipients: Vec<String> = received
        .iter()
        .filter_map(|raw| {
            raw.lines()
                .find_map(|l| l.strip_prefix("To: ").map(str::to_owned))
        })
        .collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 40);
    assert!(
        received
            .iter()
            .all(|raw| raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
    );
    assert!(
        received
            .iter()
            .all(|raw| raw.contains("Subject: 1 new job for"))
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM alerts WHERE last_sent_at IS NOT NULL"
        ),
        40
    );
    drop(other);
}

#[actix_web::test]
async fn the_confirmation_and_a_digest_arrive_over_smtp_with_both_parts_and_one_click_headers() {
    let smtp = SmtpServer::start();
    let db = TestDatabase::new();
    let url = smtp.url();
    let app = spawn_app_with(db.url(), db, &[("SMTP_URL", &url)]).await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Older Rust engineer").technologies(&["rust"]));

    sign_up(&app, "technology=rust", "anna@example.org", "daily").await;
    let confirmation = smtp
        .wait_for(1, std::time::Duration::from_secs(10))
        .await
        .remove(0);
    assert!(!confirmation.contains("List-Unsubscribe"), "{confirmation}");
    let confirm = token_path(&confirmation.replace("=\n", ""), "confirm");
    use_confirm_link(&app, &confirm)
        .await
        .assert_contains("Your alert is on");

    new_job(&app, "Fresh Rust developer", &["rust"]);
    assert_eq!(digest_now(&app).mails, 1);
    let messages = smtp.wait_for(2, std::time::Duration::from_secs(10)).await;
    let digest = messages
        .iter()
        .find(|m| m.contains("new job for"))
        .expect("the digest");
    assert!(
        digest.contains("Content-Type: multipart/alternative"),
        "{digest}"
    );
    assert!(digest.contains("Content-Type: text/plain"));
    assert!(digest.contains("Content-Type: text/html"));
    assert!(
        digest.contains("List-Unsubscribe: <http://127.0.0.1:"),
        "{digest}"
    );
    assert!(digest.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
}

#[actix_web::test]
async fn an_admin_can_send_the_digests_now_from_the_mail_page() {
    let app = app_with_jobs().await;
    confirmed(&app, "technology=rust", "anna@example.org", "daily").await;
    new_job(&app, "Fresh Rust developer", &["rust"]);
    let (admin, _) = app
        .signed_in("boss@example.org", jobboard::domain::editor::Role::Admin)
        .await;
    let page = admin.get("/admin/mail").await;
    page.assert_contains("Send alert digests now");

    let response = admin.submit("/admin/mail/alert-digests", &[]).await;
    response.assert_redirect("/admin/mail");
    admin
        .get("/admin/mail")
        .await
        .assert_contains("1 active alert looked at, 1 e-mail queued.");
    let digest = outbox(&app).pop().unwrap();
    assert_eq!(
        digest.subject,
        "1 new job for “Rust developer jobs in Germany”"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_log WHERE action = 'alerts.digests_run'"
        ),
        1
    );
    // Without the admin's session: no digests.
    let anonymous = anonymous(&app)
        .post_with("/admin/mail/alert-digests", &[], &[])
        .await;
    assert_ne!(anonymous.status, 303);
}

#[actix_web::test]
async fn a_search_with_a_long_name_still_gets_its_confirmation() {
    let app = app_with_jobs().await;
    let words = "distributed ".repeat(16);
    let search = format!(
        "q={}&technology=go&technology=rust&city=Berlin&city=Hamburg&seniority=senior",
        words.trim().replace(' ', "+")
    );
    let page = sign_up(&app, &search, "anna@example.org", "daily").await;
    assert_eq!(page.status, 303, "{}", page.body);
    let mail = outbox(&app).pop().unwrap();
    assert!(mail.subject.chars().count() <= 180, "{}", mail.subject);
    assert!(mail.subject.ends_with('…'), "{}", mail.subject);
}
