//! Employers post jobs without an account: the form and its preview with the submission
//! checks, 422 with every input kept, the confirmation e-mail (double opt-in) through a
//! real SMTP server, the defences against scripts and floods, and the private manage
//! link: status, views, edits that wait for review, closing and extending.

use crate::helpers::{
    AdminClient, AdminResponse, SmtpServer, TestApp, TestDatabase, basic_fixtures, form_value,
    html_unescape, spawn_app, spawn_app_with,
};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use jobboard::domain::employer::SubmissionState;
use jobboard::repo;
use jobboard::views::admin::FormErrors;
use jobboard::web::auth::{random_token, token_hash};
use jobboard::web::posting::{self, PostingFields};

pub(crate) const EMPLOYER: &str = "hiring@nordlicht.example";

fn description() -> String {
    "## The work\n\nYou build the services that route parcels across Europe: Rust on the \
     backend, PostgreSQL for the data, and a small team that reviews every change together. \
     You own features from the first sketch to the dashboards that show them in production.\n\n\
     ## The team\n\nSix engineers in Berlin and remote, a product manager and a designer. \
     We ship every day and keep meetings short.\n\n## Hiring\n\nA call, a paid take-home \
     task of three hours, and a conversation with the team."
        .to_owned()
}

/// A complete, valid ad from a company new to the board.
pub(crate) fn ad(title: &str) -> Vec<(String, String)> {
    let end = (Utc::now() + Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    [
        ("company_name", "Nordlicht Logistics"),
        ("company_city", "Berlin"),
        ("company_website", "https://nordlicht.example"),
        ("company_size", "51-200"),
        ("company_about", "Parcel routing software."),
        ("title", title),
        ("description", &description()),
        ("technologies", "rust"),
        ("seniority", "senior"),
        ("employment_type", "full_time"),
        ("remote_policy", "hybrid"),
        ("city", "Berlin"),
        ("remote_countries", ""),
        ("salary_min", "70000"),
        ("salary_max", "90000"),
        ("salary_currency", "EUR"),
        ("salary_period", "year"),
        ("apply", "https://nordlicht.example/jobs/rust"),
        ("valid_through", &end),
        ("contact_email", EMPLOYER),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

pub(crate) fn with(
    mut fields: Vec<(String, String)>,
    name: &str,
    value: &str,
) -> Vec<(String, String)> {
    fields.retain(|(k, _)| k != name);
    fields.push((name.to_owned(), value.to_owned()));
    fields
}

pub(crate) async fn post(
    client: &AdminClient,
    path: &str,
    fields: &[(String, String)],
) -> AdminResponse {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(path, &pairs).await
}

/// The form's signed start time, as a browser sends it back.
async fn started(client: &AdminClient) -> String {
    let form = client.get("/post-a-job").await;
    form_value(&form.body, "started").expect("the form has a start time")
}

/// Sends an ad for real (action=submit); the response.
pub(crate) async fn send(client: &AdminClient, fields: Vec<(String, String)>) -> AdminResponse {
    let started = started(client).await;
    let fields = with(with(fields, "started", &started), "action", "submit");
    post(client, "/post-a-job", &fields).await
}

async fn app_with_fixtures() -> TestApp {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app
}

fn count(app: &TestApp, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(sql)
        .get_result::<N>(&mut app.conn())
        .expect("count")
        .n
}

/// (subject, text) of every message queued for `to`, oldest first.
pub(crate) fn mails_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    #[derive(QueryableByName)]
    struct M {
        #[diesel(sql_type = Text)]
        subject: String,
        #[diesel(sql_type = Text)]
        text_body: String,
    }
    diesel::sql_query(
        "SELECT subject, text_body FROM mail_outbox WHERE to_address = $1 ORDER BY id",
    )
    .bind::<Text, _>(to)
    .load::<M>(&mut app.conn())
    .expect("outbox")
    .into_iter()
    .map(|m| (m.subject, m.text_body))
    .collect()
}

/// The path of the first link in `text` that starts with `base` + `prefix`.
pub(crate) fn link(text: &str, base: &str, prefix: &str) -> String {
    let start = text
        .find(&format!("{base}{prefix}"))
        .unwrap_or_else(|| panic!("no {prefix} link in:\n{text}"));
    text[start + base.len()..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_owned()
}

fn submission_state(app: &TestApp) -> String {
    #[derive(QueryableByName)]
    struct S {
        #[diesel(sql_type = Text)]
        state: String,
    }
    diesel::sql_query("SELECT state FROM job_submissions ORDER BY id DESC LIMIT 1")
        .get_result::<S>(&mut app.conn())
        .expect("a submission")
        .state
}

/// Approves the newest pending submission the way the moderation page does; returns
/// the manage link's path and the job's slug.
pub(crate) fn approve_newest(app: &TestApp) -> (String, String) {
    let mut conn = app.conn();
    let item = repo::intake::queue(&mut conn, 100)
        .expect("queue")
        .pop()
        .expect("a pending submission");
    let fields = PostingFields::from_json(&item.submission.fields).expect("fields");
    let company = match item.job_id {
        Some(job_id) => {
            let company_id: i64 = jobboard::db::schema::jobs::table
                .find(job_id)
                .select(jobboard::db::schema::jobs::company_id)
                .first(&mut conn)
                .unwrap();
            Some(repo::admin_companies::find(&mut conn, company_id).unwrap())
        }
        None => repo::intake::company_by_name(&mut conn, &fields.company_name).unwrap(),
    };
    let technologies = repo::technologies::all(&mut conn).unwrap();
    let mut errors = FormErrors::default();
    let valid = posting::validate(
        &fields,
        company.as_ref(),
        &technologies,
        Utc::now(),
        &mut errors,
    )
    .unwrap_or_else(|| panic!("the stored ad is valid: {errors:?}"));
    let token = random_token();
    let entry = jobboard::domain::audit::AuditEntry {
        editor_id: None,
        editor_email: "test".into(),
        action: jobboard::domain::audit::AuditAction::SubmissionApproved,
        subject_type: "job",
        subject_id: None,
        summary: String::new(),
        client_addr: String::new(),
    };
    let approved = repo::intake::approve(
        &mut conn,
        entry,
        item.submission.id,
        valid.company,
        &valid.content,
        &token_hash(&token),
        Utc::now(),
        |job| {
            Ok(jobboard::views::employer_mail::approved(
                &job.contact_email,
                &valid.content.title,
                format!("https://example/jobs/{}", job.slug),
                format!("https://example/manage/{token}"),
                item.job_id.is_some(),
            )
            .unwrap())
        },
    )
    .expect("approved");
    (format!("/manage/{token}"), approved.slug)
}

/// An ad sent and confirmed (through the pages and the outbox), waiting for review.
pub(crate) async fn confirmed_ad(app: &TestApp, client: &AdminClient, title: &str) {
    send(client, ad(title))
        .await
        .assert_redirect("/post-a-job/sent");
    let (_, text) = mails_to(app, EMPLOYER)
        .pop()
        .expect("the confirmation mail");
    let path = link(&text, &app.address, "/post-a-job/confirm/");
    post(client, &path, &[]).await.assert_status(200);
    assert_eq!(submission_state(app), "pending");
}

#[actix_web::test]
async fn the_header_links_the_form_which_needs_no_account_and_stays_private() {
    let app = app_with_fixtures().await;
    app.get("/").await.assert_contains("href=\"/post-a-job\"");
    let form = app.get("/post-a-job").await;
    assert_eq!(form.status, 200);
    form.assert_contains("name=\"company_name\"");
    form.assert_contains("name=\"contact_email\"");
    form.assert_contains("value=\"rust\"");
    // The honeypot is there for scripts, hidden from people and screen readers.
    form.assert_contains("class=\"hp\" aria-hidden=\"true\"");
    assert_eq!(form.header("cache-control"), Some("no-store"));
    assert!(form.header("x-robots-tag").unwrap().contains("noindex"));
    // No warnings before anything was typed.
    form.assert_lacks("field__warning");
}

#[actix_web::test]
async fn the_preview_shows_the_ad_as_its_page_will_with_the_checks_and_stores_nothing() {
    let app = app_with_fixtures().await;
    let client = AdminClient::new(&app.address);
    let fields = with(
        with(ad("Senior Rust Engineer"), "salary_min", ""),
        "salary_max",
        "",
    );
    let preview = post(&client, "/post-a-job", &with(fields, "action", "preview")).await;
    preview.assert_status(200);
    preview.assert_contains("Preview of your job ad");
    preview.assert_contains("<h1 class=\"job__title\">Senior Rust Engineer</h1>");
    preview.assert_contains("Nordlicht Logistics is new to the board");
    preview.assert_contains("No salary is given");
    // Every field travels on in hidden inputs.
    preview.assert_contains(
        "type=\"hidden\" name=\"contact_email\" value=\"hiring@nordlicht.example\"",
    );
    preview.assert_contains("type=\"hidden\" name=\"technologies\" value=\"rust\"");
    preview.assert_contains("value=\"submit\"");
    // The preview is not a page of the board.
    preview.assert_lacks(
        "application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"JobPosting\"",
    );
    assert_eq!(count(&app, "SELECT count(*) AS n FROM job_submissions"), 0);
    assert!(mails_to(&app, EMPLOYER).is_empty());
    // "Change the ad" goes back to the form with every input.
    let back = post(
        &client,
        "/post-a-job",
        &with(ad("Senior Rust Engineer"), "action", "edit"),
    )
    .await;
    back.assert_status(200);
    assert_eq!(
        form_value(&back.body, "title").as_deref(),
        Some("Senior Rust Engineer")
    );
    assert_eq!(
        form_value(&back.body, "company_city").as_deref(),
        Some("Berlin")
    );
}

#[actix_web::test]
async fn each_blocking_check_answers_422_by_its_field_with_every_input_kept() {
    let app = app_with_fixtures().await;
    let client = AdminClient::new(&app.address);
    let cases: Vec<(Vec<(String, String)>, &str)> = vec![
        (
            with(ad("Rust Engineer 80k EUR"), "x", ""),
            "must not contain a salary",
        ),
        (
            with(ad("URGENT!!! Rust Engineer"), "x", ""),
            "must not say \"urgent\"",
        ),
        (
            with(ad("SENIOR RUST ENGINEER"), "x", ""),
            "capital letters only",
        ),
        (
            with(ad("Rust Engineer jobs@nordlicht.example"), "x", ""),
            "must not contain an e-mail address",
        ),
        (
            with(ad("Rust Engineer +49 30 1234567"), "x", ""),
            "must not contain a phone number",
        ),
        (
            with(
                with(ad("Rust Engineer"), "remote_policy", "remote"),
                "city",
                "",
            ),
            "must name the countries",
        ),
        (
            with(
                ad("Rust Engineer"),
                "apply",
                "http://nordlicht.example/apply",
            ),
            "must be an https:// address",
        ),
        (
            with(ad("Rust Engineer"), "contact_email", "not an address"),
            "Enter your e-mail address",
        ),
        (
            with(ad("Rust Engineer"), "company_size", ""),
            "Choose the company&#x27;s size",
        ),
        (
            with(
                ad("Rust Engineer"),
                "valid_through",
                &(Utc::now() + Duration::days(120))
                    .format("%Y-%m-%d")
                    .to_string(),
            ),
            "at most 90 days",
        ),
    ];
    for (fields, message) in cases {
        let title = fields.iter().find(|(k, _)| k == "title").unwrap().1.clone();
        let page = post(&client, "/post-a-job", &with(fields, "action", "preview")).await;
        assert_eq!(page.status, 422, "{message}");
        assert!(
            html_unescape(&page.body).contains(&html_unescape(message)),
            "no “{message}” in the 422 page"
        );
        page.assert_contains("aria-invalid=\"true\"");
        // The inputs come back as typed.
        assert_eq!(
            form_value(&page.body, "title").map(|t| html_unescape(&t)),
            Some(title)
        );
        assert!(
            page.body
                .contains("You build the services that route parcels")
        );
        assert_eq!(
            form_value(&page.body, "company_name").as_deref(),
            Some("Nordlicht Logistics")
        );
    }
    // The warnings alone do not block: a short description without technologies previews.
    let thin = with(
        with(ad("Rust Engineer"), "description", "Rust work in Berlin."),
        "technologies",
        "",
    )
    .into_iter()
    .filter(|(k, v)| k != "technologies" || !v.is_empty())
    .collect::<Vec<_>>();
    let preview = post(&client, "/post-a-job", &with(thin, "action", "preview")).await;
    preview.assert_status(200);
    preview.assert_contains("shorter than 400 characters");
    preview.assert_contains("No technologies are chosen");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM job_submissions"), 0);
}

#[actix_web::test]
async fn an_existing_company_is_picked_by_its_name_without_its_details() {
    let app = app_with_fixtures().await;
    let client = AdminClient::new(&app.address);
    let fields: Vec<(String, String)> = ad("Go Developer")
        .into_iter()
        .filter(|(k, _)| !k.starts_with("company_") || k == "company_name")
        .collect();
    let preview = post(
        &client,
        "/post-a-job",
        &with(
            with(fields, "company_name", "acme software"),
            "action",
            "preview",
        ),
    )
    .await;
    preview.assert_status(200);
    preview.assert_contains("listed under Acme Software, a company already on the board");
    preview.assert_contains("href=\"/companies/acme\"");
}

#[actix_web::test]
async fn a_sent_ad_waits_for_the_confirmation_link_from_a_real_mail_server() {
    let smtp = SmtpServer::start();
    let db = TestDatabase::new();
    let url = smtp.url();
    let app = spawn_app_with(db.url(), db, &[("SMTP_URL", &url)]).await;
    basic_fixtures(&app);
    let client = AdminClient::new(&app.address);
    send(&client, ad("Senior Rust Engineer"))
        .await
        .assert_redirect("/post-a-job/sent");
    client
        .get("/post-a-job/sent")
        .await
        .assert_contains("Check your inbox");
    assert_eq!(submission_state(&app), "unconfirmed");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM jobs WHERE title = 'Senior Rust Engineer'"
        ),
        0
    );

    let mail = smtp
        .wait_for(1, std::time::Duration::from_secs(15))
        .await
        .remove(0);
    assert!(mail.contains(&format!("To: {EMPLOYER}")));
    assert!(mail.contains("Subject: Confirm your job ad: Senior Rust Engineer"));
    assert!(!mail.to_ascii_lowercase().contains("list-unsubscribe"));
    let unfolded = mail
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let path = link(&unfolded, &app.address, "/post-a-job/confirm/");

    // Opening the link asks for one click; a mail scanner's GET confirms nothing.
    let ask = client.get(&path).await;
    ask.assert_status(200);
    ask.assert_contains("Confirm and send for review");
    assert_eq!(submission_state(&app), "unconfirmed");

    let done = post(&client, &path, &[]).await;
    done.assert_status(200);
    done.assert_contains("your ad is in review");
    assert_eq!(submission_state(&app), "pending");

    // Reused: nothing changes, the page says so.
    let again = post(&client, &path, &[]).await;
    again.assert_status(200);
    again.assert_contains("already confirmed");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM job_submissions WHERE state = 'pending'"
        ),
        1
    );

    // A wrong token is unknown; an expired one says it expired.
    client
        .get(&format!("/post-a-job/confirm/{}", random_token()))
        .await
        .assert_status(404);
    send(&client, ad("Platform Engineer"))
        .await
        .assert_redirect("/post-a-job/sent");
    diesel::sql_query("UPDATE employer_listings SET confirm_expires_at = now() - interval '1 minute' WHERE confirmed_at IS NULL")
        .execute(&mut app.conn())
        .unwrap();
    let (_, text) = mails_to(&app, EMPLOYER).pop().unwrap();
    let expired = link(&text, &app.address, "/post-a-job/confirm/");
    let page = post(&client, &expired, &[]).await;
    page.assert_status(410);
    page.assert_contains("48 hours");
    assert_eq!(submission_state(&app), "unconfirmed");
}

#[actix_web::test]
async fn a_filled_honeypot_is_ignored_and_a_form_sent_too_fast_comes_back() {
    let app = app_with_fixtures().await;
    let client = AdminClient::new(&app.address);
    let trap = send(
        &client,
        with(ad("Rust Engineer"), "homepage", "http://spam.example"),
    )
    .await;
    trap.assert_redirect("/post-a-job/sent");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM job_submissions"), 0);
    assert!(mails_to(&app, EMPLOYER).is_empty());
    // A forged start time is no start time.
    let forged = post(
        &client,
        "/post-a-job",
        &with(
            with(ad("Rust Engineer"), "started", "1000.abcdef"),
            "action",
            "submit",
        ),
    )
    .await;
    forged.assert_status(422);
    forged.assert_contains("quicker than a person");

    let db = TestDatabase::new();
    let slow = spawn_app_with(db.url(), db, &[("SUBMIT_MIN_SECONDS", "60")]).await;
    basic_fixtures(&slow);
    let client = AdminClient::new(&slow.address);
    let page = send(&client, ad("Rust Engineer")).await;
    page.assert_status(422);
    page.assert_contains("quicker than a person");
    assert_eq!(
        form_value(&page.body, "title").as_deref(),
        Some("Rust Engineer")
    );
    assert_eq!(count(&slow, "SELECT count(*) AS n FROM job_submissions"), 0);
}

#[actix_web::test]
async fn an_address_sends_five_ads_a_day_and_a_client_twenty() {
    let app = app_with_fixtures().await;
    let client = AdminClient::new(&app.address);
    for n in 0..5 {
        send(&client, ad(&format!("Rust Engineer {n}")))
            .await
            .assert_redirect("/post-a-job/sent");
    }
    let sixth = send(&client, ad("Rust Engineer 6")).await;
    sixth.assert_status(429);
    assert!(sixth.header("retry-after").is_some());
    sixth.assert_contains("as many job ads as it can in a day");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM job_submissions"), 5);
    // Other addresses from the same client: twenty in all.
    for n in 5..20 {
        let other = format!("hr{n}@other.example");
        send(
            &client,
            with(ad(&format!("Go Developer {n}")), "contact_email", &other),
        )
        .await
        .assert_redirect("/post-a-job/sent");
    }
    send(
        &client,
        with(ad("Go Developer"), "contact_email", "late@other.example"),
    )
    .await
    .assert_status(429);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM job_submissions"), 20);
}

#[actix_web::test]
async fn the_manage_link_shows_the_ad_and_an_edit_of_a_live_ad_waits_for_review() {
    let app = app_with_fixtures().await;
    let client = AdminClient::new(&app.address);
    confirmed_ad(&app, &client, "Senior Rust Engineer").await;
    let (manage, slug) = approve_newest(&app);
    app.sync().await;
    app.get(&format!("/jobs/{slug}"))
        .await
        .assert_contains("Senior Rust Engineer");
    let (subject, text) = mails_to(&app, EMPLOYER).pop().unwrap();
    assert_eq!(subject, "Your job is live: Senior Rust Engineer");
    assert!(text.contains("/manage/"));

    let page = client.get(&manage).await;
    page.assert_status(200);
    page.assert_contains("Live");
    page.assert_contains(&format!("href=\"/jobs/{slug}\""));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));

    // The edit form is filled in; the company and address cannot change here.
    let form = client.get(&format!("{manage}/edit")).await;
    form.assert_status(200);
    assert_eq!(
        form_value(&form.body, "title").as_deref(),
        Some("Senior Rust Engineer")
    );
    form.assert_lacks("name=\"company_name\"");
    form.assert_lacks("name=\"contact_email\"");
    let edited = with(
        with(ad("Staff Rust Engineer"), "action", "submit"),
        "contact_email",
        "attacker@evil.example",
    );
    post(&client, &format!("{manage}/edit"), &edited)
        .await
        .assert_redirect(&format!("{manage}?done=sent"));
    client
        .get(&format!("{manage}?done=sent"))
        .await
        .assert_contains("wait for review");
    // The live ad is unchanged until an editor approves.
    app.get(&format!("/jobs/{slug}"))
        .await
        .assert_contains("Senior Rust Engineer");
    assert_eq!(submission_state(&app), SubmissionState::Pending.as_str());
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM job_submissions WHERE contact_email = 'attacker@evil.example'"
        ),
        0
    );
    let (_, same_slug) = approve_newest(&app);
    assert_eq!(same_slug, slug);
    app.sync().await;
    app.get(&format!("/jobs/{slug}"))
        .await
        .assert_contains("Staff Rust Engineer");

    // A wrong token is a 404; so is a link 30 days after the end.
    client
        .get(&format!("/manage/{}", random_token()))
        .await
        .assert_status(404);
    client.get("/manage/not-a-token").await.assert_status(404);
    diesel::sql_query("UPDATE employer_listings SET ends_at = now() - interval '31 days'")
        .execute(&mut app.conn())
        .unwrap();
    client.get(&manage).await.assert_status(404);
}

#[actix_web::test]
async fn an_employer_closes_the_ad_early_or_extends_it_once_by_thirty_days() {
    let app = app_with_fixtures().await;
    let client = AdminClient::new(&app.address);
    confirmed_ad(&app, &client, "Senior Rust Engineer").await;
    let (manage, slug) = approve_newest(&app);
    app.sync().await;
    let before: chrono::DateTime<Utc> = jobboard::db::schema::jobs::table
        .filter(jobboard::db::schema::jobs::slug.eq(&slug))
        .select(jobboard::db::schema::jobs::valid_through)
        .first(&mut app.conn())
        .unwrap();
    post(&client, &format!("{manage}/extend"), &[])
        .await
        .assert_redirect(&format!("{manage}?done=extended"));
    let after: chrono::DateTime<Utc> = jobboard::db::schema::jobs::table
        .filter(jobboard::db::schema::jobs::slug.eq(&slug))
        .select(jobboard::db::schema::jobs::valid_through)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(after - before, Duration::days(30));
    // Never beyond 90 days from now.
    post(&client, &format!("{manage}/extend"), &[]).await;
    post(&client, &format!("{manage}/extend"), &[]).await;
    let capped: chrono::DateTime<Utc> = jobboard::db::schema::jobs::table
        .filter(jobboard::db::schema::jobs::slug.eq(&slug))
        .select(jobboard::db::schema::jobs::valid_through)
        .first(&mut app.conn())
        .unwrap();
    assert!(capped <= Utc::now() + Duration::days(90));
    client.get(&manage).await.assert_lacks("Extend by 30 days");

    post(&client, &format!("{manage}/close"), &[])
        .await
        .assert_redirect(&format!("{manage}?done=closed"));
    app.sync().await;
    app.get(&format!("/jobs/{slug}"))
        .await
        .assert_contains("no longer accepting applications");
    let jobs = app.get("/jobs").await;
    jobs.assert_lacks(&format!("/jobs/{slug}\""));
    client.get(&manage).await.assert_contains("Closed");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) AS n FROM audit_log WHERE action IN ('employer.job_closed', 'employer.job_extended')"
        ),
        // Two extensions (the second up to the limit; the third refused) and the close.
        3
    );
}

#[actix_web::test]
async fn asking_for_the_links_again_answers_the_same_for_known_and_unknown_addresses() {
    let app = app_with_fixtures().await;
    let client = AdminClient::new(&app.address);
    confirmed_ad(&app, &client, "Senior Rust Engineer").await;
    approve_newest(&app);
    let mails_before = mails_to(&app, EMPLOYER).len();

    let known = post(&client, "/manage", &[("email".into(), EMPLOYER.into())]).await;
    let unknown = post(
        &client,
        "/manage",
        &[("email".into(), "nobody@else.example".into())],
    )
    .await;
    known.assert_status(200);
    unknown.assert_status(200);
    assert_eq!(known.body, unknown.body);
    known.assert_contains("If this address has job ads with us");

    let mails = mails_to(&app, EMPLOYER);
    assert_eq!(mails.len(), mails_before + 1);
    let (subject, text) = mails.last().unwrap();
    assert_eq!(subject, "Your link to manage your job ad");
    let fresh = link(text, &app.address, "/manage/");
    client
        .get(&fresh)
        .await
        .assert_contains("Senior Rust Engineer");
    assert!(mails_to(&app, "nobody@else.example").is_empty());

    let bad = post(&client, "/manage", &[("email".into(), "nope".into())]).await;
    bad.assert_status(422);
    assert_eq!(form_value(&bad.body, "email").as_deref(), Some("nope"));
    // Three an hour per address.
    post(&client, "/manage", &[("email".into(), EMPLOYER.into())])
        .await
        .assert_status(200);
    post(&client, "/manage", &[("email".into(), EMPLOYER.into())])
        .await
        .assert_status(200);
    post(&client, "/manage", &[("email".into(), EMPLOYER.into())])
        .await
        .assert_status(429);
}

#[actix_web::test]
async fn views_of_the_job_page_reach_the_manage_page() {
    let app = app_with_fixtures().await;
    let client = AdminClient::new(&app.address);
    confirmed_ad(&app, &client, "Senior Rust Engineer").await;
    let (manage, slug) = approve_newest(&app);
    app.sync().await;
    let reader = [(
        "user-agent",
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
    )];
    let robot = [("user-agent", "Mozilla/5.0 (compatible; Googlebot/2.1)")];
    app.get_with(&format!("/jobs/{slug}"), &reader)
        .await
        .assert_contains("Senior Rust Engineer");
    app.get_with(&format!("/jobs/{slug}"), &reader).await;
    app.get_with(&format!("/jobs/{slug}"), &robot).await;
    // Counts are written every few seconds, on the next view.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(5200)).await;
    app.get_with(&format!("/jobs/{slug}"), &reader).await;
    let started = std::time::Instant::now();
    loop {
        let views = count(&app, "SELECT views AS n FROM employer_listings");
        if views == 3 {
            break;
        }
        assert!(started.elapsed().as_secs() < 10, "views: {views}");
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    client
        .get(&manage)
        .await
        .assert_contains("<dt>Views</dt><dd>3</dd>");
}

#[actix_web::test]
async fn job_descriptions_drop_images_and_mark_links_as_user_content() {
    let app = app_with_fixtures().await;
    let client = AdminClient::new(&app.address);
    let text = format!(
        "{}\n\n![pixel](https://tracker.example/p.gif) See [our blog](https://nordlicht.example/blog).",
        description()
    );
    let preview = post(
        &client,
        "/post-a-job",
        &with(
            with(ad("Senior Rust Engineer"), "description", &text),
            "action",
            "preview",
        ),
    )
    .await;
    preview.assert_status(200);
    // The Markdown travels on in a hidden field; the page shows no image.
    preview.assert_lacks("<img");
    preview.assert_contains("rel=\"noopener noreferrer nofollow ugc\"");
}
