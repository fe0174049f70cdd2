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
    page.assert_contains("<option value=\"50000\" selected>€50,000+ (");
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

/// The number printed after an option of the filter form.
fn facet_count(page: &crate::helpers::Page, name: &str, value: &str) -> Option<u32> {
    let anchor = format!("name=\"{name}\" value=\"{value}\"");
    let rest = &page.body[page.body.find(&anchor)?..];
    let line = &rest[..rest.find("</label>")?];
    let count = line
        .split("<span class=\"facet-count\">")
        .nth(1)?
        .split('<')
        .next()?;
    count.replace(',', "").parse().ok()
}

/// The result count a listing states.
fn result_count(page: &crate::helpers::Page) -> u32 {
    let text = page
        .body
        .split("<p class=\"page-head__count\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a result count");
    match text {
        "No open jobs" => 0,
        "1 open job" => 1,
        other => other
            .split_whitespace()
            .next()
            .unwrap()
            .replace(',', "")
            .parse()
            .unwrap(),
    }
}

#[actix_web::test]
async fn facet_counts_equal_what_choosing_the_option_shows() {
    let app = spawn_app().await;
    fixtures(&app);
    let base = "/jobs?salary=40000";

    let page = app.get(base).await;

    let mut checked = 0;
    for (name, value) in [
        ("technology", "rust"),
        ("technology", "go"),
        ("technology", "postgresql"),
        ("city", "Berlin"),
        ("city", "Hamburg"),
        ("remote", "remote"),
        ("remote", "hybrid"),
        ("seniority", "senior"),
        ("seniority", "mid"),
    ] {
        let Some(shown) = facet_count(&page, name, value) else {
            // Options without jobs are not listed at all (technologies, cities) or disabled.
            continue;
        };
        let mut chosen = app.get(&format!("{base}&{name}={value}")).await;
        // The URL goes to its normal form (parameter order) first.
        if chosen.status == 301 {
            let location = chosen.header("location").unwrap().to_owned();
            chosen = app.get(&location).await;
        }
        assert_eq!(chosen.status, 200, "{name}={value}");
        assert_eq!(result_count(&chosen), shown, "{name}={value}");
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} options had counts");
    // Drill-down: a chosen technology's own facet still counts the other technologies.
    let rust = app.get("/jobs?technology=rust&salary=40000").await;
    assert!(facet_count(&rust, "technology", "go").is_some_and(|n| n > 0));
}

#[actix_web::test]
async fn options_without_jobs_are_disabled_or_left_out() {
    let app = spawn_app().await;
    fixtures(&app);

    let page = app.get("/jobs?salary=100000").await;

    // Only Alpha (Berlin, senior) and Delta (remote contract) pay that much.
    page.assert_lacks("name=\"technology\" value=\"postgresql\"");
    page.assert_lacks("name=\"city\" value=\"Hamburg\"");
    page.assert_contains("name=\"seniority\" value=\"junior\" disabled>");
    page.assert_contains("name=\"remote\" value=\"hybrid\" disabled>");
}
