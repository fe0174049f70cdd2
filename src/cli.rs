//! The command line: `serve` (default), `migrate` and `seed`.

use crate::app::Application;
use crate::config::{AppEnv, Settings};
use crate::{db, repo, seed, telemetry};
use anyhow::Context;
use chrono::Utc;
use clap::{Args, Parser, Subcommand};
use diesel::Connection;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "jobboard",
    version,
    about = "A job board for software developers in Germany"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create and migrate the database if needed, seed demo content into an empty one,
    /// and serve the site (the default).
    Serve,
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Load content into the database.
    Seed(SeedArgs),
    /// Send the e-mail alert digests now: every confirmed, active alert gets the jobs
    /// posted since its last digest (for trying alerts out). With --scheduled, only
    /// the digests due by the schedule (ALERT_DIGEST_HOUR), as the server's timer does.
    Digest(DigestArgs),
    /// Create an editor account (the first admin, say). The password comes from
    /// EDITOR_PASSWORD when it is set, otherwise it is asked for twice without echo.
    CreateEditor(CreateEditorArgs),
}

#[derive(Debug, Args)]
struct CreateEditorArgs {
    /// The address they sign in with.
    #[arg(long, value_name = "E")]
    email: String,
    /// The name shown in the admin and on the audit log.
    #[arg(long, value_name = "N")]
    name: String,
    /// editor: writes and publishes; admin: also manages editors and reads the audit log.
    #[arg(long, value_parser = ["admin", "editor"], default_value = "editor")]
    role: String,
}

#[derive(Debug, Args)]
struct DigestArgs {
    /// Only the digests due by the schedule, not every active alert.
    #[arg(long, conflicts_with = "replay_days")]
    scheduled: bool,
    /// List the jobs of the last N days even if an earlier digest had them (to see a
    /// digest right after confirming an alert).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=8))]
    replay_days: Option<u16>,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct SeedArgs {
    /// The demo companies, jobs and articles. Running it again adds nothing.
    #[arg(long)]
    demo: bool,
    /// N synthetic jobs for benchmarks, appended with COPY.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    jobs: Option<u64>,
    /// N synthetic confirmed e-mail alerts (one address each, about a thousand
    /// distinct searches) whose last digest was a day ago, for the digest benchmark.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    alerts: Option<u64>,
}

/// Parses the command line and runs the command. Wrong arguments exit with clap's
/// message and code 2; failures print one line and exit with 1.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(&settings.log_filter);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&settings),
        Command::Migrate => prepare_database(&settings).map(|_| ()),
        Command::Seed(args) if args.demo => seed_demo(&settings),
        Command::Seed(SeedArgs {
            alerts: Some(count),
            ..
        }) => seed_alerts(&settings, count),
        Command::Seed(args) => seed_bulk(&settings, args.jobs.unwrap_or_default()),
        Command::Digest(args) => digest(&settings, &args),
        Command::CreateEditor(args) => create_editor(&settings, &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Creates the database when missing and applies pending migrations.
fn prepare_database(settings: &Settings) -> anyhow::Result<diesel::PgConnection> {
    let url = settings.database_url.expose();
    if db::ensure_database_exists(url)? {
        tracing::info!("created the database");
    }
    let mut conn = db::connect(url).context("cannot connect to the database (DATABASE_URL)")?;
    let applied = db::run_migrations(&mut conn)?;
    if applied.is_empty() {
        tracing::info!("database schema is up to date");
    } else {
        tracing::info!(migrations = ?applied, "applied {} migration(s)", applied.len());
    }
    // A bulk seed that was killed may have left indexes and foreign keys dropped.
    let restored = seed::restore_set_aside_indexes(url).context("restoring indexes")?;
    if restored > 0 {
        tracing::info!("restored {restored} indexes and foreign keys an interrupted seed dropped");
    }
    Ok(conn)
}

fn seed_demo(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = prepare_database(settings)?;
    let report = seed::demo(&mut conn, Utc::now()).context("seeding demo content")?;
    tracing::info!(
        technologies = report.technologies,
        companies = report.companies,
        jobs = report.jobs,
        articles = report.articles,
        "demo content: added {} jobs, {} companies, {} articles",
        report.jobs,
        report.companies,
        report.articles
    );
    Ok(())
}

fn create_editor(settings: &Settings, args: &CreateEditorArgs) -> anyhow::Result<()> {
    use crate::domain::audit::{AuditAction, AuditEntry};
    use crate::domain::editor::{EmailAddress, Role, parse_display_name};
    use crate::domain::password;

    let email =
        EmailAddress::parse(&args.email).map_err(|e| anyhow::anyhow!("--email {}", e.message))?;
    let name =
        parse_display_name(&args.name).map_err(|e| anyhow::anyhow!("--name {}", e.message))?;
    let role = Role::parse(&args.role).map_err(|e| anyhow::anyhow!("--role {}", e.message))?;
    let password = match std::env::var("EDITOR_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            let first = rpassword::prompt_password("Password for the new editor: ")
                .context("reading the password (set EDITOR_PASSWORD when there is no terminal)")?;
            let second = rpassword::prompt_password("The same password again: ")
                .context("reading the password")?;
            anyhow::ensure!(first == second, "the two passwords are not the same");
            first
        }
    };
    password::check_new_password(&password, &[email.as_str(), &name])
        .map_err(|e| anyhow::anyhow!("the password {}", e.message))?;
    let hash = password::hash_password(&password);
    let mut conn = prepare_database(settings)?;
    let entry = AuditEntry {
        editor_id: None,
        editor_email: String::new(),
        action: AuditAction::EditorCreated,
        subject_type: "editor",
        subject_id: None,
        summary: format!("{} as {role} (command line)", email.as_str()),
        client_addr: String::new(),
    };
    let created = repo::audit::audited(&mut conn, entry, |conn, entry| {
        let id = repo::editors::create(conn, &email, &name, role, &hash)?;
        entry.subject_id = Some(id);
        Ok(id)
    });
    match created {
        Ok(id) => {
            println!(
                "Created {role} {name} <{}> (id {id}). Sign in at /admin/login.",
                email.as_str()
            );
            Ok(())
        }
        Err(repo::RepoError::Conflict(_)) => {
            anyhow::bail!(
                "an editor with the e-mail address {} exists already",
                email.as_str()
            )
        }
        Err(e) => Err(e.into()),
    }
}

fn seed_bulk(settings: &Settings, count: u64) -> anyhow::Result<()> {
    drop(prepare_database(settings)?);
    let progress = SeedProgress::new(count);
    let started = std::time::Instant::now();
    // The text index is built from the rows as the loaders write them, beside the
    // load, rather than read back from PostgreSQL after it. Then it is brought up to
    // date like at a server's start: whatever the load did not hand over is caught up
    // (or, after a failed load, built anew from the database). A running server on the
    // same directory waits, then takes the index up.
    let streamed_index = settings.search_index != crate::search::Location::Memory;
    let (report, streamed) = std::thread::scope(|scope| {
        let (sink, chunks) = std::sync::mpsc::sync_channel(TEXT_CHUNKS_QUEUED);
        let build = streamed_index
            .then(|| scope.spawn(move || stream_text_index(settings, &chunks, count)));
        let report = seed::load_jobs(
            settings.database_url.expose(),
            count,
            Utc::now(),
            streamed_index.then_some(sink),
            |event| progress.report(event),
        );
        progress.finish();
        let streamed = match build {
            Some(build) => build
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => Ok(None),
        };
        (report, streamed)
    });
    let streamed = streamed.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "building the text index beside the load failed; building it from the database");
        None
    });
    let text_started = std::time::Instant::now();
    let text = build_text_index(settings, true).map(|o| (o, text_started.elapsed()));
    let report = report.context("loading synthetic jobs")?;
    let (text_outcome, text_time) = text.context("building the text index")?;
    let text_seconds = text_time.as_secs_f64();
    let streamed = streamed.map_or_else(|| "none".to_owned(), |jobs| jobs.to_string());
    let all_seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        jobs = report.jobs,
        companies = report.companies,
        rebuilt = report.rebuilt,
        prepare_s = format_args!("{:.1}", report.prepare_seconds),
        rows_s = format_args!("{:.1}", report.rows_seconds),
        indexes_s = format_args!("{:.1}", report.index_seconds),
        vacuum_s = format_args!("{:.1}", report.vacuum_seconds),
        total_s = format_args!("{:.1}", report.seconds),
        "loaded {} jobs and {} new companies in {:.1} s",
        report.jobs,
        report.companies,
        report.seconds
    );
    println!(
        "Seeded {} jobs, {} new companies: prepare {:.1} s, rows {:.1} s, \
         indexes and foreign keys {:.1} s ({} rebuilt), VACUUM ANALYZE {:.1} s, \
         text index built beside the load ({} jobs), brought up to date after it in {:.1} s \
         ({:?}); {:.1} s in all",
        report.jobs,
        report.companies,
        report.prepare_seconds,
        report.rows_seconds,
        report.index_seconds,
        report.rebuilt,
        report.vacuum_seconds,
        streamed,
        text_seconds,
        text_outcome,
        all_seconds
    );
    Ok(())
}

/// Chunks of a load's words waiting for the text index (5,000 jobs, some 15 MB each).
const TEXT_CHUNKS_QUEUED: usize = 2;

/// Builds the text index at `SEARCH_INDEX_DIR` from the words a bulk load hands over
/// through `chunks`; `None` when it handed over none.
fn stream_text_index(
    settings: &Settings,
    chunks: &std::sync::mpsc::Receiver<Vec<crate::domain::open_job::JobText>>,
    expected: u64,
) -> anyhow::Result<Option<u64>> {
    // Technologies are in the database once the first rows are.
    let Ok(first) = chunks.recv() else {
        return Ok(None);
    };
    let index = crate::search::TextIndex::open(settings.search_index.clone())?;
    let mut conn = diesel::PgConnection::establish(settings.database_url.expose())?;
    let names = repo::catalog::technology_names(&mut conn)?;
    let mut first = Some(first);
    let built = crate::search::sync::rebuild_from(
        &mut conn,
        &index,
        &names,
        || {
            first
                .take()
                .unwrap_or_else(|| chunks.recv().unwrap_or_default())
        },
        expected,
    )?;
    Ok(Some(built))
}

/// Brings the text index at `SEARCH_INDEX_DIR` up to date (built anew after a large
/// load), with a bar on a terminal when `bar` (otherwise log lines). An index in memory
/// belongs to each server: nothing to do.
fn build_text_index(
    settings: &Settings,
    bar: bool,
) -> anyhow::Result<Option<crate::search::sync::Outcome>> {
    use std::io::IsTerminal;
    if settings.search_index == crate::search::Location::Memory {
        return Ok(None);
    }
    let index = crate::search::TextIndex::open(settings.search_index.clone())?;
    let mut conn = diesel::PgConnection::establish(settings.database_url.expose())?;
    let names = repo::catalog::technology_names(&mut conn)?;
    let bar = (bar && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "text index [{bar:40}] {human_pos}/{human_len} jobs, {per_sec}, {eta} left",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let outcome =
        crate::search::sync::bring_up_to_date(&mut conn, &index, &names, &mut |done, total| {
            if let Some(bar) = &bar {
                bar.set_length(total);
                bar.set_position(done);
            }
        })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(Some(outcome))
}

/// Shows how a bulk load goes: a bar with rate and time left on a terminal, otherwise
/// (CI, pipes) a log line every few seconds, and a line per phase with its duration.
struct SeedProgress {
    total: u64,
    bar: Option<indicatif::ProgressBar>,
    state: std::sync::Mutex<ProgressState>,
}

struct ProgressState {
    phase: Option<(seed::Phase, std::time::Instant)>,
    last_line: std::time::Instant,
}

/// Between two log lines about the rows when there is no bar.
const LOG_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

impl SeedProgress {
    fn new(total: u64) -> Self {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            let style = indicatif::ProgressStyle::with_template(
                "{spinner} {msg} [{bar:40}] {human_pos}/{human_len} jobs, {per_sec}, {eta} left",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Self {
            total,
            bar,
            state: std::sync::Mutex::new(ProgressState {
                phase: None,
                last_line: std::time::Instant::now(),
            }),
        }
    }

    fn report(&self, event: seed::LoadEvent) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        match event {
            seed::LoadEvent::Started(phase) => {
                self.end_phase(&mut state);
                state.phase = Some((phase, std::time::Instant::now()));
                if let Some(bar) = &self.bar {
                    bar.set_message(phase.as_str());
                }
                self.line(&format!("{}…", phase.as_str()));
            }
            seed::LoadEvent::Rows(done) => match &self.bar {
                Some(bar) => bar.set_position(done),
                None => {
                    if state.last_line.elapsed() >= LOG_EVERY || done == self.total {
                        state.last_line = std::time::Instant::now();
                        let rate = state.phase.map_or(0.0, |(_, started)| {
                            done as f64 / started.elapsed().as_secs_f64().max(0.001)
                        });
                        tracing::info!(
                            jobs = done,
                            "loaded {done} of {} jobs ({:.0} %, {rate:.0} jobs/s)",
                            self.total,
                            done as f64 * 100.0 / self.total.max(1) as f64
                        );
                    }
                }
            },
        }
    }

    fn end_phase(&self, state: &mut ProgressState) {
        if let Some((phase, started)) = state.phase.take() {
            self.line(&format!(
                "{} took {:.1} s",
                phase.as_str(),
                started.elapsed().as_secs_f64()
            ));
        }
    }

    /// A log line that does not tear the bar.
    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| tracing::info!("{text}")),
            None => tracing::info!("{text}"),
        }
    }

    fn finish(&self) {
        if let Ok(mut state) = self.state.lock() {
            self.end_phase(&mut state);
        }
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn seed_alerts(settings: &Settings, count: u64) -> anyhow::Result<()> {
    let mut conn = prepare_database(settings)?;
    let since = Utc::now() - chrono::Duration::days(1);
    let added = seed::load_alerts(&mut conn, count, since).context("adding synthetic alerts")?;
    tracing::info!(alerts = added, "added {added} confirmed alerts");
    Ok(())
}

/// Runs the alert digests once, here and now; the messages go out through the outbox
/// (a running server sends them, or the next one started).
fn digest(settings: &Settings, args: &DigestArgs) -> anyhow::Result<()> {
    use crate::alerts::digest::{self, DigestConfig};
    use crate::domain::alert::DueSlots;

    let mut conn = prepare_database(settings)?;
    let now = Utc::now();
    let slots = if args.scheduled {
        DueSlots::scheduled(now, settings.alert_digest_hour)
    } else {
        DueSlots::now(now)
    };
    let config = DigestConfig {
        base_url: settings
            .site_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", settings.bind)),
        secret_key: settings.secret_key.expose().to_owned(),
        replay_from: args
            .replay_days
            .map(|days| now - chrono::Duration::days(i64::from(days))),
    };
    let report = digest::run(&mut conn, &config, slots, now, &|| false)?;
    println!(
        "Digests: {} alerts, {} e-mails queued, {} new jobs, {} distinct searches, {:.1} s",
        report.alerts,
        report.mails,
        report.new_jobs,
        report.searches,
        report.elapsed.as_secs_f64()
    );
    Ok(())
}

/// glibc gives threads their own malloc arenas (up to eight per core) and keeps what
/// they freed: with dozens of blocking threads each holding a search's matches for a
/// moment, the process grew by hundreds of megabytes it never used again. Blocks of a
/// megabyte or more (a search's matches, a walk's bit sets) are mapped and given back
/// on free: by default glibc raises that threshold after the first such free, and the
/// next ones then stay in the arenas for good.
///
/// Fast bins are off: with them, each allocation of a kilobyte or more (a page's HTML
/// as it grows, a query's bit sets) first merged every small block freed since. malloc
/// was a fifth of a deep page's CPU, that merging 4 to 7 %; without fast bins a deep
/// page took 8 % less CPU, a search 1 % (measured at a million jobs).
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let arenas = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
        // SAFETY: mallopt only changes allocator settings; it is called before the
        // server starts its threads.
        let set = unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas.try_into().unwrap_or(2))
                & libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20)
                & libc::mallopt(libc::M_MXFAST, 0)
        };
        if set != 1 {
            tracing::warn!("could not set up malloc (arenas, mapping threshold, fast bins)");
        }
    }
}

/// How often freed heap memory is handed back to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Hands the heap's free pages back to the system every [`TRIM_EVERY`], on a thread of
/// its own. Rendered pages, cards and counts are small allocations that come and go by
/// the thousand a second; glibc keeps the pages they freed, and after a busy minute the
/// process held some 30 MB it was not using (measured at a million jobs). A trim takes
/// a few milliseconds.
fn trim_malloc_regularly() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let spawned = std::thread::Builder::new()
            .name("malloc-trim".to_owned())
            .spawn(|| {
                loop {
                    std::thread::sleep(TRIM_EVERY);
                    // SAFETY: malloc_trim only returns free memory to the system; it
                    // is safe to call from any thread at any time.
                    unsafe {
                        libc::malloc_trim(0);
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot start the malloc trim thread");
        }
    }
}

fn serve(settings: &Settings) -> anyhow::Result<()> {
    tune_malloc();
    trim_malloc_regularly();
    if settings.uses_dev_secret {
        tracing::warn!(
            "SECRET_KEY is not set: using the development key. Set it before going live."
        );
    }
    let mut conn = prepare_database(settings)?;
    if !repo::jobs::any_exist(&mut conn)? {
        tracing::info!("the database has no jobs yet: seeding demo content");
        seed::demo(&mut conn, Utc::now()).context("seeding demo content")?;
    }
    drop(conn);
    if settings.smtp.is_none() && settings.app_env == AppEnv::Production {
        tracing::warn!(
            "SMTP_URL is not set: e-mail is written to files in MAIL_DIR, not sent. Set it before going live."
        );
    }

    actix_web::rt::System::new().block_on(async {
        let app = Application::build(settings)?;
        let catalog = app.catalog();
        let mail = app.mail_worker();
        let notices = app.notice_worker();
        let digests = app.digest_timer();
        let backfill = app.description_backfill();
        tracing::info!(url = %app.base_url(), "jobboard is listening on {}", app.base_url());
        let served = app.into_server().await.context("server failed");
        catalog.stop();
        notices.stop();
        digests.stop();
        backfill.stop();
        // After the server (and the timers): a request that queued mail just before the end has
        // committed, and whatever the worker has not sent stays queued for next time.
        mail.stop();
        served?;
        tracing::info!("shut down cleanly");
        Ok(())
    })
}
