//! Editors manage jobs at `/admin/jobs` through the real app on a fresh database: a job
//! made in the form is public within a second, the submission linter's errors answer
//! 422 with every input kept while its warnings do not block, edits, closing, reopening
//! and deleting reach the public pages, and every change is in the audit trail.

use crate::helpers::{AdminClient, TestApp, basic_fixtures, form_value, spawn_app, textarea_value};
use chrono::{Duration as Days, Utc};
use diesel::prelude::*;
use jobboard::db::schema::{audit_log, companies, jobs};
use jobboard::domain::editor::Role;
use std::time::{Duration, Instant};

const DESCRIPTION: &str = "We build the payment platform for thousands of small shops in \
    Germany. You join a team of six engineers who own the checkout service end to end: \
    design, code review, deployment and on-call, with a budget for conferences and books. \
    The stack is Rust and PostgreSQL on Kubernetes; we deploy several times a day and keep \
    the build under ten minutes. You will pair with a senior engineer in your first weeks \
    and ship to production in your first month.";

/// The job form as an editor fills it in: every field, by name.
struct JobForm {
    fields: Vec<(&'static str, String)>,
}

impl JobForm {
    /// A complete, published job at `company_id` that the linter has nothing to say about.
    fn complete(title: &str, company_id: i64) -> Self {
        let until = (Utc::now() + Days::days(30)).format("%Y-%m-%d").to_string();
        Self {
            fields: vec![
                ("title", title.to_owned()),
                ("company", company_id.to_string()),
                ("description", DESCRIPTION.to_owned()),
                ("technologies", "rust".to_owned()),
                ("technologies", "postgresql".to_owned()),
                ("seniority", "senior".to_owned()),
                ("employment_type", "full_time".to_owned()),
                ("remote_policy", "onsite".to_owned()),
                ("city", "Berlin".to_owned()),
                ("remote_countries", String::new()),
                ("salary_min", "70000".to_owned()),
                ("salary_max", "90000".to_owned()),
                ("salary_currency", "EUR".to_owned()),
                ("salary_period", "year".to_owned()),
                ("apply", "https://acme.example/jobs/1".to_owned()),
                ("valid_through", until),
                ("status", "published".to_owned()),
            ],
        }
    }

    /// The same form with `name` set to `value` (every field of that name removed first).
    fn with(mut self, name: &'static str, value: &str) -> Self {
        self.fields.retain(|(n, _)| *n != name);
        self.fields.push((name, value.to_owned()));
        self
    }

    fn without(mut self, name: &'static str) -> Self {
        self.fields.retain(|(n, _)| *n != name);
        self
    }

    async fn submit(&self, client: &AdminClient, path: &str) -> crate::helpers::AdminResponse {
        let fields: Vec<(&str, &str)> = self.fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
        client.submit(path, &fields).await
    }
}

async fn editor_app() -> (TestApp, AdminClient, i64) {
    let app = spawn_app().await;
    basic_fixtures(&app);
    let (client, _) = app.signed_in("jana@example.org", Role::Editor).await;
    let company_id: i64 = companies::table
        .filter(companies::slug.eq("acme"))
        .select(companies::id)
        .first(&mut app.conn())
        .unwrap();
    (app, client, company_id)
}

/// The id in a `/admin/jobs/{id}/edit` redirect.
fn created_id(location: Option<&str>) -> i64 {
    location
        .and_then(|l| l.strip_prefix("/admin/jobs/"))
        .and_then(|l| l.strip_suffix("/edit"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not an edit page: {location:?}"))
}

fn slug_of(app: &TestApp, id: i64) -> String {
    jobs::table
        .find(id)
        .select(jobs::slug)
        .first(&mut app.conn())
        .unwrap()
}

fn audit_actions(app: &TestApp) -> Vec<(String, Option<i64>)> {
    audit_log::table
        .filter(audit_log::action.like("job.%"))
        .order(audit_log::id.asc())
        .select((audit_log::action, audit_log::subject_id))
        .load(&mut app.conn())
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

async fn create(client: &AdminClient, form: &JobForm) -> i64 {
    let response = form.submit(client, "/admin/jobs").await;
    assert_eq!(response.status, 303, "{}", response.body);
    created_id(response.location())
}

#[actix_web::test]
async fn a_job_created_in_the_form_is_on_jobs_within_a_second_and_audited() {
    let (app, client, company) = editor_app().await;
    let id = create(&client, &JobForm::complete("Senior Rust Engineer", company)).await;

    assert!(
        within_a_second(&app, "/jobs", |b| b.contains("Senior Rust Engineer")).await,
        "the new job is not on /jobs within a second"
    );
    let page = app.get(&format!("/jobs/{}", slug_of(&app, id))).await;
    assert_eq!(page.status, 200);
    page.assert_contains("Senior Rust Engineer");
    assert_eq!(
        audit_actions(&app),
        vec![("job.created".to_owned(), Some(id))]
    );
    let edit = client.get(&format!("/admin/jobs/{id}/edit")).await;
    edit.assert_status(200);
    assert_eq!(
        form_value(&edit.body, "title").as_deref(),
        Some("Senior Rust Engineer")
    );
}

#[actix_web::test]
async fn each_linter_error_answers_422_with_every_input_kept() {
    let (app, client, company) = editor_app().await;
    let cases: [(&str, &str, &str); 7] = [
        ("title", "Rust Engineer 80k", "must not contain a salary"),
        ("title", "Rust Engineer URGENT!!!", "must not say"),
        ("title", "SENIOR RUST ENGINEER", "capital letters only"),
        ("title", "Rust Engineer jobs@acme.example", "e-mail address"),
        ("title", "Rust Engineer +49 30 1234567", "phone number"),
        ("apply", "http://acme.example/jobs/1", "https://"),
        ("remote_policy", "remote", "must name the countries"),
    ];
    for (field, value, message) in cases {
        let form = JobForm::complete("Rust Engineer", company)
            .with(field, value)
            .with("city", "Hamburg");
        let response = form.submit(&client, "/admin/jobs").await;
        assert_eq!(response.status, 422, "{field}={value}: {}", response.body);
        response.assert_contains(message);
        response.assert_contains("aria-invalid=\"true\"");
        let expected_title = if field == "title" {
            value
        } else {
            "Rust Engineer"
        };
        assert_eq!(
            form_value(&response.body, "title").as_deref(),
            Some(expected_title)
        );
        assert_eq!(
            form_value(&response.body, "city").as_deref(),
            Some("Hamburg")
        );
        assert_eq!(
            form_value(&response.body, "salary_min").as_deref(),
            Some("70000")
        );
        assert_eq!(
            textarea_value(&response.body, "description").as_deref(),
            Some(DESCRIPTION)
        );
        response.assert_contains("value=\"rust\" checked");
    }
    let count: i64 = jobs::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(count, 0);
    assert!(audit_actions(&app).is_empty());
}

#[actix_web::test]
async fn an_end_date_more_than_90_days_ahead_is_refused() {
    let (_app, client, company) = editor_app().await;
    let far = (Utc::now() + Days::days(120))
        .format("%Y-%m-%d")
        .to_string();
    let response = JobForm::complete("Rust Engineer", company)
        .with("valid_through", &far)
        .submit(&client, "/admin/jobs")
        .await;
    response.assert_status(422);
    response.assert_contains("at most 90 days");
    assert_eq!(form_value(&response.body, "valid_through"), Some(far));
}

#[actix_web::test]
async fn warnings_are_shown_but_do_not_block_the_save() {
    let (_app, client, company) = editor_app().await;
    let form = JobForm::complete("Rust Engineer at Acme Software", company)
        .without("technologies")
        .with("salary_min", "")
        .with("salary_max", "")
        .with("description", "Write Rust with us.");
    let id = create(&client, &form).await;
    let edit = client.get(&format!("/admin/jobs/{id}/edit")).await;
    edit.assert_status(200);
    edit.assert_contains("4 warnings");
    edit.assert_contains("No salary is given");
    edit.assert_contains("No technologies are chosen");
    edit.assert_contains("shorter than 400 characters");
    edit.assert_contains("names the company");
    edit.assert_contains("aria-describedby=\"salary_min-hint salary_min-warning\"");
}

#[actix_web::test]
async fn an_edit_reaches_the_public_page_and_keeps_the_address() {
    let (app, client, company) = editor_app().await;
    let id = create(&client, &JobForm::complete("Rust Engineer", company)).await;
    let slug = slug_of(&app, id);
    let response = JobForm::complete("Staff Rust Engineer", company)
        .submit(&client, &format!("/admin/jobs/{id}"))
        .await;
    response.assert_redirect(&format!("/admin/jobs/{id}/edit"));
    assert_eq!(slug_of(&app, id), slug);
    assert!(
        within_a_second(&app, &format!("/jobs/{slug}"), |b| b
            .contains("Staff Rust Engineer"))
        .await
    );
    assert_eq!(
        audit_actions(&app),
        vec![
            ("job.created".to_owned(), Some(id)),
            ("job.updated".to_owned(), Some(id))
        ]
    );
}

#[actix_web::test]
async fn closing_takes_a_job_off_the_listings_and_reopening_brings_it_back() {
    let (app, client, company) = editor_app().await;
    let id = create(&client, &JobForm::complete("Rust Engineer", company)).await;
    assert!(within_a_second(&app, "/jobs", |b| b.contains("Rust Engineer")).await);

    client
        .submit(&format!("/admin/jobs/{id}/close"), &[])
        .await
        .assert_redirect(&format!("/admin/jobs/{id}/edit"));
    assert!(
        within_a_second(&app, "/jobs", |b| !b.contains("Rust Engineer")).await,
        "the closed job is still listed"
    );
    let closed = client.get("/admin/jobs?status=closed").await;
    closed.assert_contains("Rust Engineer");

    client
        .submit(&format!("/admin/jobs/{id}/reopen"), &[])
        .await
        .assert_redirect(&format!("/admin/jobs/{id}/edit"));
    assert!(within_a_second(&app, "/jobs", |b| b.contains("Rust Engineer")).await);
    let actions: Vec<String> = audit_actions(&app).into_iter().map(|(a, _)| a).collect();
    assert_eq!(actions, ["job.created", "job.closed", "job.reopened"]);
}

#[actix_web::test]
async fn a_deleted_job_answers_410_after_a_confirmation_page() {
    let (app, client, company) = editor_app().await;
    let id = create(&client, &JobForm::complete("Rust Engineer", company)).await;
    let slug = slug_of(&app, id);

    let confirm = client.get(&format!("/admin/jobs/{id}/delete")).await;
    confirm.assert_status(200);
    confirm.assert_contains("Delete for good");
    client
        .submit(&format!("/admin/jobs/{id}/delete"), &[])
        .await
        .assert_redirect("/admin/jobs");

    app.sync().await;
    assert_eq!(app.get(&format!("/jobs/{slug}")).await.status, 410);
    assert_eq!(
        client.get(&format!("/admin/jobs/{id}/edit")).await.status,
        404
    );
    let actions: Vec<String> = audit_actions(&app).into_iter().map(|(a, _)| a).collect();
    assert_eq!(actions, ["job.created", "job.deleted"]);
}

#[actix_web::test]
async fn the_list_filters_by_status_company_and_title() {
    let (app, client, company) = editor_app().await;
    app.company("nord", "Nordlicht Software", "Hamburg");
    let nord: i64 = companies::table
        .filter(companies::slug.eq("nord"))
        .select(companies::id)
        .first(&mut app.conn())
        .unwrap();
    create(&client, &JobForm::complete("Rust Engineer", company)).await;
    create(
        &client,
        &JobForm::complete("Go Developer", nord).with("status", "draft"),
    )
    .await;

    let all = client.get("/admin/jobs").await;
    all.assert_status(200);
    all.assert_contains("2 jobs");
    let drafts = client.get("/admin/jobs?status=draft").await;
    drafts.assert_contains("Go Developer");
    drafts.assert_lacks("Rust Engineer");
    let by_company = client.get("/admin/jobs?company=nordlicht").await;
    by_company.assert_contains("Go Developer");
    by_company.assert_lacks("Rust Engineer");
    let by_title = client.get("/admin/jobs?q=rust").await;
    by_title.assert_contains("Rust Engineer");
    by_title.assert_lacks("Go Developer");
}

#[actix_web::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let app = spawn_app().await;
    let anonymous = app.admin_client();
    for path in ["/admin/jobs", "/admin/jobs/new", "/admin/jobs/1/edit"] {
        let response = anonymous.get(path).await;
        assert_eq!(response.status, 303, "{path}");
        assert!(
            response
                .location()
                .is_some_and(|l| l.starts_with("/admin/login")),
            "{path}: {:?}",
            response.location()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Companies
// ---------------------------------------------------------------------------------------

fn company_fields<'a>(name: &'a str, city: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("name", name),
        ("city", city),
        ("website", "https://nordlicht.example"),
        ("size_band", "51-200"),
        ("about", "We make **logistics** software."),
    ]
}

fn company_id_from(location: Option<&str>) -> i64 {
    location
        .and_then(|l| l.strip_prefix("/admin/companies/"))
        .and_then(|l| l.strip_suffix("/edit"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a company edit page: {location:?}"))
}

#[actix_web::test]
async fn a_company_is_created_with_a_slug_from_its_name_and_edited() {
    let (app, client, _) = editor_app().await;
    let created = client
        .submit(
            "/admin/companies",
            &company_fields("Nordlicht Software", "Hamburg"),
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id = company_id_from(created.location());
    let page = app.get("/companies/nordlicht-software").await;
    assert_eq!(page.status, 200);
    page.assert_contains("Nordlicht Software");
    page.assert_contains("Hamburg");

    client
        .submit(
            &format!("/admin/companies/{id}"),
            &company_fields("Nordlicht Software", "Bremen"),
        )
        .await
        .assert_redirect(&format!("/admin/companies/{id}/edit"));
    app.sync().await;
    app.get("/companies/nordlicht-software")
        .await
        .assert_contains("Bremen");
    let list = client.get("/admin/companies?q=nordlicht").await;
    list.assert_contains("Nordlicht Software");
    list.assert_lacks("Acme Software");
    let actions: Vec<(String, Option<i64>)> = audit_log::table
        .filter(audit_log::action.like("company.%"))
        .order(audit_log::id.asc())
        .select((audit_log::action, audit_log::subject_id))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        actions,
        vec![
            ("company.created".to_owned(), Some(id)),
            ("company.updated".to_owned(), Some(id))
        ]
    );
}

#[actix_web::test]
async fn an_invalid_company_answers_422_with_every_input_kept() {
    let (app, client, _) = editor_app().await;
    let mut fields = company_fields("Nordlicht Software", "");
    fields.retain(|(n, _)| *n != "website");
    fields.push(("website", "nordlicht.example"));
    let response = client.submit("/admin/companies", &fields).await;
    response.assert_status(422);
    response.assert_contains("Enter the city");
    response.assert_contains("Enter the full address");
    assert_eq!(
        form_value(&response.body, "name").as_deref(),
        Some("Nordlicht Software")
    );
    assert_eq!(
        form_value(&response.body, "website").as_deref(),
        Some("nordlicht.example")
    );
    assert_eq!(
        textarea_value(&response.body, "about").as_deref(),
        Some("We make **logistics** software.")
    );
    let count: i64 = companies::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 1);
}

#[actix_web::test]
async fn a_company_with_jobs_is_not_deleted_and_one_without_is() {
    let (app, client, acme) = editor_app().await;
    create(
        &client,
        &JobForm::complete("Rust Engineer", acme).with("status", "closed"),
    )
    .await;
    let confirm = client.get(&format!("/admin/companies/{acme}/delete")).await;
    confirm.assert_status(200);
    confirm.assert_contains("cannot be deleted");
    let refused = client
        .submit(&format!("/admin/companies/{acme}/delete"), &[])
        .await;
    refused.assert_redirect(&format!("/admin/companies/{acme}/edit"));
    let after = client.get(&format!("/admin/companies/{acme}/edit")).await;
    after.assert_contains("was not deleted: it has 1 job");
    assert_eq!(app.get("/companies/acme").await.status, 200);

    let created = client
        .submit(
            "/admin/companies",
            &company_fields("Nordlicht Software", "Hamburg"),
        )
        .await;
    let id = company_id_from(created.location());
    client
        .submit(&format!("/admin/companies/{id}/delete"), &[])
        .await
        .assert_redirect("/admin/companies");
    app.sync().await;
    assert_eq!(app.get("/companies/nordlicht-software").await.status, 410);
    let deleted: i64 = audit_log::table
        .filter(audit_log::action.eq("company.deleted"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(deleted, 1);
}

#[actix_web::test]
async fn a_draft_published_later_is_posted_when_it_goes_public() {
    let (app, client, company) = editor_app().await;
    let id = create(
        &client,
        &JobForm::complete("Rust Engineer", company).with("status", "draft"),
    )
    .await;
    let posted_of = |app: &TestApp| -> chrono::DateTime<Utc> {
        jobs::table
            .find(id)
            .select(jobs::posted_at)
            .first(&mut app.db.connect())
            .unwrap()
    };
    // Written a week ago, published today: the alert digests and datePosted see today.
    diesel::sql_query(format!(
        "UPDATE jobs SET posted_at = now() - interval '7 days' WHERE id = {id}"
    ))
    .execute(&mut app.db.connect())
    .unwrap();
    JobForm::complete("Rust Engineer", company)
        .submit(&client, &format!("/admin/jobs/{id}"))
        .await
        .assert_redirect(&format!("/admin/jobs/{id}/edit"));
    let published = posted_of(&app);
    assert!(Utc::now() - published < Days::minutes(1), "{published}");
    // Saving it again keeps that date.
    diesel::sql_query(format!(
        "UPDATE jobs SET posted_at = now() - interval '2 days' WHERE id = {id}"
    ))
    .execute(&mut app.db.connect())
    .unwrap();
    JobForm::complete("Senior Rust Engineer", company)
        .submit(&client, &format!("/admin/jobs/{id}"))
        .await
        .assert_redirect(&format!("/admin/jobs/{id}/edit"));
    assert!(Utc::now() - posted_of(&app) > Days::days(1));
}
