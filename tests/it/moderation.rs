//! Editors moderate what employers post and what job seekers report, through the real
//! app on a fresh database: the queue at `/admin/moderation` (oldest first, with the
//! linter's findings and a duplicate hint), approving (the job is public at once and
//! the employer is e-mailed both links), rejecting and asking for changes (e-mails with
//! the reason or note and a manage link), a second decision refused with 409, the
//! access rules, "Report this job" (form, 422, 429, queue, close or dismiss) and the
//! timer's job-end e-mails, sent once with two instances running.
//!
//! Pending submissions are inserted with SQL, as a confirmed posting leaves them, so
//! that these tests do not depend on the public form.

use crate::helpers::{
    AdminClient, JobBuilder, Page, TestApp, TestDatabase, basic_fixtures, spawn_app,
    spawn_app_with, spawn_instance_with,
};
use chrono::{DateTime, Duration as Days, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Jsonb, Nullable, Text, Timestamptz};
use jobboard::db::schema::{
    audit_log, employer_manage_tokens, job_reports, job_submissions, jobs, mail_outbox,
};
use jobboard::domain::editor::Role;
use jobboard::domain::job::JobStatus;
use jobboard::web::job_form::JobFields;
use jobboard::web::posting::PostingFields;
use std::time::{Duration, Instant};

const DESCRIPTION: &str = "We build the payment platform for thousands of small shops in \
    Germany. You join a team of six engineers who own the checkout service end to end: \
    design, code review, deployment and on-call, with a budget for conferences and books. \
    The stack is Rust and PostgreSQL on Kubernetes; we deploy several times a day and keep \
    the build under ten minutes. You will pair with a senior engineer in your first weeks \
    and ship to production in your first month.";

/// A complete posting the linter has nothing to say about, at `company` (a new one
/// unless the board has a company of that name).
pub fn posting(title: &str, company: &str, email: &str) -> PostingFields {
    PostingFields {
        job: JobFields {
            title: title.to_owned(),
            description: DESCRIPTION.to_owned(),
            seniority: "senior".to_owned(),
            employment_type: "full_time".to_owned(),
            remote_policy: "onsite".to_owned(),
            city: "Berlin".to_owned(),
            remote_countries: String::new(),
            salary_min: "70000".to_owned(),
            salary_max: "90000".to_owned(),
            salary_currency: "EUR".to_owned(),
            salary_period: "year".to_owned(),
            apply: "https://newco.example/jobs/1".to_owned(),
            valid_through: (Utc::now() + Days::days(30)).format("%Y-%m-%d").to_string(),
            technologies: vec!["rust".to_owned(), "postgresql".to_owned()],
        },
        company_name: company.to_owned(),
        company_city: "Hamburg".to_owned(),
        company_website: "https://newco.example".to_owned(),
        company_size: "51-200".to_owned(),
        company_about: "Newco builds logistics software in Hamburg.".to_owned(),
        contact_email: email.to_owned(),
    }
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// A confirmed listing (of the live job `job_id`, if given) with one pending
/// submission sent at `submitted_at`: (listing id, submission id).
pub fn insert_pending(
    app: &TestApp,
    fields: &PostingFields,
    submitted_at: DateTime<Utc>,
    job_id: Option<i64>,
) -> (i64, i64) {
    let mut conn = app.conn();
    let listing: Id = diesel::sql_query(
        "INSERT INTO employer_listings (contact_email, confirm_expires_at, confirmed_at, ends_at, job_id) \
         VALUES ($1, now() + interval '48 hours', now(), now() + interval '30 days', $2) RETURNING id",
    )
    .bind::<Text, _>(&fields.contact_email)
    .bind::<Nullable<BigInt>, _>(job_id)
    .get_result(&mut conn)
    .unwrap();
    let submission: Id = diesel::sql_query(
        "INSERT INTO job_submissions (listing_id, fields, state, contact_email, submitted_at) \
         VALUES ($1, $2, 'pending', $3, $4) RETURNING id",
    )
    .bind::<BigInt, _>(listing.id)
    .bind::<Jsonb, _>(fields.to_json())
    .bind::<Text, _>(&fields.contact_email)
    .bind::<Timestamptz, _>(submitted_at)
    .get_result(&mut conn)
    .unwrap();
    (listing.id, submission.id)
}

async fn editor_app() -> (TestApp, AdminClient) {
    let app = spawn_app().await;
    basic_fixtures(&app);
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    (app, client)
}

/// (subject, text) of every message queued for `to`, oldest first.
fn mails_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    mail_outbox::table
        .filter(mail_outbox::to_address.eq(to))
        .order(mail_outbox::id.asc())
        .select((mail_outbox::subject, mail_outbox::text_body))
        .load(&mut app.db.connect())
        .unwrap()
}

fn state_of(app: &TestApp, submission: i64) -> String {
    job_submissions::table
        .find(submission)
        .select(job_submissions::state)
        .first(&mut app.db.connect())
        .unwrap()
}

fn audit_actions(app: &TestApp) -> Vec<String> {
    audit_log::table
        .order(audit_log::id.asc())
        .select(audit_log::action)
        .load(&mut app.db.connect())
        .unwrap()
}

fn listing_job(app: &TestApp, listing: i64) -> Option<i64> {
    jobboard::db::schema::employer_listings::table
        .find(listing)
        .select(jobboard::db::schema::employer_listings::job_id)
        .first(&mut app.db.connect())
        .unwrap()
}

/// Polls `path` until `pred` holds for its body, for at most one second.
async fn within_a_second(app: &TestApp, path: &str, pred: impl Fn(&str) -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(1) {
        if pred(&app.get(path).await.body) {
            return true;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

fn approve_path(id: i64) -> String {
    format!("/admin/moderation/submissions/{id}/approve")
}

#[actix_web::test]
async fn the_queue_lists_pending_jobs_oldest_first_with_findings_and_a_duplicate_hint() {
    let (app, client) = editor_app().await;
    app.insert(JobBuilder::new("Senior Rust Engineer"));
    let now = Utc::now();
    // The newest first, to show that the order is by age, not by insertion.
    let mut urgent = posting(
        "Go Developer URGENT!!!",
        "Newco Logistics",
        "hr@newco.example",
    );
    urgent.job.salary_min.clear();
    urgent.job.salary_max.clear();
    insert_pending(&app, &urgent, now - Days::minutes(10), None);
    insert_pending(
        &app,
        &posting(
            "Senior Rust Engineer (m/w/d)",
            "acme software",
            "jobs@acme.example",
        ),
        now - Days::hours(3),
        None,
    );

    let page = client.get("/admin/moderation").await;
    page.assert_status(200);
    let older = page
        .body
        .find("Senior Rust Engineer (m/w/d)")
        .expect("older job listed");
    let newer = page
        .body
        .find("Go Developer URGENT!!!")
        .expect("newer job listed");
    assert!(older < newer, "the oldest submission must come first");
    // An existing company found by its name in another case, with a look-alike job.
    page.assert_contains("Possible duplicate");
    page.assert_contains("href=\"/jobs/senior-rust-engineer\"");
    page.assert_contains("Acme Software");
    page.assert_contains("jobs@acme.example");
    page.assert_contains("3 hours ago");
    // The new company's job, with the linter's error and warning.
    page.assert_contains("new company");
    page.assert_contains("must not say");
    page.assert_contains("No salary is given");
    // The menu counts what waits.
    page.assert_contains("Moderation <span class=\"nav-count\">2");
}

#[actix_web::test]
async fn approving_publishes_the_job_at_once_and_mails_its_address_and_a_manage_link() {
    let (app, client) = editor_app().await;
    let fields = posting("Platform Engineer", "Newco Logistics", "hr@newco.example");
    let (listing, id) = insert_pending(&app, &fields, Utc::now() - Days::hours(1), None);

    let review = client
        .get(&format!("/admin/moderation/submissions/{id}"))
        .await;
    review.assert_status(200);
    review.assert_contains("Review “Platform Engineer”");
    review.assert_contains("pair with a senior engineer");
    review.assert_contains("<p>We build the payment platform");

    let response = client.submit(&approve_path(id), &[]).await;
    response.assert_redirect("/admin/moderation");
    assert_eq!(state_of(&app, id), "approved");
    let job_id = listing_job(&app, listing).expect("the listing has its job");
    let slug: String = jobs::table
        .find(job_id)
        .select(jobs::slug)
        .first(&mut app.db.connect())
        .unwrap();
    // How long after the approval a visitor sees the job on /jobs (printed: the figure
    // in the closing note); the catalog takes the change from PostgreSQL's notification.
    let approved_at = Instant::now();
    while !app.get("/jobs").await.body.contains("Platform Engineer") {
        assert!(
            approved_at.elapsed() < Duration::from_secs(10),
            "the approved job is not on /jobs after 10 s"
        );
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
    eprintln!(
        "approval to /jobs: {} ms",
        approved_at.elapsed().as_millis()
    );
    app.sync().await;
    assert!(
        within_a_second(&app, "/jobs", |b| b.contains("Platform Engineer")).await,
        "the approved job is not on /jobs within a second"
    );
    app.get(&format!("/jobs/{slug}"))
        .await
        .assert_contains("Newco Logistics");

    let mails = mails_to(&app, "hr@newco.example");
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (subject, text) = &mails[0];
    assert_eq!(subject, "Your job is live: Platform Engineer");
    assert!(
        text.contains(&format!("{}/jobs/{slug}", app.address)),
        "{text}"
    );
    assert!(text.contains(&format!("{}/manage/", app.address)), "{text}");
    let tokens: i64 = employer_manage_tokens::table
        .filter(employer_manage_tokens::listing_id.eq(listing))
        .count()
        .get_result(&mut app.db.connect())
        .unwrap();
    assert_eq!(tokens, 1);
    assert!(audit_actions(&app).contains(&"submission.approved".to_owned()));
}

#[actix_web::test]
async fn approving_an_edit_of_a_live_job_changes_that_job_and_keeps_its_address() {
    let (app, client) = editor_app().await;
    let job_id = app.insert(JobBuilder::new("Rust Engineer").description("The old text."));
    let mut fields = posting("Staff Rust Engineer", "Acme Software", "jobs@acme.example");
    fields.job.description = format!("{DESCRIPTION}\n\nA new paragraph about the team.");
    let (listing, id) = insert_pending(&app, &fields, Utc::now(), Some(job_id));

    let review = client
        .get(&format!("/admin/moderation/submissions/{id}"))
        .await;
    review.assert_status(200);
    review.assert_contains("Review the edit of “Staff Rust Engineer”");
    review.assert_contains("<del>Rust Engineer</del> → <ins>Staff Rust Engineer</ins>");
    review.assert_contains("<del>The old text.</del>");
    review.assert_contains("<ins>A new paragraph about the team.</ins>");

    client
        .submit(&approve_path(id), &[])
        .await
        .assert_redirect("/admin/moderation");
    assert_eq!(listing_job(&app, listing), Some(job_id));
    let (title, slug): (String, String) = jobs::table
        .find(job_id)
        .select((jobs::title, jobs::slug))
        .first(&mut app.db.connect())
        .unwrap();
    assert_eq!(title, "Staff Rust Engineer");
    assert_eq!(slug, "rust-engineer");
    let count: i64 = jobs::table
        .count()
        .get_result(&mut app.db.connect())
        .unwrap();
    assert_eq!(count, 1, "an edit must not create a second job");
    assert!(
        within_a_second(&app, "/jobs/rust-engineer", |b| b
            .contains("A new paragraph about the team."))
        .await
    );
    let mails = mails_to(&app, "jobs@acme.example");
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "Your changes are live: Staff Rust Engineer");
}

#[actix_web::test]
async fn a_job_whose_end_date_has_passed_is_not_approved_and_the_page_says_why() {
    let (app, client) = editor_app().await;
    let mut fields = posting("Platform Engineer", "Newco Logistics", "hr@newco.example");
    fields.job.valid_through = (Utc::now() - Days::days(2)).format("%Y-%m-%d").to_string();
    let (listing, id) = insert_pending(&app, &fields, Utc::now(), None);

    let response = client.submit(&approve_path(id), &[]).await;
    response.assert_status(422);
    response.assert_contains("cannot be approved as it is");
    response.assert_contains("The end date must not be in the past.");
    assert_eq!(state_of(&app, id), "pending");
    assert_eq!(listing_job(&app, listing), None);
    assert!(mails_to(&app, "hr@newco.example").is_empty());
}

#[actix_web::test]
async fn rejecting_and_asking_for_changes_mail_the_reason_or_note_and_a_manage_link() {
    let (app, client) = editor_app().await;
    let (_, rejected) = insert_pending(
        &app,
        &posting("Sales Manager", "Newco Logistics", "sales@newco.example"),
        Utc::now(),
        None,
    );
    let (_, changes) = insert_pending(
        &app,
        &posting("Platform Engineer", "Other GmbH", "hr@other.example"),
        Utc::now(),
        None,
    );

    // Without a reason nothing happens, and the note is kept.
    let response = client
        .submit(
            &format!("/admin/moderation/submissions/{rejected}/reject"),
            &[("reason", ""), ("note", "We list software roles only.")],
        )
        .await;
    response.assert_status(422);
    response.assert_contains("Choose the reason");
    response.assert_contains(">We list software roles only.</textarea>");
    assert_eq!(state_of(&app, rejected), "pending");

    client
        .submit(
            &format!("/admin/moderation/submissions/{rejected}/reject"),
            &[
                ("reason", "not_software"),
                ("note", "We list software roles only."),
            ],
        )
        .await
        .assert_redirect("/admin/moderation");
    assert_eq!(state_of(&app, rejected), "rejected");
    let mails = mails_to(&app, "sales@newco.example");
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "Your job ad was not accepted: Sales Manager");
    assert!(
        mails[0].1.contains("It is not a software development job"),
        "{}",
        mails[0].1
    );
    assert!(mails[0].1.contains("We list software roles only."));
    assert!(mails[0].1.contains(&format!("{}/manage/", app.address)));

    // Asking for changes needs a note.
    let response = client
        .submit(
            &format!("/admin/moderation/submissions/{changes}/changes"),
            &[("note", "   ")],
        )
        .await;
    response.assert_status(422);
    response.assert_contains("Write what the employer should change.");
    client
        .submit(
            &format!("/admin/moderation/submissions/{changes}/changes"),
            &[("note", "Please name the salary range.")],
        )
        .await
        .assert_redirect("/admin/moderation");
    assert_eq!(state_of(&app, changes), "changes_requested");
    let mails = mails_to(&app, "hr@other.example");
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "Please change your job ad: Platform Engineer");
    assert!(mails[0].1.contains("Please name the salary range."));
    assert!(mails[0].1.contains(&format!("{}/manage/", app.address)));

    let actions = audit_actions(&app);
    assert!(
        actions.contains(&"submission.rejected".to_owned()),
        "{actions:?}"
    );
    assert!(actions.contains(&"submission.changes_requested".to_owned()));
    assert!(
        client
            .get("/admin/moderation")
            .await
            .body
            .contains("No posted job is waiting")
    );
}

#[actix_web::test]
async fn a_second_decision_answers_409_says_who_decided_and_changes_nothing() {
    let (app, client) = editor_app().await;
    let (other, _) = app.signed_in("kai@example.org", Role::Editor).await;
    let (_, id) = insert_pending(
        &app,
        &posting("Platform Engineer", "Newco Logistics", "hr@newco.example"),
        Utc::now(),
        None,
    );
    client
        .submit(&approve_path(id), &[])
        .await
        .assert_redirect("/admin/moderation");

    for (path, fields) in [
        (approve_path(id), vec![]),
        (
            format!("/admin/moderation/submissions/{id}/reject"),
            vec![("reason", "spam"), ("note", "")],
        ),
        (
            format!("/admin/moderation/submissions/{id}/changes"),
            vec![("note", "Change it")],
        ),
    ] {
        let response = other.submit(&path, &fields).await;
        response.assert_status(409);
        response.assert_contains("this submission was decided already");
        response.assert_contains("Approved by jana");
    }
    assert_eq!(state_of(&app, id), "approved");
    assert_eq!(mails_to(&app, "hr@newco.example").len(), 1);
    assert_eq!(
        audit_actions(&app)
            .iter()
            .filter(|a| a.starts_with("submission."))
            .count(),
        1
    );
    // The review page of a decided submission offers no decision.
    let review = other
        .get(&format!("/admin/moderation/submissions/{id}"))
        .await;
    review.assert_status(200);
    review.assert_lacks("Approve and publish");
}

#[actix_web::test]
async fn moderation_needs_a_signed_in_editor_and_a_csrf_token() {
    let (app, client) = editor_app().await;
    let (_, id) = insert_pending(
        &app,
        &posting("Platform Engineer", "Newco Logistics", "hr@newco.example"),
        Utc::now(),
        None,
    );
    let anonymous = app.admin_client();
    anonymous
        .get("/admin/moderation")
        .await
        .assert_sign_in_redirect();
    anonymous
        .get(&format!("/admin/moderation/submissions/{id}"))
        .await
        .assert_sign_in_redirect();
    anonymous
        .post(&approve_path(id), &[])
        .await
        .assert_status(401);
    // Signed in, but without the form's token.
    client.post(&approve_path(id), &[]).await.assert_status(403);
    client
        .post(&approve_path(id), &[("csrf", "0".repeat(64).as_str())])
        .await
        .assert_status(403);
    assert_eq!(state_of(&app, id), "pending");
    assert!(mails_to(&app, "hr@newco.example").is_empty());
}

// ---------------------------------------------------------------------------------------
// Reports

/// Posts the public report form of `slug` as a browser on this site would.
async fn report(app: &TestApp, slug: &str, fields: &[(&str, &str)]) -> Page {
    let mut response = app
        .client
        .post(format!("{}/jobs/{slug}/report", app.address))
        .insert_header(("origin", app.address.as_str()))
        .content_type("application/x-www-form-urlencoded")
        .send_body(serde_urlencoded::to_string(fields).unwrap())
        .await
        .expect("POST report");
    let body = response.body().await.expect("body");
    Page {
        status: response.status().as_u16(),
        headers: response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn open_reports(app: &TestApp) -> Vec<(i64, Option<String>)> {
    job_reports::table
        .order(job_reports::id.asc())
        .select((job_reports::id, job_reports::resolution))
        .load(&mut app.db.connect())
        .unwrap()
}

#[actix_web::test]
async fn a_report_reaches_the_queue_and_closing_the_job_settles_every_report_about_it() {
    let (app, client) = editor_app().await;
    let job_id = app.insert(JobBuilder::new("Rust Engineer"));
    app.insert(JobBuilder::new("Go Engineer"));

    let job_page = app.get("/jobs/rust-engineer").await;
    job_page.assert_contains("href=\"/jobs/rust-engineer/report\"");
    let form = app.get("/jobs/rust-engineer/report").await;
    assert_eq!(form.status, 200);
    form.assert_contains("<meta name=\"robots\" content=\"noindex");
    assert_eq!(form.header("x-robots-tag"), Some("noindex"));
    form.assert_contains("It looks like a scam or asks for money");

    let sent = report(
        &app,
        "rust-engineer",
        &[
            ("reason", "scam"),
            ("details", "They ask for a fee to apply."),
        ],
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(
        sent.header("location"),
        Some("/jobs/rust-engineer/report/sent")
    );
    let thanks = app.get("/jobs/rust-engineer/report/sent").await;
    assert_eq!(thanks.status, 200);
    thanks.assert_contains("Thank you for your report");
    assert_eq!(thanks.header("x-robots-tag"), Some("noindex"));
    assert_eq!(
        report(&app, "rust-engineer", &[("reason", "expired")])
            .await
            .status,
        303
    );

    let queue = client.get("/admin/moderation").await;
    queue.assert_contains("It looks like a scam or asks for money");
    queue.assert_contains("They ask for a fee to apply.");
    let first = open_reports(&app)[0].0;

    client
        .submit(&format!("/admin/moderation/reports/{first}/close-job"), &[])
        .await
        .assert_redirect("/admin/moderation");
    let status: String = jobs::table
        .find(job_id)
        .select(jobs::status)
        .first(&mut app.db.connect())
        .unwrap();
    assert_eq!(status, JobStatus::Closed.as_str());
    assert!(
        open_reports(&app)
            .iter()
            .all(|(_, r)| r.as_deref() == Some("job_closed")),
        "{:?}",
        open_reports(&app)
    );
    app.sync().await;
    assert!(
        within_a_second(&app, "/jobs", |b| !b.contains("Rust Engineer")
            && b.contains("Go Engineer"))
        .await,
        "the closed job is still on /jobs"
    );
    assert!(audit_actions(&app).contains(&"report.job_closed".to_owned()));
    client
        .get("/admin/moderation")
        .await
        .assert_contains("No open report");
    // A closed job takes no more reports; an unknown one was never there.
    assert_eq!(app.get("/jobs/rust-engineer/report").await.status, 410);
    assert_eq!(app.get("/jobs/no-such-job/report").await.status, 404);
}

#[actix_web::test]
async fn a_dismissed_report_leaves_the_job_open() {
    let (app, client) = editor_app().await;
    let job_id = app.insert(JobBuilder::new("Rust Engineer"));
    assert_eq!(
        report(&app, "rust-engineer", &[("reason", "other")])
            .await
            .status,
        303
    );
    let id = open_reports(&app)[0].0;
    client
        .submit(&format!("/admin/moderation/reports/{id}/dismiss"), &[])
        .await
        .assert_redirect("/admin/moderation");
    assert_eq!(open_reports(&app), vec![(id, Some("dismissed".to_owned()))]);
    let status: String = jobs::table
        .find(job_id)
        .select(jobs::status)
        .first(&mut app.db.connect())
        .unwrap();
    assert_eq!(status, "published");
    assert!(audit_actions(&app).contains(&"report.dismissed".to_owned()));
    // Settling it again changes nothing and says so.
    let again = client
        .submit(&format!("/admin/moderation/reports/{id}/close-job"), &[])
        .await;
    again.assert_redirect("/admin/moderation");
    client
        .get("/admin/moderation")
        .await
        .assert_contains("this report was settled already");
    let status: String = jobs::table
        .find(job_id)
        .select(jobs::status)
        .first(&mut app.db.connect())
        .unwrap();
    assert_eq!(status, "published");
}

#[actix_web::test]
async fn more_reports_than_the_hourly_limit_answer_429_with_retry_after() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust Engineer"));
    let limit = jobboard::domain::employer::REPORTS_PER_CLIENT_PER_HOUR;
    for _ in 0..limit {
        assert_eq!(
            report(&app, "rust-engineer", &[("reason", "misleading")])
                .await
                .status,
            303
        );
    }
    let refused = report(&app, "rust-engineer", &[("reason", "misleading")]).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    let retry: u64 = refused
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((3_500..=3_600).contains(&retry), "{retry}");
    refused.assert_contains("Too many requests");
    refused.assert_contains("Go to the home page");
    assert_eq!(open_reports(&app).len() as i64, limit);
}

#[actix_web::test]
async fn an_invalid_report_answers_422_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust Engineer"));

    let page = report(&app, "rust-engineer", &[("details", "Fake <b>company</b>")]).await;
    assert_eq!(page.status, 422);
    page.assert_contains("Choose what is wrong with the job.");
    page.assert_contains(">Fake &#60;b&#62;company&#60;/b&#62;</textarea>");
    page.assert_contains("href=\"#reason\"");

    let long = "x".repeat(2001);
    let page = report(
        &app,
        "rust-engineer",
        &[("reason", "scam"), ("details", &long)],
    )
    .await;
    assert_eq!(page.status, 422);
    page.assert_contains("at most 2000 characters");
    page.assert_contains("value=\"scam\" checked");
    page.assert_contains(&format!(">{long}</textarea>"));
    page.assert_contains("aria-invalid=\"true\"");
    assert!(open_reports(&app).is_empty());
}

// ---------------------------------------------------------------------------------------
// The timer

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count_mails(app: &TestApp, to: &str, subject_like: &str) -> i64 {
    let row: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM mail_outbox WHERE to_address = $1 AND subject LIKE $2",
    )
    .bind::<Text, _>(to)
    .bind::<Text, _>(subject_like)
    .get_result(&mut app.db.connect())
    .unwrap();
    row.n
}

async fn wait_for_mail(app: &TestApp, to: &str, subject_like: &str) {
    let started = Instant::now();
    while count_mails(app, to, subject_like) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no {subject_like:?} mail to {to} within 10 s"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn the_reminder_and_the_ended_notice_go_out_once_with_two_instances_running() {
    let db = TestDatabase::new();
    let settings = [("JOB_NOTICE_INTERVAL", "1")];
    let app = spawn_app_with(db.url(), db, &settings).await;
    let second = spawn_instance_with(&app, &settings).await;
    basic_fixtures(&app);
    let job_id = app.insert(JobBuilder::new("Rust Engineer"));
    let other = app.insert(JobBuilder::new("Go Engineer"));
    let mut conn = app.conn();
    // One job ends in two days (reminder due); another in ten (nothing due yet).
    diesel::sql_query(
        "UPDATE jobs SET valid_through = now() + CASE WHEN id = $1 THEN interval '2 days' ELSE interval '10 days' END",
    )
    .bind::<BigInt, _>(job_id)
    .execute(&mut conn)
    .unwrap();
    diesel::sql_query(
        "INSERT INTO employer_listings (contact_email, confirm_expires_at, confirmed_at, ends_at, job_id) \
         VALUES ('hr@acme.example', now(), now(), now() + interval '2 days', $1), \
                ('later@acme.example', now(), now(), now() + interval '10 days', $2)",
    )
    .bind::<BigInt, _>(job_id)
    .bind::<BigInt, _>(other)
    .execute(&mut conn)
    .unwrap();

    wait_for_mail(&app, "hr@acme.example", "Your job ad ends soon:%").await;
    // Both timers run every second: give each several more rounds.
    actix_web::rt::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        count_mails(&app, "hr@acme.example", "Your job ad ends soon:%"),
        1
    );
    assert_eq!(count_mails(&app, "hr@acme.example", "%"), 1);
    assert_eq!(count_mails(&app, "later@acme.example", "%"), 0);
    let (_, text) = &mails_to(&app, "hr@acme.example")[0];
    assert!(text.contains("/manage/"), "{text}");

    // The job reaches its end: one "ended" notice, and no second reminder.
    diesel::sql_query("UPDATE jobs SET valid_through = now() - interval '1 minute' WHERE id = $1")
        .bind::<BigInt, _>(job_id)
        .execute(&mut conn)
        .unwrap();
    wait_for_mail(&app, "hr@acme.example", "Your job ad has ended:%").await;
    actix_web::rt::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        count_mails(&app, "hr@acme.example", "Your job ad has ended:%"),
        1
    );
    assert_eq!(
        count_mails(&app, "hr@acme.example", "Your job ad ends soon:%"),
        1
    );
    let links: i64 = employer_manage_tokens::table
        .count()
        .get_result(&mut app.db.connect())
        .unwrap();
    assert_eq!(links, 2, "each notice carries a manage link of its own");
    drop(second);
}
