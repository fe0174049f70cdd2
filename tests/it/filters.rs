//! Every filter alone and combined returns exactly the right jobs; sorting.

use crate::helpers::{JobBuilder, TestApp, basic_fixtures, spawn_app};
use chrono::{Duration, Utc};
use jobboard::domain::job::Seniority;

const TITLES: &[&str] = &["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"];

fn found(page: &crate::helpers::Page) -> Vec<&'static str> {
    TITLES
        .iter()
        .copied()
        .filter(|title| page.body.contains(&format!(">{title}</a>")))
        .collect()
}

/// Six jobs that differ in every filtered property.
fn fixtures(app: &TestApp) {
    basic_fixtures(app);
    app.company("other", "Other GmbH", "Hamburg");
    let now = Utc::now();
    app.insert(
        JobBuilder::new("Alpha")
            .technologies(&["rust"])
            .city("Berlin")
            .seniority(Seniority::Senior)
            .salary(90_000, 110_000)
            .posted(now - Duration::hours(5)),
    );
    app.insert(
        JobBuilder::new("Bravo")
            .technologies(&["go"])
            .city("Hamburg")
            .seniority(Seniority::Junior)
            .salary(45_000, 55_000)
            .posted(now - Duration::days(3)),
    );
    app.insert(
        JobBuilder::new("Charlie")
            .technologies(&["postgresql"])
            .city("Köln")
            .seniority(Seniority::Mid)
            .no_salary()
            .company("other")
            .posted(now - Duration::days(12)),
    );
    app.insert(
        JobBuilder::new("Delta")
            .technologies(&["rust", "go"])
            .remote(&["DE"])
            .contract_hourly(80, 95)
            .posted(now - Duration::hours(2)),
    );
    app.insert(
        JobBuilder::new("Echo")
            .technologies(&["go"])
            .city("Berlin")
            .hybrid()
            .monthly(6_000, 6_500)
            .posted(now - Duration::hours(2)),
    );
    app.insert(
        JobBuilder::new("Foxtrot")
            .technologies(&["rust"])
            .city("Berlin")
            .seniority(Seniority::Lead)
            .usd(200_000)
            .posted(now - Duration::hours(2)),
    );
}

#[actix_web::test]
async fn each_new_filter_alone_returns_exactly_its_jobs() {
    let app = spawn_app().await;
    fixtures(&app);

    for (query, expected) in [
        (
            "technology=go&technology=rust",
            vec!["Alpha", "Bravo", "Delta", "Echo", "Foxtrot"],
        ),
        ("city=Hamburg&city=K%C3%B6ln", vec!["Bravo", "Charlie"]),
        ("seniority=junior&seniority=lead", vec!["Bravo", "Foxtrot"]),
        ("type=contract", vec!["Delta"]),
        // 95 €/h is about €163k a year; €6,500 a month €78k; USD salaries are not compared.
        ("salary=100000", vec!["Alpha", "Delta"]),
        ("salary=70000", vec!["Alpha", "Delta", "Echo"]),
        ("posted=1", vec!["Alpha", "Delta", "Echo", "Foxtrot"]),
        (
            "posted=7",
            vec!["Alpha", "Bravo", "Delta", "Echo", "Foxtrot"],
        ),
        ("company=other", vec!["Charlie"]),
        ("company=nobody", vec![]),
    ] {
        let page = app.get(&format!("/jobs?{query}")).await;
        assert_eq!(page.status, 200, "{query}");
        assert_eq!(found(&page), expected, "{query}");
    }
}

#[actix_web::test]
async fn filters_combine_with_each_other_and_with_words() {
    let app = spawn_app().await;
    fixtures(&app);

    for (query, expected) in [
        (
            "technology=rust&city=Berlin&seniority=senior",
            vec!["Alpha"],
        ),
        ("technology=go&remote=hybrid", vec!["Echo"]),
        (
            "technology=go&technology=rust&salary=70000&posted=7",
            vec!["Alpha", "Delta", "Echo"],
        ),
        ("q=alpha&technology=rust", vec!["Alpha"]),
        ("q=alpha&technology=go", vec![]),
    ] {
        let page = app.get(&format!("/jobs?{query}")).await;
        assert_eq!(page.status, 200, "{query}");
        assert_eq!(found(&page), expected, "{query}");
    }
}

#[actix_web::test]
async fn jobs_sort_by_highest_salary_or_newest() {
    let app = spawn_app().await;
    fixtures(&app);

    let by_salary = app.get("/jobs?sort=salary").await;
    let newest = app.get("/jobs").await;

    // Another order of the same jobs is not a page of its own for crawlers.
    by_salary.assert_contains("<meta name=\"robots\" content=\"noindex,follow\">");
    newest.assert_lacks("<meta name=\"robots\"");

    let position = |page: &crate::helpers::Page, title: &str| {
        page.body.find(&format!(">{title}</a>")).unwrap()
    };
    // Delta (€163k/yr as hourly) > Alpha (€110k) > Echo (€78k) > Bravo (€55k) > no EUR salary.
    assert!(position(&by_salary, "Delta") < position(&by_salary, "Alpha"));
    assert!(position(&by_salary, "Alpha") < position(&by_salary, "Echo"));
    assert!(position(&by_salary, "Echo") < position(&by_salary, "Bravo"));
    assert!(position(&by_salary, "Bravo") < position(&by_salary, "Charlie"));
    assert!(position(&newest, "Alpha") < position(&newest, "Bravo"));
    assert!(position(&newest, "Bravo") < position(&newest, "Charlie"));
}

#[actix_web::test]
async fn several_values_chosen_in_the_form_show_as_separate_chips() {
    let app = spawn_app().await;
    fixtures(&app);

    let page = app
        .get("/jobs?technology=go&technology=rust&seniority=junior&salary=50000")
        .await;

    page.assert_contains("<h1>Junior Go or Rust developer jobs in Germany</h1>");
    page.assert_contains("aria-label=\"Remove filter Go\"");
    page.assert_contains("aria-label=\"Remove filter Rust\"");
    page.assert_contains("aria-label=\"Remove filter €50,000+ a year\"");
    page.assert_contains("name=\"technology\" value=\"go\" checked");
    page.assert_contains("name=\"technology\" value=\"rust\" checked");
    page.assert_contains("<option value=\"50000\" selected>€50,000+</option>");
}

#[actix_web::test]
async fn malformed_new_filters_get_a_400() {
    let app = spawn_app().await;

    for query in [
        "salary=lots",
        "posted=2",
        "type=gig",
        "sort=random",
        "company=Not%20a%20slug",
    ] {
        assert_eq!(
            app.get(&format!("/jobs?{query}")).await.status,
            400,
            "{query}"
        );
    }
}
