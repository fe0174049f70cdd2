//! Full-text search: punctuated technology names, umlauts, websearch syntax, relevance.

use crate::helpers::{JobBuilder, TestApp, basic_fixtures, spawn_app};
use chrono::{Duration, Utc};

fn titles_found(page: &crate::helpers::Page, candidates: &[&str]) -> Vec<String> {
    candidates
        .iter()
        .filter(|title| page.body.contains(&format!(">{title}</a>")))
        .map(|title| (*title).to_owned())
        .collect()
}

fn technology_fixtures(app: &TestApp) {
    basic_fixtures(app);
    for (slug, name) in [
        ("cpp", "C++"),
        ("csharp", "C#"),
        ("dotnet", ".NET"),
        ("nodejs", "Node.js"),
        ("fsharp", "F#"),
    ] {
        app.technology(slug, name);
    }
    app.insert(
        JobBuilder::new("Systems Engineer")
            .slug("cpp-job")
            .technologies(&["cpp"]),
    );
    app.insert(
        JobBuilder::new("Application Engineer")
            .slug("csharp-job")
            .technologies(&["csharp"]),
    );
    app.insert(
        JobBuilder::new("Platform Engineer")
            .slug("dotnet-job")
            .technologies(&["dotnet"]),
    );
    app.insert(
        JobBuilder::new("Backend Engineer")
            .slug("node-job")
            .technologies(&["nodejs"]),
    );
    app.insert(
        JobBuilder::new("Services Engineer")
            .slug("go-job")
            .technologies(&["go"]),
    );
    app.insert(
        JobBuilder::new("Functional Engineer")
            .slug("fsharp-job")
            .technologies(&["fsharp"]),
    );
    app.insert(
        JobBuilder::new("Embedded C Developer")
            .slug("c-job")
            .description("We write plain C for microcontrollers."),
    );
}

const TECH_TITLES: &[&str] = &[
    "Systems Engineer",
    "Application Engineer",
    "Platform Engineer",
    "Backend Engineer",
    "Services Engineer",
    "Functional Engineer",
    "Embedded C Developer",
];

#[actix_web::test]
async fn technology_names_with_punctuation_are_found_exactly() {
    let app = spawn_app().await;
    technology_fixtures(&app);

    for (query, expected) in [
        ("C%2B%2B", "Systems Engineer"),
        ("c%23", "Application Engineer"),
        (".NET", "Platform Engineer"),
        ("Node.js", "Backend Engineer"),
        ("Go", "Services Engineer"),
        ("F%23", "Functional Engineer"),
    ] {
        let page = app.get(&format!("/jobs?q={query}")).await;
        assert_eq!(page.status, 200, "{query}");
        assert_eq!(
            titles_found(&page, TECH_TITLES),
            vec![expected.to_owned()],
            "q={query}"
        );
    }
}

#[actix_web::test]
async fn punctuated_names_in_titles_and_descriptions_count_too() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Senior C++ Developer"));
    app.insert(
        JobBuilder::new("Tooling Engineer")
            .description("Our build tools are written in C# and F#."),
    );
    app.insert(JobBuilder::new("C Programmer"));

    let cpp = app.get("/jobs?q=c%2B%2B").await;
    let csharp = app.get("/jobs?q=C%23").await;

    let all = ["Senior C++ Developer", "Tooling Engineer", "C Programmer"];
    assert_eq!(
        titles_found(&cpp, &all),
        vec!["Senior C++ Developer".to_owned()]
    );
    assert_eq!(
        titles_found(&csharp, &all),
        vec!["Tooling Engineer".to_owned()]
    );
}

#[actix_web::test]
async fn city_names_match_with_or_without_umlauts() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Munich Role").city("München"));
    app.insert(JobBuilder::new("Cologne Role").city("Köln"));
    app.insert(JobBuilder::new("Berlin Role").city("Berlin"));
    let all = ["Munich Role", "Cologne Role", "Berlin Role"];

    for query in ["M%C3%BCnchen", "Munchen", "Muenchen", "m%C3%BCnchen"] {
        let page = app.get(&format!("/jobs?q={query}")).await;
        assert_eq!(
            titles_found(&page, &all),
            vec!["Munich Role".to_owned()],
            "q={query}"
        );
    }
    for query in ["K%C3%B6ln", "Koeln", "Koln"] {
        let page = app.get(&format!("/jobs?q={query}")).await;
        assert_eq!(
            titles_found(&page, &all),
            vec!["Cologne Role".to_owned()],
            "q={query}"
        );
    }
}

#[actix_web::test]
async fn websearch_syntax_supports_phrases_exclusion_and_or() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Data Engineer").description("Streaming data platform in Kafka."));
    app.insert(
        JobBuilder::new("Platform Engineer").description("Data pipelines and a platform team."),
    );
    app.insert(JobBuilder::new("Frontend Engineer").description("Design systems in React."));
    let all = ["Data Engineer", "Platform Engineer", "Frontend Engineer"];

    let phrase = app.get("/jobs?q=%22data+platform%22").await;
    let excluded = app.get("/jobs?q=engineer+-react").await;
    let either = app.get("/jobs?q=kafka+or+react").await;

    assert_eq!(
        titles_found(&phrase, &all),
        vec!["Data Engineer".to_owned()]
    );
    assert_eq!(
        titles_found(&excluded, &all),
        vec!["Data Engineer".to_owned(), "Platform Engineer".to_owned()]
    );
    assert_eq!(
        titles_found(&either, &all),
        vec!["Data Engineer".to_owned(), "Frontend Engineer".to_owned()]
    );
}

#[actix_web::test]
async fn title_matches_rank_above_company_and_description_matches_then_recency() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    let now = Utc::now();
    app.insert(
        JobBuilder::new("Backend Engineer")
            .description("You will also touch Kotlin now and then.")
            .posted(now - Duration::hours(1)),
    );
    app.insert(JobBuilder::new("Kotlin Engineer").posted(now - Duration::days(20)));
    app.insert(
        JobBuilder::new("Android Engineer")
            .technologies(&["go"])
            .description("Our apps are Kotlin-first.")
            .posted(now - Duration::days(3)),
    );

    let page = app.get("/jobs?q=kotlin").await;

    let title_match = page
        .body
        .find(">Kotlin Engineer</a>")
        .expect("title match listed");
    let description_match = page
        .body
        .find(">Backend Engineer</a>")
        .expect("description match listed");
    assert!(
        title_match < description_match,
        "the older title match comes first"
    );
    page.assert_contains(">Android Engineer</a>");
}

#[actix_web::test]
async fn the_company_name_and_technologies_are_searchable() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.company("nordlicht", "Nordlicht Robotics", "Hamburg");
    app.insert(JobBuilder::new("Robot Whisperer").company("nordlicht"));
    app.insert(JobBuilder::new("Database Person").technologies(&["postgresql"]));
    let all = ["Robot Whisperer", "Database Person"];

    let by_company = app.get("/jobs?q=nordlicht").await;
    let by_technology = app.get("/jobs?q=postgresql").await;

    assert_eq!(
        titles_found(&by_company, &all),
        vec!["Robot Whisperer".to_owned()]
    );
    assert_eq!(
        titles_found(&by_technology, &all),
        vec!["Database Person".to_owned()]
    );
}

#[actix_web::test]
async fn a_renamed_company_is_found_under_its_new_name() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Renamed Role"));
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE companies SET name = 'Zebrafish Systems' WHERE slug = 'acme'"),
        &mut app.conn(),
    )
    .unwrap();

    let page = app.get("/jobs?q=zebrafish").await;

    page.assert_contains(">Renamed Role</a>");
}

/// A GET that does not wait for the catalog first, unlike `TestApp::get`: what a visitor
/// sees right after a change.
async fn visitor_sees(app: &TestApp, path: &str, text: &str) -> bool {
    let mut response = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("GET");
    let body = response.body().limit(10 * 1024 * 1024).await.expect("body");
    String::from_utf8_lossy(&body).contains(text)
}

/// Polls `path` until `text` is (or is no longer) on it; the time it took.
async fn time_until(app: &TestApp, path: &str, text: &str, present: bool) -> std::time::Duration {
    let started = std::time::Instant::now();
    while visitor_sees(app, path, text).await != present {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{text:?} still {} on {path} after 5 s",
            if present { "missing" } else { "shown" }
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    started.elapsed()
}

/// `text` shows (or is gone) within a second on the list, a search and a landing page.
async fn shows_everywhere_within_a_second(app: &TestApp, text: &str, present: bool) {
    for path in ["/jobs", "/jobs?q=rust", "/technologies/rust"] {
        let took = time_until(app, path, text, present).await;
        assert!(
            took < std::time::Duration::from_secs(1),
            "{path}: {text:?} took {took:?} to {}",
            if present { "show" } else { "leave" }
        );
    }
}

#[actix_web::test]
async fn a_published_job_shows_and_a_closed_one_leaves_within_a_second() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(
        JobBuilder::new("Steady Rust Engineer")
            .slug("steady-rust")
            .technologies(&["rust"]),
    );
    app.get("/jobs")
        .await
        .assert_contains("Steady Rust Engineer");
    // Warm every cache on the way: pages, counts and the text search.
    app.get("/jobs?q=rust").await;
    assert_eq!(app.get("/technologies/rust").await.status, 200);

    // Changes made elsewhere (another instance, an editor), not through this app.
    let mut elsewhere = app.db.connect();
    jobboard::repo::jobs::insert(
        &mut elsewhere,
        &JobBuilder::new("Brand New Rust Engineer")
            .slug("brand-new-rust")
            .technologies(&["rust"])
            .build(),
    )
    .unwrap();
    shows_everywhere_within_a_second(&app, "Brand New Rust Engineer", true).await;

    jobboard::repo::jobs::set_status(
        &mut elsewhere,
        &jobboard::domain::slug::Slug::parse("steady-rust").unwrap(),
        jobboard::domain::job::JobStatus::Closed,
    )
    .unwrap();
    shows_everywhere_within_a_second(&app, "Steady Rust Engineer", false).await;
    assert!(visitor_sees(&app, "/jobs", "1 open job").await);
}

/// The candidates listed on `page`, in the order they appear.
fn titles_in_order(page: &crate::helpers::Page, candidates: &[&str]) -> Vec<String> {
    let mut found: Vec<(usize, String)> = candidates
        .iter()
        .filter_map(|title| {
            page.body
                .find(&format!(">{title}</a>"))
                .map(|at| (at, (*title).to_owned()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, title)| title).collect()
}

#[actix_web::test]
async fn rust_ranks_rust_jobs_first_whatever_their_age() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.technology("python", "Python");
    let now = Utc::now();
    app.insert(
        JobBuilder::new("Python Developer")
            .technologies(&["python"])
            .description("We might try Rust for one small tool next year.")
            .posted(now - Duration::hours(1)),
    );
    app.insert(
        JobBuilder::new("Rust Engineer")
            .technologies(&["rust"])
            .posted(now - Duration::days(25)),
    );
    app.insert(
        JobBuilder::new("Backend Engineer")
            .technologies(&["rust", "postgresql"])
            .description("Services in Rust on PostgreSQL.")
            .posted(now - Duration::days(10)),
    );
    app.insert(JobBuilder::new("Go Developer").technologies(&["go"]));

    let page = app.get("/jobs?q=rust").await;

    let order = titles_in_order(
        &page,
        &[
            "Python Developer",
            "Rust Engineer",
            "Backend Engineer",
            "Go Developer",
        ],
    );
    assert_eq!(
        order,
        ["Rust Engineer", "Backend Engineer", "Python Developer"],
        "Rust jobs first, a passing mention last, unrelated jobs not at all"
    );
}

#[actix_web::test]
async fn senior_python_berlin_puts_senior_python_jobs_in_berlin_first() {
    use jobboard::domain::job::Seniority;
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.technology("python", "Python");
    let now = Utc::now();
    app.insert(
        JobBuilder::new("Senior Python Engineer")
            .technologies(&["python"])
            .seniority(Seniority::Senior)
            .city("Berlin")
            .posted(now - Duration::days(20)),
    );
    app.insert(
        JobBuilder::new("Junior Python Developer")
            .technologies(&["python"])
            .seniority(Seniority::Junior)
            .city("Berlin")
            .description("A senior engineer mentors you.")
            .posted(now - Duration::hours(2)),
    );
    app.insert(
        JobBuilder::new("Senior Data Engineer")
            .technologies(&["python"])
            .seniority(Seniority::Senior)
            .city("Hamburg")
            .description("Our Berlin office is a train ride away.")
            .posted(now - Duration::hours(1)),
    );
    app.insert(
        JobBuilder::new("Senior Rust Engineer")
            .technologies(&["rust"])
            .seniority(Seniority::Senior)
            .city("Berlin"),
    );

    let page = app.get("/jobs?q=senior+python+berlin").await;

    let order = titles_in_order(
        &page,
        &[
            "Senior Python Engineer",
            "Junior Python Developer",
            "Senior Data Engineer",
            "Senior Rust Engineer",
        ],
    );
    assert_eq!(
        order.first().map(String::as_str),
        Some("Senior Python Engineer")
    );
    assert!(
        !order.contains(&"Senior Rust Engineer".to_owned()),
        "every word must match: {order:?}"
    );
}

#[actix_web::test]
async fn mistyped_words_of_five_letters_or_more_still_find_jobs() {
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.technology("kubernetes", "Kubernetes");
    app.technology("python", "Python");
    app.insert(JobBuilder::new("Platform Engineer").technologies(&["kubernetes"]));
    app.insert(JobBuilder::new("Data Scientist").technologies(&["python"]));
    app.insert(JobBuilder::new("Go Developer").technologies(&["go"]));
    let all = ["Platform Engineer", "Data Scientist", "Go Developer"];

    for (query, expected) in [
        ("kubernets", "Platform Engineer"),
        ("kubernetes", "Platform Engineer"),
        ("pyhton", "Data Scientist"),
    ] {
        let page = app.get(&format!("/jobs?q={query}")).await;
        assert_eq!(
            titles_found(&page, &all),
            vec![expected.to_owned()],
            "q={query}"
        );
    }
    // Short words must match as typed: "og" is not "go".
    let short = app.get("/jobs?q=og").await;
    assert!(titles_found(&short, &all).is_empty());
}

#[actix_web::test]
async fn csharp_matches_neither_c_nor_cpp_and_exclusion_removes_jobs() {
    let app = spawn_app().await;
    technology_fixtures(&app);
    app.technology("php", "PHP");
    app.insert(
        JobBuilder::new("Web Engineer")
            .technologies(&["php"])
            .description("Laravel and a little C# on the side."),
    );

    let csharp = app.get("/jobs?q=c%23").await;
    let without_php = app.get("/jobs?q=c%23+-php").await;

    let mut all = TECH_TITLES.to_vec();
    all.push("Web Engineer");
    assert_eq!(
        titles_found(&csharp, &all),
        vec!["Application Engineer".to_owned(), "Web Engineer".to_owned()]
    );
    assert_eq!(
        titles_found(&without_php, &all),
        vec!["Application Engineer".to_owned()]
    );
}

#[actix_web::test]
async fn the_index_on_disk_is_built_once_then_caught_up_after_a_restart() {
    use jobboard::search::sync::{Outcome, bring_up_to_date};
    use jobboard::search::{Location, TextIndex};
    let app = spawn_app().await;
    basic_fixtures(&app);
    app.insert(JobBuilder::new("Lighthouse Keeper"));
    app.insert(JobBuilder::new("Closed Role").status(jobboard::domain::job::JobStatus::Closed));
    let dir = std::env::temp_dir().join(format!("{}_text_index", app.db.name));
    let _ = std::fs::remove_dir_all(&dir);
    let names = std::collections::HashMap::new();
    let mut conn = app.conn();
    let mut progress_calls = 0;

    let index = TextIndex::open(Location::Directory(dir.clone())).unwrap();
    assert!(
        index.search("lighthouse").is_err(),
        "nothing to search before the build"
    );
    let first = bring_up_to_date(&mut conn, &index, &names, &mut |_, _| progress_calls += 1);
    assert_eq!(
        first.unwrap(),
        Outcome::Rebuilt(1),
        "only the published job"
    );
    assert!(progress_calls > 0);
    assert_eq!(index.search("lighthouse").unwrap().len(), 1);
    drop(index);

    // Written while no server ran.
    app.insert(JobBuilder::new("Harbour Pilot"));
    let reopened = TextIndex::open(Location::Directory(dir.clone())).unwrap();
    assert_eq!(
        reopened.search("lighthouse").unwrap().len(),
        1,
        "kept on disk"
    );
    let second = bring_up_to_date(&mut conn, &reopened, &names, &mut |_, _| {}).unwrap();
    assert!(
        matches!(second, Outcome::CaughtUp(n) if n >= 1),
        "caught up, not rebuilt: {second:?}"
    );
    assert_eq!(reopened.search("harbour pilot").unwrap().len(), 1);
    drop(reopened);

    // An index of another database is not trusted.
    let other = crate::helpers::TestDatabase::new();
    let mut other_conn = other.connect();
    let again = TextIndex::open(Location::Directory(dir.clone())).unwrap();
    let third = bring_up_to_date(&mut other_conn, &again, &names, &mut |_, _| {}).unwrap();
    assert_eq!(third, Outcome::Rebuilt(0));
    assert!(again.search("lighthouse").unwrap().is_empty());
    drop(again);
    let _ = std::fs::remove_dir_all(&dir);
}
