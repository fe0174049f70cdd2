//! Job listings and job pages.

use crate::helpers::{JobBuilder, basic_fixtures, spawn_app, spawn_instance_on};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamptz};
use jobboard::domain::job::{JobStatus, Seniority};

#[actix_web::test]
async fn jobs_are_listed_newest_first_with_their_card_facts() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    let now = Utc::now();
    app.insert(
        JobBuilder::new("Older Go Engineer")
            .technologies(&["go"])
            .posted(now - Duration::days(5)),
    );
    app.insert(
        JobBuilder::new("Newest Rust Engineer")
            .technologies(&["rust", "postgresql"])
            .salary(65_000, 80_000)
            .posted(now - Duration::hours(2)),
    );

    let page = app.get("/jobs").await;

    assert_eq!(page.status, 200);
    let newest = page
        .body
        .find("Newest Rust Engineer")
        .expect("newest listed");
    let older = page.body.find("Older Go Engineer").expect("older listed");
    assert!(newest < older, "newest job must come first");
    page.assert_contains("€65k – €80k");
    page.assert_contains("Acme Software");
    page.assert_contains(">PostgreSQL<span class=\"visually-hidden\"> jobs</span></a>");
    page.assert_contains("5 days ago");
    page.assert_contains("2 open jobs");
}

#[actix_web::test]
async fn listing_pages_hold_twenty_jobs_and_link_to_the_next_page() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    let now = Utc::now();
    for i in 0..45 {
        app.insert(
            JobBuilder::new(&format!("Engineer number {i:02}")).posted(now - Duration::minutes(i)),
        );
    }

    let first = app.get("/jobs").await;
    let second = app.get("/jobs?page=2").await;
    let third = app.get("/jobs?page=3").await;

    assert_eq!(first.body.matches("class=\"job-card\"").count(), 20);
    assert_eq!(second.body.matches("class=\"job-card\"").count(), 20);
    assert_eq!(third.body.matches("class=\"job-card\"").count(), 5);
    first.assert_contains("href=\"/jobs?page=2\" rel=\"next\"");
    second.assert_contains("href=\"/jobs\" rel=\"prev\"");
    first.assert_contains("Engineer number 00");
    second.assert_contains("Engineer number 20");
    third.assert_contains("Engineer number 44");
    third.assert_lacks("rel=\"next\"");
}

#[actix_web::test]
async fn each_filter_narrows_the_list_to_matching_jobs() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("Rust in Berlin")
            .technologies(&["rust"])
            .city("Berlin"),
    );
    app.insert(
        JobBuilder::new("Go in Köln")
            .technologies(&["go"])
            .city("Köln")
            .seniority(Seniority::Senior),
    );
    app.insert(
        JobBuilder::new("Remote Rust")
            .technologies(&["rust"])
            .remote(&["DE", "AT"]),
    );
    app.insert(
        JobBuilder::new("Hybrid Go")
            .technologies(&["go"])
            .city("Hamburg")
            .hybrid(),
    );

    let by_technology = app.get("/technologies/rust").await;
    let by_city = app.get("/cities/koeln").await;
    let by_remote = app.get("/remote").await;
    let by_seniority = app.get("/jobs?seniority=senior").await;
    let combined = app.get("/jobs?technology=go&remote=hybrid").await;

    for (page, expected, excluded) in [
        (
            &by_technology,
            vec!["Rust in Berlin", "Remote Rust"],
            vec!["Go in Köln", "Hybrid Go"],
        ),
        (
            &by_city,
            vec!["Go in Köln"],
            vec!["Rust in Berlin", "Remote Rust", "Hybrid Go"],
        ),
        (
            &by_remote,
            vec!["Remote Rust"],
            vec!["Rust in Berlin", "Go in Köln", "Hybrid Go"],
        ),
        (
            &by_seniority,
            vec!["Go in Köln"],
            vec!["Rust in Berlin", "Remote Rust", "Hybrid Go"],
        ),
        (
            &combined,
            vec!["Hybrid Go"],
            vec!["Rust in Berlin", "Go in Köln", "Remote Rust"],
        ),
    ] {
        assert_eq!(page.status, 200);
        for title in expected {
            page.assert_contains(&format!(">{title}</a>"));
        }
        for title in excluded {
            page.assert_lacks(&format!(">{title}</a>"));
        }
    }
    by_technology.assert_contains("<h1>Rust developer jobs in Germany</h1>");
    by_city.assert_contains("<h1>Developer jobs in Köln</h1>");
    by_remote.assert_contains("<h1>Remote developer jobs</h1>");
    // Landing pages are indexable; other filter combinations are not pages of their own.
    by_city.assert_lacks("<meta name=\"robots\"");
    by_seniority.assert_contains("<meta name=\"robots\" content=\"noindex,follow\">");
}

#[actix_web::test]
async fn active_filters_can_be_removed_one_by_one() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust in Berlin").technologies(&["rust"]));

    let page = app
        .get("/jobs?technology=rust&city=Berlin&seniority=mid")
        .await;

    page.assert_contains(
        "href=\"/jobs?city=Berlin&#38;seniority=mid\" aria-label=\"Remove filter Rust\"",
    );
    page.assert_contains(
        "href=\"/jobs?technology=rust&#38;seniority=mid\" aria-label=\"Remove filter Berlin\"",
    );
    page.assert_contains(
        "href=\"/jobs?technology=rust&#38;city=Berlin\" aria-label=\"Remove filter Mid-level\"",
    );
    page.assert_contains(">Clear all</a>");
}

#[actix_web::test]
async fn a_search_without_results_says_what_to_do() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Rust in Berlin").technologies(&["rust"]));

    let page = app.get("/jobs?technology=go&seniority=lead").await;

    assert_eq!(page.status, 200);
    page.assert_contains("No open jobs match these filters.");
    page.assert_contains("see all jobs");
}

#[actix_web::test]
async fn keyword_search_finds_words_in_the_title_and_description() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Payments Engineer").description("You will build our ledger."));
    app.insert(
        JobBuilder::new("Frontend Engineer").description("You will build our design system."),
    );

    let by_title = app.get("/jobs?q=payments").await;
    let by_description = app.get("/jobs?q=ledger").await;

    by_title.assert_contains(">Payments Engineer</a>");
    by_title.assert_lacks(">Frontend Engineer</a>");
    by_description.assert_contains(">Payments Engineer</a>");
    by_description.assert_lacks(">Frontend Engineer</a>");
}

#[actix_web::test]
async fn the_job_page_shows_every_fact_and_an_apply_button() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("Senior Rust Engineer")
            .technologies(&["rust", "postgresql"])
            .seniority(Seniority::Senior)
            .salary(65_000, 80_000)
            .description("## Your team\n\nWe run **payments** at scale."),
    );

    let page = app.get("/jobs/senior-rust-engineer").await;

    assert_eq!(page.status, 200);
    page.assert_contains("<h1 class=\"job__title\">Senior Rust Engineer</h1>");
    page.assert_contains("€65,000 – €80,000 a year");
    page.assert_contains("<dd>Senior</dd>");
    page.assert_contains("<dd>Full-time</dd>");
    page.assert_contains("<dd>Berlin</dd>");
    page.assert_contains("<h2>Your team</h2>");
    page.assert_contains("<strong>payments</strong>");
    page.assert_contains("href=\"/technologies/rust\"");
    page.assert_contains("href=\"https://www.acme.example/apply\"");
    page.assert_contains("Apply on the company");
    page.assert_contains("href=\"/companies/acme\"");
    page.assert_contains("<time datetime=\"");
    page.assert_lacks("no longer accepting applications");
}

#[actix_web::test]
async fn e_mail_applications_link_to_the_address() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Mail Job").apply_email("jobs@acme.example"));

    let page = app.get("/jobs/mail-job").await;

    page.assert_contains("href=\"mailto:jobs@acme.example\"");
    page.assert_contains("Apply by e-mail");
}

#[actix_web::test]
async fn the_job_page_suggests_similar_open_jobs() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Main Rust Job").technologies(&["rust", "postgresql"]));
    app.insert(JobBuilder::new("Close Match").technologies(&["rust", "postgresql"]));
    app.insert(JobBuilder::new("Unrelated Go").technologies(&["go"]));
    app.insert(
        JobBuilder::new("Closed Match")
            .technologies(&["rust"])
            .status(JobStatus::Closed),
    );

    let page = app.get("/jobs/main-rust-job").await;

    page.assert_contains("Similar jobs");
    page.assert_contains(">Close Match</a>");
    page.assert_lacks(">Unrelated Go</a>");
    page.assert_lacks(">Closed Match</a>");
}

#[actix_web::test]
async fn similar_job_cards_show_what_changed_since_they_were_last_shown() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Main Rust Job").technologies(&["rust"]));
    let similar = app.insert(JobBuilder::new("Close Match").technologies(&["rust"]));
    app.get("/jobs/main-rust-job")
        .await
        .assert_contains(">Close Match</a>");

    let mut conn = app.conn();
    diesel::sql_query("UPDATE jobs SET title = 'Renamed Match' WHERE id = $1")
        .bind::<diesel::sql_types::BigInt, _>(similar)
        .execute(&mut conn)
        .unwrap();
    diesel::sql_query("UPDATE companies SET name = 'Acme Renamed GmbH'")
        .execute(&mut conn)
        .unwrap();
    app.sync().await;

    let page = app.get("/jobs/main-rust-job").await;
    page.assert_contains(">Renamed Match</a>");
    page.assert_lacks(">Close Match</a>");
    page.assert_contains("Acme Renamed GmbH");
    // The about text still names it; no card or heading does.
    page.assert_lacks(">Acme Software<");
}

#[actix_web::test]
async fn similar_jobs_share_most_technologies_then_the_city_then_are_newest() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    let now = Utc::now();
    let job = |title: &str, technologies: &[&str], city: &str, hours: i64| {
        app.insert(
            JobBuilder::new(title)
                .technologies(technologies)
                .city(city)
                .posted(now - Duration::hours(hours)),
        );
    };
    job("Main Job", &["rust", "postgresql"], "Berlin", 10);
    job("Both Far Away", &["rust", "postgresql"], "Hamburg", 9);
    job("Rust Here Newer", &["rust"], "Berlin", 2);
    job("Rust Here Older", &["rust"], "Berlin", 5);
    job("Rust Far Newest", &["rust"], "Hamburg", 1);
    job("Unrelated", &["go"], "Berlin", 1);

    let page = app.get("/jobs/main-job").await;

    let order: Vec<usize> = [
        ">Both Far Away</a>",
        ">Rust Here Newer</a>",
        ">Rust Here Older</a>",
        ">Rust Far Newest</a>",
    ]
    .iter()
    .map(|card| {
        page.body
            .find(card)
            .unwrap_or_else(|| panic!("{card} missing"))
    })
    .collect();
    assert!(
        order.is_sorted(),
        "similar jobs in the wrong order: {order:?}"
    );
    page.assert_lacks(">Unrelated</a>");
}

#[derive(QueryableByName)]
struct Rendering {
    #[diesel(sql_type = Nullable<Text>)]
    html: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
}

fn rendering(conn: &mut PgConnection, slug: &str) -> Rendering {
    diesel::sql_query("SELECT description_html AS html, updated_at FROM jobs WHERE slug = $1")
        .bind::<Text, _>(slug)
        .get_result(conn)
        .expect("the job's rendering")
}

#[actix_web::test]
async fn the_job_page_shows_the_description_rendered_when_it_was_saved() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("Rendered Job").description("We write **Rust** all day, every day."),
    );
    let mut conn = app.conn();
    let stored = rendering(&mut conn, "rendered-job")
        .html
        .expect("rendered on insert");
    assert!(stored.contains("<strong>Rust</strong>"), "{stored}");

    // What the page shows is the stored rendering, not a new one.
    diesel::sql_query(
        "UPDATE jobs SET description_html = '<p>As stored</p>' WHERE slug = 'rendered-job'",
    )
    .execute(&mut conn)
    .expect("replacing the rendering");
    app.get("/jobs/rendered-job")
        .await
        .assert_contains("<p>As stored</p>");
}

#[actix_web::test]
async fn descriptions_saved_before_they_were_rendered_are_rendered_after_a_start() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Old Job").description("An *old* description."));
    let mut conn = app.conn();
    diesel::sql_query("UPDATE jobs SET description_html = NULL WHERE slug = 'old-job'")
        .execute(&mut conn)
        .expect("forgetting the rendering");
    let before = rendering(&mut conn, "old-job");
    assert_eq!(before.html, None);

    // Rendered on the fly meanwhile.
    app.get("/jobs/old-job")
        .await
        .assert_contains("<em>old</em>");
    let _restarted = spawn_instance_on(&app).await;
    let started = std::time::Instant::now();
    let after = loop {
        let now = rendering(&mut conn, "old-job");
        if now.html.is_some() || started.elapsed() > std::time::Duration::from_secs(10) {
            break now;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    };

    let html = after.html.expect("rendered in the background within 10 s");
    assert!(html.contains("<em>old</em>"), "{html}");
    assert_eq!(
        after.updated_at, before.updated_at,
        "rendering is no change"
    );
}

#[actix_web::test]
async fn a_closed_job_keeps_its_page_with_a_notice_and_no_apply_button() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("Filled Position")
            .technologies(&["rust"])
            .status(JobStatus::Closed),
    );
    app.insert(JobBuilder::new("Still Open").technologies(&["rust"]));

    let page = app.get("/jobs/filled-position").await;

    assert_eq!(page.status, 200);
    page.assert_contains("This job is no longer accepting applications.");
    page.assert_lacks("https://www.acme.example/apply");
    page.assert_contains("Similar open jobs");
    page.assert_contains(">Still Open</a>");
}

#[actix_web::test]
async fn an_expired_job_shows_the_notice_too() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Expired Position").expired());

    let page = app.get("/jobs/expired-position").await;

    assert_eq!(page.status, 200);
    page.assert_contains("This job is no longer accepting applications.");
    page.assert_lacks("Apply now");
}

#[actix_web::test]
async fn closed_expired_and_draft_jobs_are_listed_nowhere() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Open Rust Job").technologies(&["rust"]));
    app.insert(
        JobBuilder::new("Closed Rust Job")
            .technologies(&["rust"])
            .status(JobStatus::Closed),
    );
    app.insert(
        JobBuilder::new("Expired Rust Job")
            .technologies(&["rust"])
            .expired(),
    );
    app.insert(
        JobBuilder::new("Draft Rust Job")
            .technologies(&["rust"])
            .status(JobStatus::Draft),
    );

    for path in [
        "/",
        "/jobs",
        "/technologies/rust",
        "/companies/acme",
        "/jobs/open-rust-job",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        for hidden in ["Closed Rust Job", "Expired Rust Job", "Draft Rust Job"] {
            assert!(
                !page.body.contains(hidden),
                "{hidden} must not be listed on {path}"
            );
        }
    }
    assert!(app.get("/").await.body.contains("Open Rust Job"));
}

#[actix_web::test]
async fn a_draft_job_has_no_public_page() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Secret Draft").status(JobStatus::Draft));

    assert_eq!(app.get("/jobs/secret-draft").await.status, 404);
}

#[actix_web::test]
async fn unknown_and_malformed_job_slugs_are_not_found() {
    let app = spawn_app().await;

    for path in ["/jobs/no-such-job", "/jobs/a--b", "/jobs/%E2%9C%93"] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        page.assert_contains("Page not found");
    }
}

#[actix_web::test]
async fn a_job_without_salary_says_so() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Quiet Pay").no_salary());

    let page = app.get("/jobs/quiet-pay").await;

    page.assert_contains("<dt>Salary</dt><dd>Not stated</dd>");
}
