//! Landing pages for technologies, cities, both, and remote jobs; and their indexes.

use crate::helpers::{JobBuilder, basic_fixtures, spawn_app};
use jobboard::domain::job::{JobStatus, Seniority};

fn landing_fixtures(app: &crate::helpers::TestApp) {
    basic_fixtures(app);
    app.insert(
        JobBuilder::new("Rust in Berlin")
            .technologies(&["rust"])
            .city("Berlin"),
    );
    app.insert(
        JobBuilder::new("Rust in München")
            .technologies(&["rust"])
            .city("München"),
    );
    app.insert(
        JobBuilder::new("Go in Berlin")
            .technologies(&["go"])
            .city("Berlin"),
    );
    app.insert(
        JobBuilder::new("Remote Go")
            .technologies(&["go"])
            .remote(&["DE", "AT"]),
    );
}

#[actix_web::test]
async fn a_technology_landing_page_lists_its_jobs_with_a_live_count() {
    let app = spawn_app().await;
    landing_fixtures(&app);

    let page = app.get("/technologies/rust").await;

    assert_eq!(page.status, 200);
    page.assert_contains("<h1>Rust developer jobs in Germany</h1>");
    page.assert_contains("<title>Rust developer jobs in Germany: 2 open jobs · jobboard</title>");
    page.assert_contains("content=\"2 rust developer jobs in germany.");
    page.assert_contains(&format!(
        "<link rel=\"canonical\" href=\"{}/technologies/rust\">",
        app.address
    ));
    page.assert_lacks("<meta name=\"robots\"");
    page.assert_contains(">Rust in Berlin</a>");
    page.assert_contains(">Rust in München</a>");
    page.assert_lacks(">Go in Berlin</a>");
    // The full filter form comes along, set to this page's technology.
    page.assert_contains(
        "<input type=\"checkbox\" id=\"technology-rust\" name=\"technology\" value=\"rust\" checked> Rust",
    );
}

#[actix_web::test]
async fn city_landing_pages_use_transliterated_slugs() {
    let app = spawn_app().await;
    landing_fixtures(&app);

    let munich = app.get("/cities/muenchen").await;
    let berlin = app.get("/cities/berlin").await;

    assert_eq!(munich.status, 200);
    munich.assert_contains("<h1>Developer jobs in München</h1>");
    munich.assert_contains(">Rust in München</a>");
    munich.assert_lacks(">Rust in Berlin</a>");
    berlin.assert_contains(">Go in Berlin</a>");
    berlin.assert_lacks(">Remote Go</a>");
}

#[actix_web::test]
async fn a_technology_in_a_city_has_its_own_page() {
    let app = spawn_app().await;
    landing_fixtures(&app);

    let page = app.get("/technologies/rust/berlin").await;

    assert_eq!(page.status, 200);
    page.assert_contains("<h1>Rust developer jobs in Berlin</h1>");
    page.assert_contains(">Rust in Berlin</a>");
    page.assert_lacks(">Rust in München</a>");
    page.assert_lacks(">Go in Berlin</a>");
    page.assert_contains("<a href=\"/technologies/rust\">Rust jobs</a>");
}

#[actix_web::test]
async fn the_remote_landing_page_lists_remote_jobs_only() {
    let app = spawn_app().await;
    landing_fixtures(&app);

    let page = app.get("/remote").await;

    assert_eq!(page.status, 200);
    page.assert_contains("<h1>Remote developer jobs</h1>");
    page.assert_contains(">Remote Go</a>");
    page.assert_lacks(">Go in Berlin</a>");
}

#[actix_web::test]
async fn landing_pages_without_open_jobs_do_not_exist() {
    let app = spawn_app().await;
    landing_fixtures(&app);
    app.technology("cobol", "COBOL");
    app.insert(
        JobBuilder::new("Closed Postgres")
            .technologies(&["postgresql"])
            .status(JobStatus::Closed),
    );

    for path in [
        "/technologies/cobol",
        "/technologies/postgresql",
        "/technologies/never-heard-of-it",
        "/technologies/go/muenchen",
        "/technologies/rust/atlantis",
        "/cities/atlantis",
        "/cities/hamburg",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        page.assert_contains("Page not found");
    }
}

#[actix_web::test]
async fn searches_a_landing_page_stands_for_redirect_to_it() {
    let app = spawn_app().await;
    landing_fixtures(&app);

    for (from, to) in [
        ("/jobs?technology=rust", "/technologies/rust"),
        (
            "/jobs?city=Berlin&technology=rust",
            "/technologies/rust/berlin",
        ),
        ("/jobs?city=M%C3%BCnchen", "/cities/muenchen"),
        ("/jobs?remote=remote", "/remote"),
        ("/jobs?technology=go&page=2", "/technologies/go?page=2"),
        ("/technologies/rust?page=1", "/technologies/rust"),
        (
            "/technologies/rust?seniority=senior",
            "/jobs?technology=rust&seniority=senior",
        ),
    ] {
        let page = app.get(from).await;
        assert_eq!(page.status, 301, "{from}");
        assert_eq!(page.header("location"), Some(to), "{from}");
    }
    // Other combinations stay ad-hoc searches.
    assert_eq!(
        app.get("/jobs?technology=rust&seniority=mid").await.status,
        200
    );
}

#[actix_web::test]
async fn the_technology_and_city_indexes_link_every_landing_page_with_counts() {
    let app = spawn_app().await;
    landing_fixtures(&app);
    app.insert(
        JobBuilder::new("Senior Rust in Berlin")
            .technologies(&["rust"])
            .seniority(Seniority::Senior),
    );

    let technologies = app.get("/technologies").await;
    let cities = app.get("/cities").await;

    assert_eq!(technologies.status, 200);
    technologies.assert_contains(
        "<a href=\"/technologies/rust\">Rust<span class=\"visually-hidden\"> jobs</span></a> <span class=\"directory__count\">3 jobs</span>",
    );
    technologies.assert_contains(
        "href=\"/technologies/rust/berlin\">Berlin <span class=\"chip__count\">2</span>",
    );
    technologies.assert_contains("href=\"/technologies/go\"");
    assert_eq!(cities.status, 200);
    cities.assert_contains(
        "<a href=\"/cities/berlin\">Berlin<span class=\"visually-hidden\"> jobs</span></a> <span class=\"directory__count\">3 jobs</span>",
    );
    cities.assert_contains(
        "<a href=\"/cities/muenchen\">München<span class=\"visually-hidden\"> jobs</span></a>",
    );
    cities.assert_contains(
        "<a href=\"/remote\">Remote<span class=\"visually-hidden\"> jobs</span></a>",
    );
}

#[actix_web::test]
async fn chips_on_the_home_page_and_job_pages_lead_to_landing_pages() {
    let app = spawn_app().await;
    landing_fixtures(&app);

    let home = app.get("/").await;
    let job = app.get("/jobs/rust-in-berlin").await;

    home.assert_contains("href=\"/technologies/rust\"");
    home.assert_contains("href=\"/cities/berlin\"");
    home.assert_contains("href=\"/remote\"");
    job.assert_contains("<a class=\"chip\" href=\"/technologies/rust\">Rust<span class=\"visually-hidden\"> jobs</span></a>");
}

#[actix_web::test]
async fn an_empty_search_suggests_technologies_that_have_jobs_there() {
    let app = spawn_app().await;
    landing_fixtures(&app);

    let page = app.get("/jobs?technology=postgresql&city=Berlin").await;

    assert_eq!(page.status, 200);
    page.assert_contains("No open jobs match these filters.");
    page.assert_contains("Technologies with open jobs there:");
    page.assert_contains("href=\"/technologies/rust/berlin\">Rust");
    page.assert_contains("href=\"/technologies/go/berlin\">Go");
}

#[actix_web::test]
async fn the_sitemap_lists_the_landing_pages_that_exist() {
    let app = spawn_app().await;
    landing_fixtures(&app);

    let sitemap = app.get("/sitemaps/pages.xml").await;

    for path in [
        "/technologies",
        "/cities",
        "/remote",
        "/technologies/rust",
        "/cities/muenchen",
        "/technologies/rust/berlin",
    ] {
        sitemap.assert_contains(&format!("<loc>{}{path}</loc>", app.address));
    }
    sitemap.assert_lacks("/technologies/postgresql");
    sitemap.assert_lacks("/technologies/go/muenchen");
}
