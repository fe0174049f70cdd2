//! The admin gate: sign-in and sign-out, throttling, sessions in PostgreSQL shared by
//! every instance, CSRF, roles, return paths, and the audit trail. Every admin route is
//! walked from `jobboard::web::admin::ROUTES`, so routes added later are covered too.

use crate::helpers::{
    AdminClient, AdminResponse, EDITOR_PASSWORD, TestApp, TestDatabase, form_value, spawn_app,
    spawn_app_with, spawn_instance_on, table_digests,
};
use chrono::TimeDelta;
use diesel::RunQueryDsl;
use jobboard::domain::editor::Role;
use jobboard::repo;
use jobboard::web::admin::{Access, ROUTES};
use std::time::{Duration, Instant};

/// A second strong password, for changes and resets.
const NEW_PASSWORD: &str = "amber glacier whistles 77 softly";

/// Fields a form of any admin route might take, set to values that would show in the
/// database had the post been accepted.
const HOSTILE_FORM: &[(&str, &str)] = &[
    ("email", "mallory@evil.example"),
    ("name", "Mallory"),
    ("role", "admin"),
    ("active", "false"),
    ("password", NEW_PASSWORD),
    ("current", EDITOR_PASSWORD),
    ("confirm", NEW_PASSWORD),
    ("title", "Defaced"),
    ("slug", "defaced"),
    ("summary", "Defaced"),
    ("body", "Defaced"),
    ("status", "published"),
];

fn role_of(app: &TestApp, id: i64) -> Role {
    repo::editors::find(&mut app.db.connect(), id)
        .expect("editor")
        .role
}

fn age_sessions(app: &TestApp, editor_id: i64, by: TimeDelta) {
    repo::editors::age_sessions_of(&mut app.db.connect(), editor_id, by).expect("age sessions");
}

/// A route pattern with every `{…}` parameter replaced by `id`.
fn concrete(pattern: &str, id: i64) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in pattern.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push_str(&id.to_string());
                }
                depth += 1;
            }
            '}' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

fn sign_in_location(next: &str) -> String {
    format!(
        "/admin/login?{}",
        serde_urlencoded::to_string([("next", next)]).unwrap()
    )
}

/// The sign-in page's error message.
fn login_error(page: &AdminResponse) -> String {
    page.body
        .split("id=\"login-error\">")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_else(|| panic!("no sign-in error on the page:\n{}", page.body))
        .to_owned()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// The audit table's rows as text cells: when, who, action, what, details, from.
fn audit_rows(html: &str) -> Vec<Vec<String>> {
    let Some(tbody) = html
        .split("<tbody>")
        .nth(1)
        .and_then(|rest| rest.split("</tbody>").next())
    else {
        return Vec::new();
    };
    tbody
        .split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td>")
                .skip(1)
                .map(|cell| strip_tags(cell.split("</td>").next().unwrap_or_default()))
                .collect()
        })
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

// --- Signing in ------------------------------------------------------------------------

#[actix_web::test]
async fn signing_in_leads_to_next_with_an_http_only_lax_session_cookie() {
    let app = spawn_app().await;
    app.editor("anna@example.org", "Anna Schmidt", Role::Editor);
    let client = app.admin_client();

    let form = client.get("/admin/login?next=%2Fadmin%2Faccount").await;
    let response = client
        .post(
            "/admin/login",
            &[
                ("email", "anna@example.org"),
                ("password", EDITOR_PASSWORD),
                ("next", &form_value(&form.body, "next").unwrap()),
                ("csrf", &form.csrf().unwrap()),
            ],
        )
        .await;

    form.assert_status(200);
    let pre_session = form.set_cookie("jb_csrf").expect("a pre-session cookie");
    assert!(
        pre_session.starts_with(&format!("jb_csrf={};", form.csrf().unwrap())),
        "the form's token is the cookie's: {pre_session}"
    );
    response.assert_redirect("/admin/account");
    let cookie = response.set_cookie("jb_session").expect("a session cookie");
    let token = client.session().unwrap();
    assert!(
        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{cookie}"
    );
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "no Secure over http: {cookie}");
    let account = client.get("/admin/account").await;
    account.assert_status(200);
    account.assert_contains("Anna Schmidt");
}

#[actix_web::test]
async fn sessions_are_stored_as_hashes_of_their_tokens() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("anna@example.org", Role::Editor).await;
    let token = client.session().unwrap();

    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        hashed: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        plain: i64,
    }
    let found: Found = diesel::sql_query(
        "SELECT count(*) FILTER (WHERE token_hash = sha256(convert_to($1, 'UTF8'))) AS hashed, \
         count(*) FILTER (WHERE encode(token_hash, 'hex') = $1 OR csrf_token = $1) AS plain \
         FROM editor_sessions",
    )
    .bind::<diesel::sql_types::Text, _>(&token)
    .get_result(&mut app.db.connect())
    .unwrap();

    assert_eq!((found.hashed, found.plain), (1, 0));
}

#[actix_web::test]
async fn signing_in_again_issues_a_new_session_and_ends_the_old_one() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("anna@example.org", Role::Editor).await;
    let first = client.session().unwrap();

    let again = client.login("anna@example.org", EDITOR_PASSWORD).await;

    again.assert_status(303);
    let second = client.session().unwrap();
    assert_ne!(first, second, "signing in must issue a new session id");
    AdminClient::with_session(&app.address, &first)
        .get("/admin/account")
        .await
        .assert_sign_in_redirect();
    AdminClient::with_session(&app.address, &second)
        .get("/admin/account")
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn over_https_the_session_cookie_is_secure_and_bound_to_the_host() {
    let db = TestDatabase::new();
    let app = spawn_app_with(db.url(), db, &[("SITE_URL", "https://jobs.example.org")]).await;
    app.editor("anna@example.org", "Anna", Role::Editor);
    let client = app.admin_client().with_origin("https://jobs.example.org");

    let response = client.login("anna@example.org", EDITOR_PASSWORD).await;

    response.assert_status(303);
    let cookie = response
        .set_cookie("__Host-jb_session")
        .unwrap_or_else(|| panic!("a __Host- session cookie: {:?}", response.set_cookies));
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

#[actix_web::test]
async fn a_wrong_password_an_unknown_address_and_a_deactivated_account_get_the_same_answer() {
    let app = spawn_app().await;
    app.editor("anna@example.org", "Anna", Role::Editor);
    let gone = app.editor("gone@example.org", "Gone", Role::Editor);
    repo::editors::set_active(&mut app.db.connect(), gone, false).unwrap();

    let wrong = app
        .admin_client()
        .login("anna@example.org", "not the password at all")
        .await;
    let unknown = app
        .admin_client()
        .login("nobody@example.org", "not the password at all")
        .await;
    let deactivated = app
        .admin_client()
        .login("gone@example.org", EDITOR_PASSWORD)
        .await;

    for page in [&wrong, &unknown, &deactivated] {
        page.assert_status(401);
        assert!(page.set_cookie("jb_session").is_none());
    }
    assert_eq!(login_error(&wrong), login_error(&unknown));
    assert_eq!(login_error(&wrong), login_error(&deactivated));
    assert!(
        login_error(&wrong).contains("do not match"),
        "{}",
        login_error(&wrong)
    );
    assert_eq!(
        form_value(&unknown.body, "email").as_deref(),
        Some("nobody@example.org"),
        "the typed address is kept"
    );
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_address_take_about_as_long() {
    let app = spawn_app().await;
    app.editor("anna@example.org", "Anna", Role::Editor);
    app.editor("bert@example.org", "Bert", Role::Editor);
    let client = app.admin_client();
    let csrf = client.get("/admin/login").await.csrf().unwrap();
    let attempt = |email: String| {
        let csrf = csrf.clone();
        let client = &client;
        async move {
            let started = Instant::now();
            let page = client
                .post(
                    "/admin/login",
                    &[
                        ("email", &email),
                        ("password", "not the password at all"),
                        ("csrf", &csrf),
                    ],
                )
                .await;
            let took = started.elapsed();
            page.assert_status(401);
            took
        }
    };

    // Nine each, interleaved so that load from other tests hits both alike. Two known
    // accounts: each is throttled after five failures (and the address after twenty).
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..9 {
        let known = if i % 2 == 0 { "anna" } else { "bert" };
        wrong.push(attempt(format!("{known}@example.org")).await);
        unknown.push(attempt(format!("nobody{i}@example.org")).await);
    }

    let (wrong, unknown) = (median(wrong), median(unknown));
    let ratio = wrong.as_secs_f64().max(unknown.as_secs_f64())
        / wrong.as_secs_f64().min(unknown.as_secs_f64());
    assert!(
        ratio < 3.0,
        "median wrong password {wrong:?}, median unknown address {unknown:?}"
    );
}

// --- Throttling ------------------------------------------------------------------------

#[actix_web::test]
async fn five_failures_throttle_the_account_even_for_the_right_password() {
    let app = spawn_app().await;
    app.editor("anna@example.org", "Anna", Role::Editor);
    let client = app.admin_client();
    for _ in 0..5 {
        client
            .login("anna@example.org", "not the password at all")
            .await
            .assert_status(401);
    }

    let sixth = client.login("anna@example.org", EDITOR_PASSWORD).await;
    let other_case = app
        .admin_client()
        .login("Anna@Example.ORG", EDITOR_PASSWORD)
        .await;

    for page in [&sixth, &other_case] {
        page.assert_status(429);
        let wait: u64 = page
            .header("retry-after")
            .expect("Retry-After")
            .parse()
            .expect("Retry-After in seconds");
        assert!(wait > 0 && wait <= 15 * 60, "Retry-After {wait}");
        page.assert_contains("too many failed sign-ins");
        page.assert_contains("minute");
        assert!(page.set_cookie("jb_session").is_none());
    }
}

#[actix_web::test]
async fn a_successful_sign_in_forgives_the_accounts_failures() {
    let app = spawn_app().await;
    app.editor("anna@example.org", "Anna", Role::Editor);
    let guesser = app.admin_client();
    for _ in 0..4 {
        guesser
            .login("anna@example.org", "not the password at all")
            .await
            .assert_status(401);
    }
    app.admin_client()
        .sign_in("anna@example.org", EDITOR_PASSWORD)
        .await;

    let mut after = Vec::new();
    for _ in 0..4 {
        after.push(
            guesser
                .login("anna@example.org", "not the password at all")
                .await
                .status,
        );
    }
    let last = app
        .admin_client()
        .login("anna@example.org", EDITOR_PASSWORD)
        .await;

    assert_eq!(after, [401, 401, 401, 401]);
    last.assert_status(303);
}

#[actix_web::test]
async fn twenty_failures_from_one_address_throttle_every_account() {
    let app = spawn_app().await;
    app.editor("anna@example.org", "Anna", Role::Editor);
    let client = app.admin_client();
    for i in 0..20 {
        client
            .login(&format!("guess{i}@example.org"), "not the password at all")
            .await
            .assert_status(401);
    }

    let next = app
        .admin_client()
        .login("anna@example.org", EDITOR_PASSWORD)
        .await;

    next.assert_status(429);
    assert!(
        next.header("retry-after")
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|s| s > 0)
    );
}

// --- Signing out, expiry ---------------------------------------------------------------

#[actix_web::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let (client, id) = app.signed_in("anna@example.org", Role::Editor).await;
    let token = client.session().unwrap();

    let response = client.submit("/admin/logout", &[]).await;

    response.assert_redirect("/admin/login");
    let removal = response.set_cookie("jb_session").expect("cookie removed");
    assert!(removal.contains("Max-Age=0"), "{removal}");
    AdminClient::with_session(&app.address, &token)
        .get("/admin/account")
        .await
        .assert_sign_in_redirect();
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let left: N =
        diesel::sql_query("SELECT count(*) AS n FROM editor_sessions WHERE editor_id = $1")
            .bind::<diesel::sql_types::BigInt, _>(id)
            .get_result(&mut app.db.connect())
            .unwrap();
    assert_eq!(left.n, 0);
}

#[actix_web::test]
async fn a_get_of_the_sign_out_address_changes_nothing() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in("anna@example.org", Role::Editor).await;

    let response = client.get("/admin/logout").await;

    assert!(
        matches!(response.status, 303 | 404 | 405),
        "GET /admin/logout answered {}",
        response.status
    );
    assert!(response.set_cookie("jb_session").is_none());
    client.get("/admin/account").await.assert_status(200);
}

#[actix_web::test]
async fn a_session_idle_for_more_than_two_hours_ends() {
    let app = spawn_app().await;
    let (client, id) = app.signed_in("anna@example.org", Role::Editor).await;

    age_sessions(&app, id, TimeDelta::minutes(119));
    let still = client.get("/admin/account").await;
    age_sessions(&app, id, TimeDelta::minutes(121));
    let ended = client.get("/admin/account").await;

    still.assert_status(200);
    ended.assert_redirect(&sign_in_location("/admin/account"));
}

#[actix_web::test]
async fn a_session_ends_twelve_hours_after_sign_in_however_active() {
    let app = spawn_app().await;
    let (client, id) = app.signed_in("anna@example.org", Role::Editor).await;

    // Active every 1 h 55 min: never idle for two hours.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        age_sessions(&app, id, TimeDelta::minutes(115));
        statuses.push(client.get("/admin/account").await.status);
    }

    // 6 × 1:55 = 11:30 after sign-in, 7 × 1:55 = 13:25.
    assert_eq!(statuses, [200, 200, 200, 200, 200, 200, 303]);
    client
        .get("/admin/account")
        .await
        .assert_redirect(&sign_in_location("/admin/account"));
}

// --- Two instances on one database -----------------------------------------------------

#[actix_web::test]
async fn deactivating_an_editor_on_one_instance_ends_their_session_on_another() {
    let app = spawn_app().await;
    let other = spawn_instance_on(&app).await;
    let (boss, _) = app.signed_in("boss@example.org", Role::Admin).await;
    let (anna, anna_id) = app.signed_in("anna@example.org", Role::Editor).await;
    let on_other = other.admin_client();
    on_other.set_cookie("jb_session", &anna.session().unwrap());
    let before = on_other.get("/admin/account").await;

    let deactivated = boss
        .submit(
            &format!("/admin/editors/{anna_id}/active"),
            &[("active", "false")],
        )
        .await;

    before.assert_status(200);
    before.assert_contains("anna@example.org");
    deactivated.assert_redirect(&format!("/admin/editors/{anna_id}"));
    on_other
        .get("/admin/account")
        .await
        .assert_sign_in_redirect();
    anna.get("/admin/account").await.assert_sign_in_redirect();
}

#[actix_web::test]
async fn signing_out_on_one_instance_ends_the_session_on_another() {
    let app = spawn_app().await;
    let other = spawn_instance_on(&app).await;
    let (anna, _) = app.signed_in("anna@example.org", Role::Editor).await;
    let on_other = AdminClient::with_session(&other.address, &anna.session().unwrap());

    on_other
        .submit("/admin/logout", &[])
        .await
        .assert_redirect("/admin/login");

    anna.get("/admin/account").await.assert_sign_in_redirect();
}

// --- CSRF ------------------------------------------------------------------------------

#[actix_web::test]
async fn posts_without_the_right_token_or_from_another_site_change_nothing() {
    let app = spawn_app().await;
    let (boss, _) = app.signed_in("boss@example.org", Role::Admin).await;
    let (anna, anna_id) = app.signed_in("anna@example.org", Role::Editor).await;
    let path = format!("/admin/editors/{anna_id}/role");
    let token = boss.csrf().await;
    let annas_token = anna.csrf().await;
    let wrong = "0".repeat(64);

    let attempts = [
        ("no token", boss.post(&path, &[("role", "admin")]).await),
        (
            "a wrong token",
            boss.post(&path, &[("role", "admin"), ("csrf", &wrong)])
                .await,
        ),
        (
            "another session's token",
            boss.post(&path, &[("role", "admin"), ("csrf", &annas_token)])
                .await,
        ),
        (
            "a foreign Origin",
            boss.post_with(
                &path,
                &[("role", "admin"), ("csrf", &token)],
                &[("origin", "https://evil.example")],
            )
            .await,
        ),
        (
            "Sec-Fetch-Site: cross-site",
            boss.post_with(
                &path,
                &[("role", "admin"), ("csrf", &token)],
                &[("sec-fetch-site", "cross-site")],
            )
            .await,
        ),
    ];

    for (what, response) in &attempts {
        assert_eq!(response.status, 403, "{what}: {}", response.body);
    }
    assert_eq!(role_of(&app, anna_id), Role::Editor);
    // The same post, as the page sends it, does change the role.
    boss.post(&path, &[("role", "admin"), ("csrf", &token)])
        .await
        .assert_status(303);
    assert_eq!(role_of(&app, anna_id), Role::Admin);
}

// --- Return paths ----------------------------------------------------------------------

#[actix_web::test]
async fn sign_in_never_leads_off_the_admin_side() {
    let app = spawn_app().await;
    app.editor("anna@example.org", "Anna", Role::Editor);

    for next in [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/admin",
        "/jobs",
        "javascript:alert(1)",
        "/admin@evil.example",
        "/admin/../jobs",
    ] {
        let client = app.admin_client();
        let form = client
            .get(&format!(
                "/admin/login?{}",
                serde_urlencoded::to_string([("next", next)]).unwrap()
            ))
            .await;
        let response = client
            .login_next("anna@example.org", EDITOR_PASSWORD, next)
            .await;

        assert_eq!(
            form_value(&form.body, "next").as_deref(),
            Some("/admin"),
            "{next:?}"
        );
        assert_eq!(
            (response.status, response.location()),
            (303, Some("/admin")),
            "{next:?}"
        );
    }
}

#[actix_web::test]
async fn return_paths_with_encoded_dot_segments_stay_under_admin() {
    let app = spawn_app().await;
    app.editor("anna@example.org", "Anna", Role::Editor);

    // Browsers read %2e%2e, .%2e and %2e. as "..": these lead to /jobs.
    for next in ["/admin/%2e%2e/jobs", "/admin/.%2E/jobs", "/admin/%2E./jobs"] {
        let response = app
            .admin_client()
            .login_next("anna@example.org", EDITOR_PASSWORD, next)
            .await;

        assert_eq!(
            (response.status, response.location()),
            (303, Some("/admin")),
            "{next:?}"
        );
    }
}

#[actix_web::test]
async fn a_signed_out_visit_comes_back_to_the_same_page_after_sign_in() {
    let app = spawn_app().await;
    app.editor("anna@example.org", "Anna", Role::Editor);
    let client = app.admin_client();

    let visit = client.get("/admin/articles?status=draft").await;
    let form = client.get(visit.location().unwrap_or_default()).await;
    let response = client
        .post(
            "/admin/login",
            &[
                ("email", "anna@example.org"),
                ("password", EDITOR_PASSWORD),
                ("next", &form_value(&form.body, "next").unwrap_or_default()),
                ("csrf", &form.csrf().unwrap_or_default()),
            ],
        )
        .await;

    visit.assert_redirect("/admin/login?next=%2Fadmin%2Farticles%3Fstatus%3Ddraft");
    form.assert_status(200);
    response.assert_redirect("/admin/articles?status=draft");
}

// --- Every route of the table ----------------------------------------------------------

/// The table is not empty, so the walks below cannot pass vacuously.
fn assert_table_is_walkable() {
    for (method, access) in [
        ("GET", Access::Anyone),
        ("GET", Access::Editor),
        ("GET", Access::Admin),
        ("POST", Access::Editor),
        ("POST", Access::Admin),
    ] {
        assert!(
            ROUTES
                .iter()
                .any(|r| r.method == method && r.access == access),
            "no {method} route with {access:?} access in ROUTES"
        );
    }
}

#[actix_web::test]
async fn every_admin_page_sends_signed_out_visitors_to_sign_in() {
    assert_table_is_walkable();
    let app = spawn_app().await;
    let id = app.editor("anna@example.org", "Anna", Role::Editor);

    let mut wrong = Vec::new();
    for route in ROUTES.iter().filter(|r| r.method == "GET") {
        let path = concrete(route.pattern, id);
        let page = app.admin_client().get(&path).await;
        let ok = match route.access {
            Access::Anyone => {
                page.status != 303
                    || !page
                        .location()
                        .unwrap_or_default()
                        .starts_with("/admin/login")
            }
            _ => page.status == 303 && page.location() == Some(sign_in_location(&path).as_str()),
        };
        if !ok {
            wrong.push(format!(
                "GET {path} ({:?}): {} to {:?}",
                route.access,
                page.status,
                page.location()
            ));
        }
    }

    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[actix_web::test]
async fn no_admin_post_does_anything_for_a_signed_out_visitor() {
    assert_table_is_walkable();
    let app = spawn_app().await;
    let id = app.editor("anna@example.org", "Anna", Role::Editor);
    let before = table_digests(&mut app.db.connect());

    let mut wrong = Vec::new();
    for route in ROUTES.iter().filter(|r| r.method == "POST") {
        let path = concrete(route.pattern, id);
        let client = app.admin_client();
        // Even with a valid pre-session token (the sign-in form's) nothing happens.
        let pre_session = client.get("/admin/login").await.csrf().unwrap();
        let mut fields = HOSTILE_FORM.to_vec();
        if route.access != Access::Anyone {
            fields.push(("csrf", &pre_session));
        }
        let page = client.post(&path, &fields).await;
        let ok = match page.status {
            401 => page.body.contains("action=\"/admin/login\""),
            403 => true,
            _ => false,
        };
        if !ok {
            wrong.push(format!("POST {path} ({:?}): {}", route.access, page.status));
        }
    }

    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(before, table_digests(&mut app.db.connect()));
}

#[actix_web::test]
async fn editors_are_refused_every_admin_only_route() {
    assert_table_is_walkable();
    let app = spawn_app().await;
    let (anna, id) = app.signed_in("anna@example.org", Role::Editor).await;
    let token = anna.csrf().await;
    let before = table_digests(&mut app.db.connect());

    let mut wrong = Vec::new();
    for route in ROUTES.iter().filter(|r| r.access == Access::Admin) {
        let path = concrete(route.pattern, id);
        let page = if route.method == "POST" {
            let mut fields = HOSTILE_FORM.to_vec();
            fields.push(("csrf", &token));
            anna.post(&path, &fields).await
        } else {
            anna.get(&path).await
        };
        if page.status != 403 {
            wrong.push(format!("{} {path}: {}", route.method, page.status));
        }
    }

    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(before, table_digests(&mut app.db.connect()));
}

#[actix_web::test]
async fn every_admin_post_needs_the_csrf_token() {
    assert_table_is_walkable();
    let app = spawn_app().await;
    let (boss, _) = app.signed_in("boss@example.org", Role::Admin).await;
    let id = app.editor("anna@example.org", "Anna", Role::Editor);
    let before = table_digests(&mut app.db.connect());

    let mut wrong = Vec::new();
    for route in ROUTES.iter().filter(|r| r.method == "POST") {
        let path = concrete(route.pattern, id);
        let page = boss.post(&path, HOSTILE_FORM).await;
        if page.status != 403 {
            wrong.push(format!("POST {path}: {}", page.status));
        }
    }

    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(before, table_digests(&mut app.db.connect()));
}

/// The router reads `/%61dmin/…` as `/admin/…` (it decodes percent-encoded letters), so
/// such a path must get no further than the plain one: the sign-in page, 403 or 404, and
/// the gate's headers. Today only the handlers' extractors stop it.
#[actix_web::test]
async fn percent_encoded_admin_paths_do_not_get_around_the_gate() {
    assert_table_is_walkable();
    let app = spawn_app().await;
    let (anna, id) = app.signed_in("anna@example.org", Role::Editor).await;
    let token = anna.csrf().await;
    let before = table_digests(&mut app.db.connect());

    let mut wrong = Vec::new();
    for route in ROUTES {
        let plain = concrete(route.pattern, id);
        let encoded = plain.replacen("/admin", "/%61dmin", 1);
        let mut answers = Vec::new();
        if route.method == "POST" {
            let page = app.admin_client().post(&encoded, HOSTILE_FORM).await;
            answers.push(("signed out", matches!(page.status, 401 | 403 | 404), page));
            if route.access == Access::Admin {
                let mut fields = HOSTILE_FORM.to_vec();
                fields.push(("csrf", &token));
                let page = anna.post(&encoded, &fields).await;
                answers.push(("editor", matches!(page.status, 403 | 404), page));
            }
        } else {
            let page = app.admin_client().get(&encoded).await;
            let to_sign_in = page.status == 303
                && page
                    .location()
                    .is_some_and(|l| l.starts_with("/admin/login"));
            let as_plain = route.access == Access::Anyone
                && page.status == app.admin_client().get(&plain).await.status;
            answers.push((
                "signed out",
                to_sign_in || as_plain || page.status == 404,
                page,
            ));
            if route.access == Access::Admin {
                let page = anna.get(&encoded).await;
                answers.push(("editor", matches!(page.status, 403 | 404), page));
            }
        }
        for (who, allowed, page) in answers {
            let gated = page
                .header("x-robots-tag")
                .is_some_and(|v| v.contains("noindex"));
            if !allowed || !gated {
                wrong.push(format!(
                    "{} {encoded} ({who}): {} to {:?}, X-Robots-Tag {:?}",
                    route.method,
                    page.status,
                    page.location(),
                    page.header("x-robots-tag")
                ));
            }
        }
    }

    assert_eq!(before, table_digests(&mut app.db.connect()));
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[actix_web::test]
async fn typed_sign_in_input_comes_back_escaped() {
    let app = spawn_app().await;

    let page = app
        .admin_client()
        .login_next(
            "\"><script>alert(1)</script>@example.org",
            "not the password at all",
            "/admin\"><script>alert(2)</script>",
        )
        .await;

    page.assert_status(401);
    page.assert_lacks("<script>alert");
    assert_eq!(
        form_value(&page.body, "email").as_deref(),
        Some("\"><script>alert(1)</script>@example.org")
    );
}

// --- Caching and indexing --------------------------------------------------------------

#[actix_web::test]
async fn admin_responses_are_never_stored_or_indexed() {
    let app = spawn_app().await;
    let (boss, _) = app.signed_in("boss@example.org", Role::Admin).await;
    let (anna, _) = app.signed_in("anna@example.org", Role::Editor).await;
    let anonymous = app.admin_client();

    let responses = [
        ("sign-in page", anonymous.get("/admin/login").await),
        ("signed-out redirect", anonymous.get("/admin/editors").await),
        (
            "signed-out post",
            anonymous.post("/admin/editors", HOSTILE_FORM).await,
        ),
        ("editor list", boss.get("/admin/editors").await),
        ("audit log", boss.get("/admin/audit").await),
        ("account", anna.get("/admin/account").await),
        ("forbidden", anna.get("/admin/editors").await),
        ("not found", anna.get("/admin/no-such-page").await),
    ];

    for (what, page) in &responses {
        assert_eq!(page.header("cache-control"), Some("no-store"), "{what}");
        assert!(
            page.header("x-robots-tag")
                .is_some_and(|v| v.contains("noindex")),
            "{what}: {:?}",
            page.header("x-robots-tag")
        );
    }
}

#[actix_web::test]
async fn robots_txt_keeps_crawlers_out_of_admin() {
    let app = spawn_app().await;

    let robots = app.get("/robots.txt").await;

    assert_eq!(robots.status, 200);
    let lines: Vec<&str> = robots.body.lines().map(str::trim).collect();
    let everyone = lines
        .iter()
        .position(|l| l.eq_ignore_ascii_case("User-agent: *"))
        .expect("a group for every crawler");
    assert!(
        lines[everyone..]
            .iter()
            .take_while(|l| !l.is_empty())
            .any(|l| *l == "Disallow: /admin" || *l == "Disallow: /admin/"),
        "{}",
        robots.body
    );
}

// --- Roles and editors -----------------------------------------------------------------

#[actix_web::test]
async fn editors_cannot_open_the_editor_list_or_the_audit_log() {
    let app = spawn_app().await;
    let boss = app.editor("boss@example.org", "Boss", Role::Admin);
    let (anna, _) = app.signed_in("anna@example.org", Role::Editor).await;

    let editors = anna.get("/admin/editors").await;
    let audit = anna.get("/admin/audit").await;
    let someone = anna.get(&format!("/admin/editors/{boss}")).await;
    let own = anna.get("/admin/account").await;

    for page in [&editors, &audit, &someone] {
        page.assert_status(403);
        page.assert_contains("Only admins");
        page.assert_lacks("boss@example.org");
    }
    own.assert_status(200);
    own.assert_lacks("href=\"/admin/editors\"");
}

#[actix_web::test]
async fn an_admin_creates_an_editor_who_can_then_sign_in() {
    let app = spawn_app().await;
    let (boss, _) = app.signed_in("boss@example.org", Role::Admin).await;

    let created = boss
        .submit(
            "/admin/editors",
            &[
                ("name", "Greta Neumann"),
                ("email", "greta@example.org"),
                ("role", "editor"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    // The next page shows the outcome once.
    let shown = boss.get(created.location().unwrap_or_default()).await;
    let duplicate = boss
        .submit(
            "/admin/editors",
            &[
                ("name", "Greta Again"),
                ("email", "GRETA@example.org"),
                ("role", "editor"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;

    created.assert_status(303);
    let location = created.location().unwrap();
    let id: i64 = location
        .strip_prefix("/admin/editors/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{location}"));
    let greta = repo::editors::find(&mut app.db.connect(), id).unwrap();
    assert_eq!(
        (greta.display_name.as_str(), greta.role, greta.active),
        ("Greta Neumann", Role::Editor, true)
    );
    shown.assert_contains("Greta Neumann can now sign in as editor.");
    duplicate.assert_status(422);
    duplicate.assert_contains("exists already");
    let client = app.admin_client();
    client.sign_in("greta@example.org", NEW_PASSWORD).await;
    client.get("/admin/editors").await.assert_status(403);
}

#[actix_web::test]
async fn a_role_change_applies_to_the_running_session() {
    let app = spawn_app().await;
    let (boss, _) = app.signed_in("boss@example.org", Role::Admin).await;
    let (anna, anna_id) = app.signed_in("anna@example.org", Role::Editor).await;
    let path = format!("/admin/editors/{anna_id}/role");

    let before = anna.get("/admin/editors").await.status;
    boss.submit(&path, &[("role", "admin")])
        .await
        .assert_redirect(&format!("/admin/editors/{anna_id}"));
    let promoted = anna.get("/admin/editors").await.status;
    let promoted_role = role_of(&app, anna_id);
    boss.submit(&path, &[("role", "editor")])
        .await
        .assert_status(303);
    let demoted = anna.get("/admin/editors").await.status;

    assert_eq!((before, promoted, demoted), (403, 200, 403));
    assert_eq!(promoted_role, Role::Admin);
    assert_eq!(role_of(&app, anna_id), Role::Editor);
}

#[actix_web::test]
async fn the_last_active_admin_can_be_neither_demoted_nor_deactivated() {
    let app = spawn_app().await;
    let (boss, boss_id) = app.signed_in("boss@example.org", Role::Admin).await;

    let demote = boss
        .submit(
            &format!("/admin/editors/{boss_id}/role"),
            &[("role", "editor")],
        )
        .await;
    let deactivate = boss
        .submit(
            &format!("/admin/editors/{boss_id}/active"),
            &[("active", "false")],
        )
        .await;

    demote.assert_status(409);
    deactivate.assert_status(409);
    demote.assert_contains("last active admin");
    assert_eq!(role_of(&app, boss_id), Role::Admin);
    boss.get("/admin/editors").await.assert_status(200);
}

#[actix_web::test]
async fn a_password_reset_replaces_the_password_and_ends_the_sessions() {
    let app = spawn_app().await;
    let (boss, _) = app.signed_in("boss@example.org", Role::Admin).await;
    let (anna, anna_id) = app.signed_in("anna@example.org", Role::Editor).await;

    let reset = boss
        .submit(
            &format!("/admin/editors/{anna_id}/password"),
            &[("password", NEW_PASSWORD)],
        )
        .await;

    reset.assert_redirect(&format!("/admin/editors/{anna_id}"));
    anna.get("/admin/account").await.assert_sign_in_redirect();
    app.admin_client()
        .login("anna@example.org", EDITOR_PASSWORD)
        .await
        .assert_status(401);
    app.admin_client()
        .login("anna@example.org", NEW_PASSWORD)
        .await
        .assert_status(303);
    boss.get("/admin/account").await.assert_status(200);
}

#[actix_web::test]
async fn editors_change_their_own_password_only_with_the_current_one() {
    let app = spawn_app().await;
    let (anna, _) = app.signed_in("anna@example.org", Role::Editor).await;
    let elsewhere = app.admin_client();
    elsewhere.sign_in("anna@example.org", EDITOR_PASSWORD).await;

    let refused = anna
        .submit(
            "/admin/account/password",
            &[
                ("current", "not the password at all"),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    let old_still_works = app
        .admin_client()
        .login("anna@example.org", EDITOR_PASSWORD)
        .await
        .status;
    let changed = anna
        .submit(
            "/admin/account/password",
            &[
                ("current", EDITOR_PASSWORD),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;

    refused.assert_status(422);
    let error = refused
        .body
        .find("id=\"current-error\"")
        .expect("an error for the current password");
    let field = refused
        .body
        .find("<input id=\"current\"")
        .expect("the current password field");
    assert!(
        error < field && !refused.body[error..field].contains("<input"),
        "the message stands beside its field:\n{}",
        refused.body
    );
    refused.assert_contains("The current password is not right.");
    refused.assert_contains("aria-describedby=\"current-error\"");
    assert_eq!(old_still_works, 303);
    changed.assert_redirect("/admin/account");
    anna.get("/admin/account").await.assert_status(200);
    elsewhere
        .get("/admin/account")
        .await
        .assert_sign_in_redirect();
    app.admin_client()
        .login("anna@example.org", EDITOR_PASSWORD)
        .await
        .assert_status(401);
    app.admin_client()
        .login("anna@example.org", NEW_PASSWORD)
        .await
        .assert_status(303);
}

#[actix_web::test]
async fn a_weak_password_keeps_the_typed_name_and_address() {
    let app = spawn_app().await;
    let (boss, _) = app.signed_in("boss@example.org", Role::Admin).await;

    let page = boss
        .submit(
            "/admin/editors",
            &[
                ("name", "Greta \"Typed\" Neumann"),
                ("email", "greta@example.org"),
                ("role", "admin"),
                ("password", "password123"),
            ],
        )
        .await;

    page.assert_status(422);
    assert_eq!(
        form_value(&page.body, "name").as_deref(),
        Some("Greta \"Typed\" Neumann")
    );
    assert_eq!(
        form_value(&page.body, "email").as_deref(),
        Some("greta@example.org")
    );
    page.assert_contains("<option value=\"admin\" selected>");
    page.assert_contains("id=\"password-error\"");
    page.assert_lacks("password123");
    assert_eq!(
        repo::editors::list(&mut app.db.connect()).unwrap().len(),
        1,
        "no editor was created"
    );
}

// --- The audit trail -------------------------------------------------------------------

#[actix_web::test]
async fn the_audit_log_lists_sign_ins_failures_and_editor_changes_and_filters_them() {
    let app = spawn_app().await;
    let (boss, boss_id) = app.signed_in("boss@example.org", Role::Admin).await;
    app.admin_client()
        .login("nobody@example.org", "not the password at all")
        .await
        .assert_status(401);
    let created = boss
        .submit(
            "/admin/editors",
            &[
                ("name", "Greta"),
                ("email", "greta@example.org"),
                ("role", "editor"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    let greta = created.location().unwrap().to_owned();
    boss.submit(&format!("{greta}/role"), &[("role", "admin")])
        .await
        .assert_status(303);

    let all = audit_rows(&boss.get("/admin/audit").await.body);
    let failed = audit_rows(
        &boss
            .get("/admin/audit?action=session.sign_in_failed")
            .await
            .body,
    );
    let by_boss = audit_rows(
        &boss
            .get(&format!("/admin/audit?editor={boss_id}"))
            .await
            .body,
    );

    let actions: Vec<&str> = all.iter().map(|r| r[2].as_str()).collect();
    for expected in [
        "Signed in",
        "Sign-in failed",
        "Editor created",
        "Role changed",
    ] {
        assert!(actions.contains(&expected), "{expected} in {all:#?}");
    }
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!(
        (failed[0][1].as_str(), failed[0][2].as_str()),
        ("nobody@example.org", "Sign-in failed")
    );
    assert!(
        by_boss.len() >= 3 && by_boss.len() < all.len(),
        "{by_boss:#?}"
    );
    assert!(
        by_boss.iter().all(|r| r[1] == "boss@example.org"),
        "{by_boss:#?}"
    );
    assert!(by_boss.iter().any(|r| r[2] == "Role changed"));
}

#[actix_web::test]
async fn the_audit_table_refuses_update_and_delete() {
    let app = spawn_app().await;
    app.signed_in("boss@example.org", Role::Admin).await;
    let mut conn = app.db.connect();
    let count = |conn: &mut diesel::PgConnection| -> i64 {
        use diesel::prelude::*;
        jobboard::db::schema::audit_log::table
            .count()
            .get_result(conn)
            .unwrap()
    };
    let before = count(&mut conn);

    let update = diesel::sql_query("UPDATE audit_log SET summary = 'rewritten'").execute(&mut conn);
    let delete = diesel::sql_query("DELETE FROM audit_log").execute(&mut conn);
    let truncate = diesel::sql_query("TRUNCATE audit_log").execute(&mut conn);

    assert!(before > 0);
    assert!(update.is_err(), "UPDATE went through");
    assert!(delete.is_err(), "DELETE went through");
    assert!(truncate.is_err(), "TRUNCATE went through");
    assert_eq!(count(&mut conn), before);
}

// --- A session that ends while a form is open -------------------------------------------

#[actix_web::test]
async fn a_post_after_the_session_expired_changes_nothing_and_keeps_the_fields() {
    let app = spawn_app().await;
    let (boss, boss_id) = app.signed_in("boss@example.org", Role::Admin).await;
    let anna_id = app.editor("anna@example.org", "Anna", Role::Editor);
    let path = format!("/admin/editors/{anna_id}/role");
    let token = boss.csrf().await;
    age_sessions(&app, boss_id, TimeDelta::minutes(121));

    let page = boss
        .post(&path, &[("role", "admin"), ("csrf", &token)])
        .await;

    page.assert_status(401);
    page.assert_contains("action=\"/admin/login\"");
    assert_eq!(
        form_value(&page.body, "resume").as_deref(),
        Some("role=admin")
    );
    assert_eq!(
        form_value(&page.body, "next").as_deref(),
        Some(path.as_str())
    );
    assert_eq!(role_of(&app, anna_id), Role::Editor);
}

#[actix_web::test]
async fn signing_in_again_after_an_interrupted_save_leads_to_a_page_that_exists() {
    let app = spawn_app().await;
    let (boss, boss_id) = app.signed_in("boss@example.org", Role::Admin).await;
    let anna_id = app.editor("anna@example.org", "Anna", Role::Editor);
    let token = boss.csrf().await;
    age_sessions(&app, boss_id, TimeDelta::minutes(121));
    let page = boss
        .post(
            &format!("/admin/editors/{anna_id}/role"),
            &[("role", "admin"), ("csrf", &token)],
        )
        .await;

    let signed_in = boss
        .post(
            "/admin/login",
            &[
                ("email", "boss@example.org"),
                ("password", EDITOR_PASSWORD),
                ("csrf", &page.csrf().unwrap()),
                ("next", &form_value(&page.body, "next").unwrap()),
                ("resume", &form_value(&page.body, "resume").unwrap()),
            ],
        )
        .await;
    let landing = boss.get(signed_in.location().unwrap_or_default()).await;

    signed_in.assert_status(303);
    landing.assert_status(200);
}
