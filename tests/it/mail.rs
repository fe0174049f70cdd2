//! E-mail through the outbox, against a real SMTP server (aiosmtpd, started per test):
//! messages arrive with their parts and headers, survive an SMTP outage, go out once
//! with two instances sending, are written as files without SMTP, and admins see them.

use crate::helpers::{
    SmtpServer, TestApp, TestDatabase, enqueue, outgoing, spawn_app, spawn_app_with,
    spawn_instance_with,
};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use jobboard::domain::editor::Role;
use jobboard::domain::mail::{MailStatus, OutboxEntry};
use jobboard::repo;
use std::time::{Duration, Instant};

const FROM: &str = "Jobboard Test <jobs@jobboard.example>";

async fn app_sending_to(smtp: &SmtpServer) -> TestApp {
    let db = TestDatabase::new();
    let url = smtp.url();
    spawn_app_with(db.url(), db, &[("SMTP_URL", &url), ("MAIL_FROM", FROM)]).await
}

fn entry(app: &TestApp, id: i64) -> OutboxEntry {
    repo::outbox::find(&mut app.db.connect(), id).expect("outbox entry")
}

/// Waits until the message `id` satisfies `done`, and returns it.
async fn wait_until(
    app: &TestApp,
    id: i64,
    what: &str,
    done: impl Fn(&OutboxEntry) -> bool,
) -> OutboxEntry {
    let started = Instant::now();
    loop {
        let e = entry(app, id);
        if done(&e) {
            return e;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "message #{id} is not {what} after 15 s: {e:?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until both workers listen for wake-ups, so that neither starts late.
async fn wait_listening(workers: &[&jobboard::mail::worker::MailWorker]) {
    let started = Instant::now();
    while !workers.iter().all(|w| w.is_listening()) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "workers not listening"
        );
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The header `name` of a raw message (first occurrence, unfolded).
fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    let prefix = format!("{name}: ");
    raw.lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(&prefix))
}

/// `text` as the templates print it.
fn askama_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Worker {
    #[diesel(sql_type = Text)]
    claimed_by: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[actix_web::test]
async fn a_queued_message_arrives_with_both_parts_and_the_right_headers() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp).await;
    let mail = outgoing("anna@example.org", "Your job alert: 3 new Rust jobs")
        .with_html("<p>Three new <strong>Rust</strong> jobs.</p>")
        .with_list_unsubscribe("https://jobs.example.org/alerts/unsubscribe?t=abc123")
        .unwrap();

    let id = enqueue(&mut app.db.connect(), &mail);

    let received = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 1);
    let raw = &received[0];
    assert_eq!(
        header(raw, "From"),
        Some("\"Jobboard Test\" <jobs@jobboard.example>")
    );
    assert_eq!(header(raw, "To"), Some("anna@example.org"));
    assert_eq!(header(raw, "X-RcptTo"), Some("anna@example.org"), "{raw}");
    assert_eq!(header(raw, "X-MailFrom"), Some("jobs@jobboard.example"));
    assert_eq!(
        header(raw, "Subject"),
        Some("Your job alert: 3 new Rust jobs")
    );
    assert_eq!(
        header(raw, "List-Unsubscribe"),
        Some("<https://jobs.example.org/alerts/unsubscribe?t=abc123>")
    );
    assert!(
        header(raw, "Message-ID").is_some_and(
            |m| m.starts_with(&format!("<outbox-{id}.")) && m.ends_with("@jobboard.example>")
        ),
        "{raw}"
    );
    assert!(header(raw, "Date").is_some());
    assert!(
        header(raw, "Content-Type").is_some_and(|c| c.starts_with("multipart/alternative")),
        "{raw}"
    );
    let text = raw.find("Content-Type: text/plain").expect("a text part");
    let html = raw.find("Content-Type: text/html").expect("an HTML part");
    assert!(text < html, "the plain text comes first:\n{raw}");
    assert!(raw.contains("This is the text part."));
    assert!(raw.contains("<p>Three new <strong>Rust</strong> jobs.</p>"));

    let sent = wait_until(&app, id, "marked sent", |e| e.status == MailStatus::Sent).await;
    assert_eq!(sent.attempts, 1);
    assert!(sent.sent_at.is_some());
    assert_eq!(sent.last_error, None);
}

#[actix_web::test]
async fn a_message_without_unsubscribe_link_or_html_is_plain_text_without_the_header() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp).await;

    enqueue(
        &mut app.db.connect(),
        &outgoing("bert@example.org", "Confirm your job"),
    );

    let raw = &smtp.wait_for(1, Duration::from_secs(10)).await[0];
    assert_eq!(header(raw, "List-Unsubscribe"), None, "{raw}");
    assert!(
        header(raw, "Content-Type").is_some_and(|c| c.starts_with("text/plain")),
        "{raw}"
    );
}

#[actix_web::test]
async fn a_message_queued_in_a_transaction_that_rolls_back_is_never_sent() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp).await;
    let mut conn = app.db.connect();

    let result: Result<(), repo::RepoError> = conn.transaction(|conn| {
        repo::outbox::enqueue(conn, &outgoing("anna@example.org", "Job approved"))?;
        Err(repo::RepoError::Conflict("the change failed".into()))
    });

    assert!(result.is_err());
    assert_eq!(repo::outbox::counts(&mut conn).unwrap().total(), 0);
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    assert!(smtp.messages().is_empty());
}

#[actix_web::test]
async fn a_message_queued_while_the_smtp_server_is_down_arrives_once_it_is_up() {
    let mut smtp = SmtpServer::not_started();
    let app = app_sending_to(&smtp).await;

    let id = enqueue(
        &mut app.db.connect(),
        &outgoing("anna@example.org", "Confirm your job"),
    );

    // The try fails: recorded with the error, queued again with a backoff.
    let failed = wait_until(&app, id, "tried", |e| e.attempts >= 1).await;
    assert_eq!(failed.status, MailStatus::Queued);
    let error = failed.last_error.clone().unwrap_or_default();
    assert!(error.to_lowercase().contains("connection"), "{error}");
    assert!(
        failed.next_attempt_at > failed.last_attempt_at.unwrap() + chrono::TimeDelta::seconds(20)
    );

    smtp.run();
    // Due now instead of after the 30 s backoff.
    diesel::sql_query("UPDATE mail_outbox SET next_attempt_at = now() WHERE id = $1")
        .bind::<BigInt, _>(id)
        .execute(&mut app.db.connect())
        .unwrap();

    let received = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(header(&received[0], "Subject"), Some("Confirm your job"));
    let sent = wait_until(&app, id, "marked sent", |e| e.status == MailStatus::Sent).await;
    assert_eq!(sent.attempts, 2);
    assert_eq!(
        sent.last_error.as_deref(),
        Some(error.as_str()),
        "the error stays for reference"
    );
    // Exactly once: nothing more arrives.
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.messages().len(), 1);
}

#[actix_web::test]
async fn an_smtp_outage_costs_few_tries_however_many_messages_wait() {
    let smtp = SmtpServer::not_started();
    let app = app_sending_to(&smtp).await;
    let mut conn = app.db.connect();
    conn.transaction(|conn| {
        for n in 0..30 {
            repo::outbox::enqueue(conn, &outgoing("anna@example.org", &format!("Message {n}")))?;
        }
        Ok::<_, repo::RepoError>(())
    })
    .unwrap();

    actix_web::rt::time::sleep(Duration::from_secs(3)).await;

    let tries: Count =
        diesel::sql_query("SELECT coalesce(sum(attempts), 0)::bigint AS n FROM mail_outbox")
            .get_result(&mut conn)
            .unwrap();
    assert!((1..=3).contains(&tries.n), "{} tries in 3 s", tries.n);
    let counts = repo::outbox::counts(&mut conn).unwrap();
    assert_eq!(counts.queued, 30, "{counts:?}");
}

#[actix_web::test]
async fn two_instances_send_a_batch_of_fifty_exactly_once_each() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp).await;
    let url = smtp.url();
    let other = spawn_instance_with(&app, &[("SMTP_URL", &url), ("MAIL_FROM", FROM)]).await;
    wait_listening(&[app.mail_worker(), other.mail_worker()]).await;

    let mut conn = app.db.connect();
    conn.transaction(|conn| {
        for n in 0..50 {
            repo::outbox::enqueue(
                conn,
                &outgoing(&format!("reader{n}@example.org"), &format!("Alert {n}")),
            )?;
        }
        Ok::<_, repo::RepoError>(())
    })
    .unwrap();

    smtp.wait_for(50, Duration::from_secs(20)).await;
    // Time for a duplicate to show up, were there one.
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    let received = smtp.messages();
    let mut subjects: Vec<String> = received
        .iter()
        .map(|raw| header(raw, "Subject").unwrap_or_default().to_owned())
        .collect();
    subjects.sort();
    let mut expected: Vec<String> = (0..50).map(|n| format!("Alert {n}")).collect();
    expected.sort();
    assert_eq!(subjects, expected, "every message exactly once");
    let counts = repo::outbox::counts(&mut conn).unwrap();
    assert_eq!((counts.sent, counts.total()), (50, 50));
    let workers: Vec<Worker> = diesel::sql_query(
        "SELECT claimed_by, count(*) AS n FROM mail_outbox GROUP BY claimed_by ORDER BY claimed_by",
    )
    .load(&mut conn)
    .unwrap();
    let names = [app.mail_worker().name(), other.mail_worker().name()];
    assert!(
        workers
            .iter()
            .all(|w| names.contains(&w.claimed_by.as_str()))
    );
    eprintln!(
        "sent per instance: {:?}",
        workers.iter().map(|w| w.n).collect::<Vec<_>>()
    );
}

#[actix_web::test]
async fn a_claim_skips_messages_another_worker_is_claiming_and_never_waits() {
    let app = spawn_app().await;
    // The app's own worker would claim them too: stopped, this test claims by hand.
    app.mail_worker().stop();
    let mut conn = app.db.connect();
    for n in 0..5 {
        enqueue(
            &mut conn,
            &outgoing("anna@example.org", &format!("Message {n}")),
        );
    }
    let now = chrono::Utc::now() + chrono::TimeDelta::seconds(1);
    let lease = chrono::TimeDelta::minutes(5);

    // Worker A is in the middle of its claim: the two oldest are locked.
    let mut a = app.db.connect();
    a.transaction(|a| {
        let locked: Vec<i64> = jobboard::db::schema::mail_outbox::table
            .select(jobboard::db::schema::mail_outbox::id)
            .order(jobboard::db::schema::mail_outbox::id)
            .limit(2)
            .for_update()
            .load(a)?;
        assert_eq!(locked.len(), 2);
        // Worker B claims meanwhile: it skips them at once instead of waiting.
        let mut b = app.db.connect();
        diesel::sql_query("SET lock_timeout = '2s'").execute(&mut b)?;
        let claimed = repo::outbox::claim_due(&mut b, now, 10, lease, "worker-b").unwrap();
        let ids: Vec<i64> = claimed.iter().map(|m| m.id).collect();
        assert_eq!(ids.len(), 3);
        assert!(
            ids.iter().all(|id| !locked.contains(id)),
            "{ids:?} {locked:?}"
        );
        // And a claim after B's finds nothing B holds.
        let again = repo::outbox::claim_due(&mut b, now, 10, lease, "worker-c").unwrap();
        assert!(again.is_empty());
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();

    // Once A's transaction ended without claiming, the two are there for the next claim.
    let rest = repo::outbox::claim_due(&mut conn, now, 10, lease, "worker-c").unwrap();
    assert_eq!(rest.len(), 2);
}

#[actix_web::test]
async fn a_lease_that_ran_out_makes_the_message_claimable_again_and_fences_the_old_worker() {
    let app = spawn_app().await;
    app.mail_worker().stop();
    let mut conn = app.db.connect();
    let id = enqueue(&mut conn, &outgoing("anna@example.org", "Confirm your job"));
    let now = chrono::Utc::now() + chrono::TimeDelta::seconds(1);
    let lease = chrono::TimeDelta::minutes(5);

    let first = repo::outbox::claim_due(&mut conn, now, 10, lease, "worker-a").unwrap();
    assert_eq!(first.len(), 1);
    // Within the lease nobody else gets it …
    let later = now + chrono::TimeDelta::minutes(4);
    assert!(
        repo::outbox::claim_due(&mut conn, later, 10, lease, "worker-b")
            .unwrap()
            .is_empty()
    );
    // … after it, worker A counts as gone: the try is recorded and B claims it.
    let after = now + chrono::TimeDelta::minutes(6);
    let second = repo::outbox::claim_due(&mut conn, after, 10, lease, "worker-b").unwrap();
    assert_eq!(second.iter().map(|m| m.id).collect::<Vec<_>>(), [id]);
    assert_eq!(second[0].attempts, 1);
    assert!(
        entry(&app, id)
            .last_error
            .unwrap()
            .contains("may have been sent")
    );

    // Worker A, back from the dead, can no longer mark it.
    assert!(!repo::outbox::mark_sent(&mut conn, id, "worker-a", after).unwrap());
    assert!(repo::outbox::mark_sent(&mut conn, id, "worker-b", after).unwrap());
    let sent = entry(&app, id);
    assert_eq!((sent.status, sent.attempts), (MailStatus::Sent, 2));
}

#[actix_web::test]
async fn failed_tries_back_off_and_the_eighth_fails_for_good() {
    let app = spawn_app().await;
    app.mail_worker().stop();
    let mut conn = app.db.connect();
    let id = enqueue(&mut conn, &outgoing("anna@example.org", "Confirm your job"));
    let mut now = chrono::Utc::now() + chrono::TimeDelta::seconds(1);
    let lease = chrono::TimeDelta::minutes(5);
    let mut waits = Vec::new();
    loop {
        let claimed = repo::outbox::claim_due(&mut conn, now, 10, lease, "w").unwrap();
        assert_eq!(claimed.len(), 1, "due at {now}");
        let after = repo::outbox::mark_failed_attempt(
            &mut conn,
            &claimed[0],
            "w",
            "451 try later",
            false,
            now,
        )
        .unwrap();
        match after {
            repo::outbox::AfterFailure::RetryAt(at) => {
                waits.push((at - now).num_seconds());
                // Not due a second early.
                assert!(
                    repo::outbox::claim_due(
                        &mut conn,
                        at - chrono::TimeDelta::seconds(1),
                        10,
                        lease,
                        "w"
                    )
                    .unwrap()
                    .is_empty()
                );
                now = at;
            }
            repo::outbox::AfterFailure::GaveUp => break,
            repo::outbox::AfterFailure::NotHeld => panic!("not held"),
        }
    }
    assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920]);
    let failed = entry(&app, id);
    assert_eq!((failed.status, failed.attempts), (MailStatus::Failed, 8));
    assert_eq!(failed.last_error.as_deref(), Some("451 try later"));
}

#[actix_web::test]
async fn without_smtp_url_each_message_is_written_as_an_eml_file() {
    let app = spawn_app().await;

    let id = enqueue(
        &mut app.db.connect(),
        &outgoing("anna@example.org", "Confirm your job").with_html("<p>Confirm</p>"),
    );

    wait_until(&app, id, "sent", |e| e.status == MailStatus::Sent).await;
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(app.db.mail_dir())
        .expect("MAIL_DIR was created")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.ends_with(&format!("-{id}.eml")), "{name}");
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    assert_eq!(header(&raw, "To"), Some("anna@example.org"));
    assert_eq!(
        header(&raw, "From"),
        Some(jobboard::config::DEFAULT_MAIL_FROM)
    );
    assert_eq!(header(&raw, "Subject"), Some("Confirm your job"));
    assert!(raw.contains("multipart/alternative"));
    assert!(raw.contains("<p>Confirm</p>"));
}

/// A message whose eighth try just failed because the SMTP server is down.
async fn failed_message(app: &TestApp, subject: &str) -> (i64, String) {
    let mail = outgoing("anna@example.org", subject);
    // Seven tries already, as of the commit that queues it.
    let id = app
        .db
        .connect()
        .transaction(|conn| {
            let id = repo::outbox::enqueue(conn, &mail)?;
            diesel::sql_query("UPDATE mail_outbox SET attempts = 7 WHERE id = $1")
                .bind::<BigInt, _>(id)
                .execute(conn)?;
            Ok::<_, repo::RepoError>(id)
        })
        .unwrap();
    let failed = wait_until(app, id, "failed", |e| e.status == MailStatus::Failed).await;
    (id, failed.last_error.unwrap())
}

#[actix_web::test]
async fn the_mail_page_is_for_admins_and_lists_a_failed_message_with_its_error() {
    let smtp = SmtpServer::not_started();
    let app = app_sending_to(&smtp).await;
    let (_, error) = failed_message(&app, "Your job has ended").await;
    let (editor, _) = app.signed_in("anna.editor@example.org", Role::Editor).await;
    let (admin, _) = app.signed_in("boss@example.org", Role::Admin).await;

    editor.get("/admin/mail").await.assert_status(403);
    let page = admin.get("/admin/mail").await;
    page.assert_status(200);
    page.assert_contains("Your job has ended");
    page.assert_contains(&askama_escaped(&error));
    page.assert_contains("1 failed");
    page.assert_contains("href=\"/admin/mail\" aria-current=\"page\"");
    let failed = admin.get("/admin/mail?status=failed").await;
    failed.assert_contains("Your job has ended");
    failed.assert_contains("Failed (1)");
    admin
        .get("/admin/mail?status=sent")
        .await
        .assert_lacks("Your job has ended");
    // The admin sees the nav link, the editor does not.
    admin
        .get("/admin/account")
        .await
        .assert_contains("href=\"/admin/mail\"");
    editor
        .get("/admin/account")
        .await
        .assert_lacks("href=\"/admin/mail\"");
}

#[actix_web::test]
async fn an_admin_can_send_a_failed_message_again() {
    let mut smtp = SmtpServer::not_started();
    let app = app_sending_to(&smtp).await;
    let (id, error) = failed_message(&app, "Your job has ended").await;
    assert!(error.to_lowercase().contains("connection"), "{error}");
    let (admin, _) = app.signed_in("boss@example.org", Role::Admin).await;
    smtp.run();

    let response = admin
        .submit(&format!("/admin/mail/{id}/retry"), &[("status", "failed")])
        .await;

    response.assert_redirect("/admin/mail?status=failed");
    let received = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(header(&received[0], "Subject"), Some("Your job has ended"));
    let sent = wait_until(&app, id, "sent", |e| e.status == MailStatus::Sent).await;
    assert_eq!(sent.attempts, 1, "a fresh set of tries");
    let audit = admin.get("/admin/audit").await;
    audit.assert_contains("Mail queued again");
    // A sent message is not sent again.
    let again = admin.submit(&format!("/admin/mail/{id}/retry"), &[]).await;
    again.assert_redirect("/admin/mail");
    actix_web::rt::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(smtp.messages().len(), 1);
}

/// Throughput of the outbox: 1,000 queued messages to a local aiosmtpd, one instance.
/// Run with `cargo test --test it mail::outbox_throughput -- --ignored --nocapture`.
#[actix_web::test]
#[ignore = "a measurement, not a check"]
async fn outbox_throughput() {
    let smtp = SmtpServer::start();
    let app = app_sending_to(&smtp).await;
    wait_listening(&[app.mail_worker()]).await;
    const N: usize = 1_000;
    let mut conn = app.db.connect();
    let started = Instant::now();
    conn.transaction(|conn| {
        for n in 0..N {
            repo::outbox::enqueue(
                conn,
                &outgoing(&format!("reader{n}@example.org"), &format!("Alert {n}"))
                    .with_html(format!("<p>Alert {n}</p>")),
            )?;
        }
        Ok::<_, repo::RepoError>(())
    })
    .unwrap();
    let queued = started.elapsed();
    smtp.wait_for(N, Duration::from_secs(600)).await;
    let received = started.elapsed();
    loop {
        if repo::outbox::counts(&mut conn).unwrap().sent == N as i64 {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
    let marked = started.elapsed();
    eprintln!(
        "outbox throughput: {N} messages queued in {queued:.2?}, received in {received:.2?}, all marked sent in {marked:.2?}: {:.0} messages/s",
        N as f64 / marked.as_secs_f64()
    );
}
