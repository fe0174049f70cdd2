//! Logging setup.

use tracing_subscriber::EnvFilter;

/// Installs the global log subscriber; `filter` uses `RUST_LOG` syntax and was checked
/// by `Settings`. Safe to call more than once (later calls keep the first subscriber).
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
