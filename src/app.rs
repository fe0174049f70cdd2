//! Builds the HTTP server: shared state, middleware and the route table.

use crate::alerts::{DigestTimer, digest::DigestConfig};
use crate::backfill::DescriptionBackfill;
use crate::catalog::live::LiveCatalog;
use crate::config::Settings;
use crate::db;
use crate::mail::{notices::NoticeWorker, transport, worker::MailWorker};
use crate::media::store::LocalDirStore;
use crate::web::{self, board::SharedBoardCounts, page_cache::PageCache, state::AppState};
use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer};
use std::net::TcpListener;
use std::sync::Arc;

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
    base_url: String,
    state: actix_web::web::Data<AppState>,
}

impl Application {
    /// Binds the listener and builds the server. The database is not needed yet: pages
    /// answer 503 until it is reachable and the job catalog has loaded.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {} (BIND): {e}", settings.bind))?;
        let address = listener.local_addr()?;
        let base_url = settings.site_url.clone().unwrap_or_else(|| {
            let host = if address.ip().is_unspecified() {
                "localhost".to_owned()
            } else {
                address.ip().to_string()
            };
            format!("http://{host}:{}", address.port())
        });
        let pool = db::build_pool(
            settings.database_url.expose(),
            settings.db_pool_size,
            settings.db_acquire_timeout,
        );
        let mail_transport = transport::from_settings(settings)?;
        let notices = NoticeWorker::start(
            pool.clone(),
            settings.job_notice_interval,
            web::employer_links::end_notice_mail(base_url.clone()),
        );
        let digests = DigestTimer::start(
            settings.database_url.expose().to_owned(),
            DigestConfig {
                base_url: base_url.clone(),
                secret_key: settings.secret_key.expose().to_owned(),
                replay_from: None,
            },
            settings.alert_digest_hour,
            settings.alert_digest_check,
        );
        let state = actix_web::web::Data::new(AppState {
            pool,
            base_url: base_url.clone(),
            static_dir: settings.static_dir.clone(),
            catalog: LiveCatalog::start(
                settings.database_url.expose().to_owned(),
                settings.search_index.clone(),
                settings.cache_budgets,
            ),
            board_counts: SharedBoardCounts::default(),
            pages: PageCache::new(settings.page_cache, settings.cache_budgets.page_bytes),
            images: Arc::new(LocalDirStore::new(settings.upload_dir.clone())),
            mail: MailWorker::start(
                settings.database_url.expose().to_owned(),
                mail_transport,
                settings.mail_from.clone(),
            ),
            form_key: settings.secret_key.expose().as_bytes().to_vec(),
            submit_min_fill: settings.submit_min_fill,
            job_views: web::job_views::ViewCounter::default(),
            notices,
            alert_key: settings.secret_key.clone(),
            digests,
            backfill: DescriptionBackfill::start(settings.database_url.expose().to_owned()),
        });
        let shared_state = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                // Listed innermost first: the ETag is taken from the uncompressed body,
                // the page cache keeps pages with their ETag, and every response,
                // redirects included, gets the headers and a log line. Oversized
                // headers are refused before anything else reads them.
                .wrap(from_fn(web::auth::admin_gate))
                .wrap(from_fn(web::middleware::conditional_get))
                .wrap(from_fn(web::page_cache::page_cache))
                .wrap(from_fn(web::job_views::count_views))
                .wrap(Compress::default())
                .wrap(from_fn(web::middleware::canonical_paths))
                .wrap(from_fn(web::middleware::reject_control_characters))
                .wrap(web::middleware::security_headers())
                .wrap(from_fn(web::middleware::request_log))
                .wrap(from_fn(web::middleware::header_limits))
                .configure(web::routes)
        })
        // Without it, a response written in more than one piece waits for the client's
        // delayed ACK (about 40 ms): measured on the static files.
        .tcp_nodelay(true)
        // Blocking work is database work: threads beyond the pool's connections only
        // wait, and each one grows the allocator's memory (seen as RSS at 46 threads).
        .worker_max_blocking_threads(settings.db_pool_size as usize)
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        Ok(Self {
            server,
            port: address.port(),
            base_url,
            state: shared_state,
        })
    }

    /// The in-memory catalog of open jobs this server keeps.
    pub fn catalog(&self) -> Arc<LiveCatalog> {
        self.state.catalog.clone()
    }

    /// The worker sending this server's share of the mail outbox; stop it after the
    /// server (see [`MailWorker::stop`]).
    pub fn mail_worker(&self) -> Arc<MailWorker> {
        self.state.mail.clone()
    }

    /// The timer queuing the e-mails about the end of employers' jobs; stop it after
    /// the server, with the mail worker (see [`NoticeWorker::stop`]).
    pub fn notice_worker(&self) -> Arc<NoticeWorker> {
        self.state.notices.clone()
    }

    /// The timer running this server's alert digests; stop it after the server (see
    /// [`DigestTimer::stop`]).
    pub fn digest_timer(&self) -> Arc<DigestTimer> {
        self.state.digests.clone()
    }

    /// The background rendering of stored job descriptions; stop it after the server
    /// (see [`DescriptionBackfill::stop`]).
    pub fn description_backfill(&self) -> Arc<DescriptionBackfill> {
        self.state.backfill.clone()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server future; resolves after a graceful shutdown (SIGTERM, SIGINT).
    pub fn into_server(self) -> Server {
        self.server
    }
}
