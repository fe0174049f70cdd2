//! Builds the HTTP server: shared state, middleware and the route table.

use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::web::{self, board::BoardCounts, cache::TtlCache};
use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer};
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

/// How long board-wide counts are shared between requests.
const BOARD_COUNTS_TTL: Duration = Duration::from_secs(30);

/// What every handler can reach.
pub struct AppState {
    pub pool: DbPool,
    /// Absolute base of the site's URLs, without a trailing slash.
    pub base_url: String,
    pub static_dir: PathBuf,
    pub board_counts: TtlCache<BoardCounts>,
}

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
    base_url: String,
    state: actix_web::web::Data<AppState>,
}

impl Application {
    /// Binds the listener and builds the server. Does not touch the database: pages
    /// answer 503 until it is reachable.
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
        let state = actix_web::web::Data::new(AppState {
            pool,
            base_url: base_url.clone(),
            static_dir: settings.static_dir.clone(),
            board_counts: TtlCache::new(BOARD_COUNTS_TTL),
        });
        let warm_up_state = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                // Listed innermost first: the ETag is taken from the uncompressed body,
                // and every response, redirects included, gets the headers and a log line.
                .wrap(from_fn(web::middleware::conditional_get))
                .wrap(Compress::default())
                .wrap(from_fn(web::middleware::canonical_paths))
                .wrap(web::middleware::security_headers())
                .wrap(from_fn(web::middleware::request_log))
                .configure(web::routes)
        })
        // Without it, a response written in more than one piece waits for the client's
        // delayed ACK (about 40 ms): measured on the static files.
        .tcp_nodelay(true)
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        Ok(Self {
            server,
            port: address.port(),
            base_url,
            state: warm_up_state,
        })
    }

    /// Computes the shared counts in the background, so the first visitors after a
    /// start do not wait for them. Must be called inside the server's runtime.
    pub fn warm_up(&self) {
        let state = self.state.clone();
        actix_web::rt::spawn(async move {
            let _ = web::board::board_counts(&state).await;
        });
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
