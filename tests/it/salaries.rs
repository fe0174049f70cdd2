//! Salary insights: the figures pages, their charts, the floor of 10 jobs, the job
//! page's comparison, the links from landing pages and the sitemap.

use crate::helpers::{JobBuilder, TestApp, basic_fixtures, spawn_app};
use jobboard::domain::job::Seniority;
use quick_xml::events::Event;

/// 12 senior Rust jobs in Berlin paying up to €51,000 … €62,000 a year (the top of the
/// range counts): quartiles by linear interpolation are €53,750, €56,500 and €59,250.
/// And 9 senior Go jobs in Hamburg: one too few for any figure.
fn salary_fixtures(app: &TestApp) {
    basic_fixtures(app);
    for i in 1..=12u32 {
        let max = 50_000 + i * 1_000;
        app.insert(
            JobBuilder::new(&format!("Senior Rust engineer {i}"))
                .technologies(&["rust"])
                .city("Berlin")
                .seniority(Seniority::Senior)
                .salary(max - 10_000, max),
        );
    }
    for i in 1..=9u32 {
        app.insert(
            JobBuilder::new(&format!("Senior Go engineer {i}"))
                .technologies(&["go"])
                .city("Hamburg")
                .seniority(Seniority::Senior)
                .salary(60_000, 70_000 + i * 1_000),
        );
    }
}

#[actix_web::test]
async fn the_salary_pages_show_the_exact_median_and_quartiles() {
    let app = spawn_app().await;
    salary_fixtures(&app);

    for path in ["/salaries", "/salaries/rust", "/salaries/rust/berlin"] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        for figure in ["€53,750", "€56,500", "€59,250"] {
            page.assert_contains(figure);
        }
    }
    let page = app.get("/salaries/rust/berlin").await;
    page.assert_contains("<title>Rust developer salaries in Berlin · jobboard</title>");
    page.assert_contains("<h1>Rust developer salaries in Berlin</h1>");
    page.assert_contains("<link rel=\"canonical\" href=\"");
    page.assert_contains("/salaries/rust/berlin\">");
    page.assert_contains(
        "content=\"Rust developers in Berlin: median salary €56,500 a year across 12 open jobs",
    );
    page.assert_contains("<a href=\"/salaries/rust\">Rust salaries</a>");
    let page = app.get("/salaries/rust").await;
    page.assert_contains("<title>Rust developer salaries in Germany · jobboard</title>");
    page.assert_contains("href=\"/salaries/rust/berlin\"");
}

#[actix_web::test]
async fn a_group_of_nine_jobs_shows_no_figure() {
    let app = spawn_app().await;
    salary_fixtures(&app);

    assert_eq!(app.get("/salaries/go").await.status, 404);
    assert_eq!(app.get("/salaries/go/hamburg").await.status, 404);
    let overview = app.get("/salaries").await;
    assert_eq!(overview.status, 200);
    overview.assert_contains("Berlin");
    overview.assert_lacks("Hamburg");
    overview.assert_lacks("href=\"/salaries/go\"");
}

#[actix_web::test]
async fn unknown_technologies_and_cities_answer_404() {
    let app = spawn_app().await;
    salary_fixtures(&app);

    assert_eq!(app.get("/salaries/cobol").await.status, 404);
    assert_eq!(app.get("/salaries/rust/atlantis").await.status, 404);
}

#[actix_web::test]
async fn the_job_page_places_its_salary_when_ten_jobs_back_it() {
    let app = spawn_app().await;
    salary_fixtures(&app);

    // Up to €62,000: above the upper quartile of €59,250.
    let page = app.get("/jobs/senior-rust-engineer-12").await;
    assert_eq!(page.status, 200);
    page.assert_contains(
        "This salary is in the upper quarter of <a href=\"/salaries/rust/berlin\">12 senior Rust jobs in Berlin</a>.",
    );
    let page = app.get("/jobs/senior-rust-engineer-6").await;
    page.assert_contains("in the middle half of");
    let page = app.get("/jobs/senior-rust-engineer-1").await;
    page.assert_contains("in the lower quarter of");
}

#[actix_web::test]
async fn the_job_page_has_no_comparison_below_ten_jobs() {
    let app = spawn_app().await;
    salary_fixtures(&app);

    let page = app.get("/jobs/senior-go-engineer-9").await;
    assert_eq!(page.status, 200);
    page.assert_lacks("This salary is in the");
}

#[actix_web::test]
async fn the_sitemap_lists_the_salary_pages_that_have_figures() {
    let app = spawn_app().await;
    salary_fixtures(&app);

    let sitemap = app.get("/sitemaps/pages.xml").await;
    sitemap.assert_contains("/salaries</loc>");
    sitemap.assert_contains("/salaries/rust</loc>");
    sitemap.assert_contains("/salaries/rust/berlin</loc>");
    sitemap.assert_lacks("/salaries/go");
}

#[actix_web::test]
async fn landing_pages_link_to_their_salaries() {
    let app = spawn_app().await;
    salary_fixtures(&app);

    app.get("/technologies/rust")
        .await
        .assert_contains("<a href=\"/salaries/rust\">Salaries for Rust developers</a>");
    app.get("/technologies/rust/berlin").await.assert_contains(
        "<a href=\"/salaries/rust/berlin\">Salaries for Rust developers in Berlin</a>",
    );
    app.get("/cities/berlin")
        .await
        .assert_contains("href=\"/salaries#by-city\"");
    app.get("/technologies/go").await.assert_lacks("/salaries");
}

/// The `<svg>…</svg>` elements of `html`.
fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg class=\"salary-chart__svg\"")
        .map(|(start, _)| {
            let end = start + html[start..].find("</svg>").expect("closed svg") + "</svg>".len();
            &html[start..end]
        })
        .collect()
}

#[actix_web::test]
async fn charts_are_valid_svg_with_a_title_and_a_table_equivalent() {
    let app = spawn_app().await;
    salary_fixtures(&app);

    let page = app.get("/salaries/rust").await;
    let charts = svgs(&page.body);
    assert_eq!(
        charts.len(),
        2,
        "a box plot per seniority and a dot plot of cities"
    );
    for svg in charts {
        // Parsed as XML: every element closed, attributes quoted.
        let mut reader = quick_xml::Reader::from_str(svg);
        let (mut title, mut labelled_by) = (false, false);
        loop {
            match reader.read_event().expect("well-formed SVG") {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => {
                    title |= e.name().as_ref() == b"title";
                    labelled_by |= e
                        .attributes()
                        .flatten()
                        .any(|a| a.key.as_ref() == b"aria-labelledby");
                }
                _ => {}
            }
        }
        assert!(title && labelled_by, "{svg}");
        assert!(svg.contains("role=\"img\""));
        assert!(
            svg.contains(">€56.5k</text>"),
            "the median is written on the mark"
        );
    }
    page.assert_contains("<caption>Salaries by seniority</caption>");
    page.assert_contains("<caption>Salaries by city</caption>");
    page.assert_contains("<th scope=\"row\">Senior</th>");
}
