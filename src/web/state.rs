//! What every handler can reach. It lives here, in the web layer, so that handlers do
//! not import the module that builds the server (`app`).

use crate::catalog::live::LiveCatalog;
use crate::db::DbPool;
use crate::mail::notices::NoticeWorker;
use crate::mail::worker::MailWorker;
use crate::media::store::ImageStore;
use crate::web::{board::SharedBoardCounts, page_cache::PageCache};
use std::path::PathBuf;
use std::sync::Arc;

/// What every handler can reach.
pub struct AppState {
    pub pool: DbPool,
    /// Absolute base of the site's URLs, without a trailing slash.
    pub base_url: String,
    pub static_dir: PathBuf,
    /// The open jobs in memory, for counts, facets and ordering.
    pub catalog: Arc<LiveCatalog>,
    pub board_counts: SharedBoardCounts,
    pub pages: PageCache,
    /// Uploaded images: a local folder by default (see docs/SCALING.md for several instances).
    pub images: Arc<dyn ImageStore>,
    /// Sends the mail outbox in the background; handlers only queue messages
    /// (`repo::outbox::enqueue`), which wakes it.
    pub mail: Arc<MailWorker>,
    /// Signs the time a public form was opened (`web::form_guard`).
    pub form_key: Vec<u8>,
    /// How long a person takes at least to fill in the job form.
    pub submit_min_fill: std::time::Duration,
    /// Views of job pages, counted in memory and written every few seconds.
    pub job_views: crate::web::job_views::ViewCounter,
    /// Queues reminders before and notices after the end of employers' jobs, on a timer.
    pub notices: Arc<NoticeWorker>,
    /// The key the manage and unsubscribe links of e-mail alerts are derived with
    /// (`SECRET_KEY`).
    pub alert_key: crate::config::Secret,
    /// Runs the alert digests on schedule; handlers never touch it.
    pub digests: Arc<crate::alerts::DigestTimer>,
    /// Renders the descriptions of jobs saved before they were stored rendered, once
    /// after start; handlers never touch it.
    pub backfill: Arc<crate::backfill::DescriptionBackfill>,
}
