//! Home, companies and articles.

use crate::helpers::{JobBuilder, TestDatabase, basic_fixtures, spawn_app, spawn_app_with};
use jobboard::domain::article::NewArticle;
use jobboard::domain::slug::Slug;
use jobboard::repo;

#[actix_web::test]
async fn the_home_page_shows_search_latest_jobs_counts_and_articles() {
    let app = spawn_app().await;
    app.seed_demo();

    let page = app.get("/").await;

    assert_eq!(page.status, 200);
    page.assert_contains(
        "<form class=\"hero-search\" action=\"/jobs\" method=\"get\" role=\"search\">",
    );
    page.assert_contains("<h2 id=\"latest-jobs\">Latest jobs</h2>");
    page.assert_contains("<h2 id=\"popular-tech\">Popular technologies</h2>");
    page.assert_contains("class=\"chip__count\"");
    page.assert_contains("href=\"/cities/berlin\"");
    page.assert_contains("<h2 id=\"latest-articles\">Career guides</h2>");
    assert_eq!(page.body.matches("class=\"job-card\"").count(), 8);
    assert_eq!(page.body.matches("class=\"article-card\"").count(), 3);
    assert_eq!(page.body.matches("<h1").count(), 1, "one h1 per page");
}

#[actix_web::test]
async fn the_home_page_of_an_empty_board_says_so() {
    let app = spawn_app().await;

    let page = app.get("/").await;

    assert_eq!(page.status, 200);
    page.assert_contains("No open jobs right now.");
}

#[actix_web::test]
async fn a_company_page_shows_the_company_and_its_open_jobs() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.company("other", "Other GmbH", "Hamburg");
    app.insert(JobBuilder::new("Acme Rust Job"));
    app.insert(JobBuilder::new("Other Company Job").company("other"));

    let page = app.get("/companies/acme").await;

    assert_eq!(page.status, 200);
    page.assert_contains("<h1>Acme Software</h1>");
    page.assert_contains("Acme Software builds software in Berlin.");
    page.assert_contains(">Acme Rust Job</a>");
    page.assert_lacks("Other Company Job");
    assert_eq!(app.get("/companies/nobody").await.status, 404);
}

#[actix_web::test]
async fn the_companies_index_lists_companies_with_open_job_counts() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.company("quiet", "Quiet AG", "Leipzig");
    app.insert(JobBuilder::new("One"));
    app.insert(JobBuilder::new("Two"));

    let page = app.get("/companies").await;

    assert_eq!(page.status, 200);
    page.assert_contains(">Acme Software</a>");
    page.assert_contains("2 open jobs");
    page.assert_contains(">Quiet AG</a>");
    page.assert_contains("No open jobs");
}

fn article(slug: &str, title: &str, tags: &[&str], published: bool) -> NewArticle {
    let now = chrono::Utc::now();
    NewArticle {
        slug: Slug::parse(slug).unwrap(),
        title: title.to_owned(),
        summary: format!("All about {title}."),
        body_markdown: format!("## Why\n\n{}", "word ".repeat(450)),
        author_name: "Jana Voss".to_owned(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        published_at: published.then(|| now - chrono::Duration::days(3)),
        updated_at: now,
    }
}

#[actix_web::test]
async fn an_article_page_shows_the_text_dates_reading_time_and_related_content() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    let mut conn = app.conn();
    repo::articles::insert(
        &mut conn,
        &article("rust-careers", "Rust careers", &["rust", "career"], true),
    )
    .unwrap();
    repo::articles::insert(
        &mut conn,
        &article("career-tips", "Career tips", &["career"], true),
    )
    .unwrap();
    repo::articles::insert(
        &mut conn,
        &article("unrelated", "Unrelated piece", &["design"], true),
    )
    .unwrap();
    app.insert(JobBuilder::new("Rust Backend Job").technologies(&["rust"]));
    app.insert(JobBuilder::new("Go Backend Job").technologies(&["go"]));

    let page = app.get("/articles/rust-careers").await;

    assert_eq!(page.status, 200);
    page.assert_contains("<h1>Rust careers</h1>");
    page.assert_contains("By Jana Voss");
    page.assert_contains("3 min read");
    page.assert_contains("Published <time datetime=");
    page.assert_contains("Updated <time datetime=");
    page.assert_contains("<h2>Why</h2>");
    page.assert_contains("This might also interest you");
    page.assert_contains(">Career tips</a>");
    page.assert_lacks(">Unrelated piece</a>");
    page.assert_contains(">Rust Backend Job</a>");
    page.assert_lacks(">Go Backend Job</a>");
}

#[actix_web::test]
async fn the_articles_index_lists_published_articles_only() {
    let app = spawn_app().await;
    let mut conn = app.conn();
    repo::articles::insert(
        &mut conn,
        &article("visible", "Visible piece", &["career"], true),
    )
    .unwrap();
    repo::articles::insert(
        &mut conn,
        &article("draft-piece", "Draft piece", &["career"], false),
    )
    .unwrap();

    let index = app.get("/articles").await;

    assert_eq!(index.status, 200);
    index.assert_contains(">Visible piece</a>");
    index.assert_lacks("Draft piece");
    assert_eq!(app.get("/articles/draft-piece").await.status, 404);
    assert_eq!(app.get("/articles/never-written").await.status, 404);
}

#[actix_web::test]
async fn the_demo_backend_article_renders() {
    let app = spawn_app().await;
    app.seed_demo();

    let page = app.get("/articles/what-does-a-backend-developer-do").await;

    assert_eq!(page.status, 200);
    page.assert_contains("<h1>What does a backend developer do?</h1>");
    page.assert_contains("min read");
    page.assert_contains("Open jobs");
}

#[actix_web::test]
async fn every_page_has_a_unique_title_a_description_and_a_canonical_url() {
    let app = spawn_app().await;
    app.seed_demo();
    let job_path = app.first_job_path().await;

    let mut titles = std::collections::HashSet::new();
    for path in [
        "/",
        "/jobs",
        "/companies",
        "/articles",
        job_path.as_str(),
        "/articles/what-does-a-backend-developer-do",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let title = page
            .body
            .split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap()
            .to_owned();
        assert!(
            titles.insert(title.clone()),
            "duplicate title {title} on {path}"
        );
        page.assert_contains("<meta name=\"description\" content=\"");
        page.assert_contains(&format!(
            "<link rel=\"canonical\" href=\"{}{path}\">",
            app.address
        ));
        page.assert_contains("<html lang=\"en\">");
        page.assert_contains("<a class=\"skip-link\" href=\"#content\">");
        page.assert_contains("<main id=\"content\"");
    }
}

#[actix_web::test]
async fn canonical_urls_use_the_configured_site_url() {
    let db = TestDatabase::new();
    let url = db.url();
    let app = spawn_app_with(url, db, &[("SITE_URL", "https://jobs.example.org/")]).await;

    let page = app.get("/articles").await;

    page.assert_contains("<link rel=\"canonical\" href=\"https://jobs.example.org/articles\">");
}

#[actix_web::test]
async fn the_companies_index_finds_companies_by_any_part_of_their_name() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.company("nordlicht", "Nordlicht Robotics", "Hamburg");
    app.company("percent", "100% Cloud", "Köln");

    let by_part = app.get("/companies?q=LICHT").await;
    let literal_percent = app.get("/companies?q=%25").await;
    let nothing = app.get("/companies?q=zzz").await;
    let messy = app.get("/companies?q=++licht++&page=1").await;

    assert_eq!(by_part.status, 200);
    by_part.assert_contains("<h1>Companies matching “LICHT”</h1>");
    by_part.assert_contains(">Nordlicht Robotics</a>");
    by_part.assert_lacks(">Acme Software</a>");
    by_part.assert_contains("<meta name=\"robots\" content=\"noindex,follow\">");
    literal_percent.assert_contains(">100% Cloud</a>");
    literal_percent.assert_lacks(">Acme Software</a>");
    nothing.assert_contains("No company name contains");
    assert_eq!(messy.status, 301);
    assert_eq!(messy.header("location"), Some("/companies?q=licht"));
}
