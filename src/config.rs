//! Settings, read once from the environment (and a `.env` file) at start-up.
//! Nothing else in the program reads environment variables.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Used when `DATABASE_URL` is unset: the local server over its socket, as the current
/// OS user, database `jobboard`.
pub const DEFAULT_DATABASE_URL: &str = "postgres:///jobboard";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
const DEV_SECRET_KEY: &str = "development-only-secret-key-do-not-use-in-production";
const MIN_SECRET_KEY_LEN: usize = 32;

/// Whether the site runs for real visitors; production refuses unsafe defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

/// A secret that never shows up in `Debug` output or logs.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Everything the program can be configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub app_env: AppEnv,
    /// May carry a password, hence a secret.
    pub database_url: Secret,
    pub bind: SocketAddr,
    /// Absolute base of canonical URLs, without a trailing slash. `None` means "derive
    /// from the address actually bound", which is what tests and local runs want.
    pub site_url: Option<String>,
    pub secret_key: Secret,
    pub log_filter: String,
    pub db_pool_size: u32,
    /// How long a request waits for a database connection before the site answers 503.
    pub db_acquire_timeout: Duration,
    pub static_dir: PathBuf,
    /// Whether rendered pages are kept for a second (see `web::page_cache`); off only to
    /// measure what rendering costs.
    pub page_cache: bool,
    /// Where uploaded images are stored (the local image store).
    pub upload_dir: PathBuf,
    /// True when the development secret stands in for `SECRET_KEY`; start-up warns.
    pub uses_dev_secret: bool,
}

/// A variable had a value the program cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "configuration error in {}: {}",
            self.variable, self.message
        )
    }
}

impl std::error::Error for ConfigError {}

impl Settings {
    /// Reads the process environment after loading `.env` from the working directory.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is the user's to know about.
        if let Err(e) = dotenvy::dotenv()
            && !e.not_found()
        {
            return Err(ConfigError {
                variable: ".env",
                message: e.to_string(),
            });
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds settings from any source of variables; tests pass a map.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let app_env = match var("APP_ENV").as_deref() {
            None | Some("development") | Some("dev") | Some("test") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => {
                return Err(ConfigError {
                    variable: "APP_ENV",
                    message: format!("'{other}' is neither 'development' nor 'production'"),
                });
            }
        };

        let bind_raw = var("BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind: SocketAddr = bind_raw.parse().map_err(|_| ConfigError {
            variable: "BIND",
            message: format!("'{bind_raw}' is not an address like 127.0.0.1:8080"),
        })?;

        let site_url = var("SITE_URL")
            .map(|raw| parse_site_url(&raw))
            .transpose()?;

        let (secret_key, uses_dev_secret) = match (var("SECRET_KEY"), app_env) {
            (Some(key), _) if key.len() >= MIN_SECRET_KEY_LEN => (Secret::new(key), false),
            (Some(_), _) => {
                return Err(ConfigError {
                    variable: "SECRET_KEY",
                    message: format!("must be at least {MIN_SECRET_KEY_LEN} characters long"),
                });
            }
            (None, AppEnv::Production) => {
                return Err(ConfigError {
                    variable: "SECRET_KEY",
                    message: "is required when APP_ENV=production".to_owned(),
                });
            }
            (None, AppEnv::Development) => (Secret::new(DEV_SECRET_KEY), true),
        };

        let db_pool_size = match var("DB_POOL_SIZE") {
            None => 10,
            Some(raw) => match raw.parse::<u32>() {
                Ok(n) if (1..=200).contains(&n) => n,
                _ => {
                    return Err(ConfigError {
                        variable: "DB_POOL_SIZE",
                        message: format!("'{raw}' is not a whole number from 1 to 200"),
                    });
                }
            },
        };

        let page_cache = match var("PAGE_CACHE").as_deref() {
            None | Some("on") => true,
            Some("off") => false,
            Some(other) => {
                return Err(ConfigError {
                    variable: "PAGE_CACHE",
                    message: format!("'{other}' is neither on nor off"),
                });
            }
        };

        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err(ConfigError {
                variable: "DATABASE_URL",
                message: "must start with postgres:// or postgresql://".to_owned(),
            });
        }

        let log_filter = var("RUST_LOG").unwrap_or_else(|| "info".to_owned());
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&log_filter) {
            return Err(ConfigError {
                variable: "RUST_LOG",
                message: format!("'{log_filter}' is not a valid log filter ({e})"),
            });
        }

        Ok(Self {
            app_env,
            database_url: Secret::new(database_url),
            bind,
            site_url,
            secret_key,
            log_filter,
            db_pool_size,
            db_acquire_timeout: Duration::from_millis(1500),
            static_dir: var("STATIC_DIR").map_or_else(|| PathBuf::from("static"), PathBuf::from),
            page_cache,
            upload_dir: var("UPLOAD_DIR").map_or_else(|| PathBuf::from("uploads"), PathBuf::from),
            uses_dev_secret,
        })
    }
}

fn parse_site_url(raw: &str) -> Result<String, ConfigError> {
    let trimmed = raw.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ']) => {
            Ok(trimmed.to_owned())
        }
        _ => Err(ConfigError {
            variable: "SITE_URL",
            message: format!(
                "'{raw}' is not an absolute http(s) URL without a path, like https://jobs.example.org"
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_work_for_local_development() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.bind.to_string(), DEFAULT_BIND);
        assert_eq!(s.database_url.expose(), DEFAULT_DATABASE_URL);
        assert_eq!(s.app_env, AppEnv::Development);
        assert!(s.uses_dev_secret);
        assert_eq!(s.site_url, None);
    }

    #[test]
    fn bad_bind_names_the_variable() {
        let err = settings(&[("BIND", "localhost")]).unwrap_err();
        assert_eq!(err.variable, "BIND");
        assert!(err.to_string().contains("BIND"));
    }

    #[test]
    fn production_requires_a_secret_key() {
        assert_eq!(
            settings(&[("APP_ENV", "production")]).unwrap_err().variable,
            "SECRET_KEY"
        );
        let key = "k".repeat(40);
        assert!(
            !settings(&[("APP_ENV", "production"), ("SECRET_KEY", &key)])
                .unwrap()
                .uses_dev_secret
        );
    }

    #[test]
    fn short_secret_keys_are_rejected() {
        assert_eq!(
            settings(&[("SECRET_KEY", "short")]).unwrap_err().variable,
            "SECRET_KEY"
        );
    }

    #[test]
    fn site_url_must_be_absolute_and_loses_its_trailing_slash() {
        assert_eq!(
            settings(&[("SITE_URL", "https://jobs.example.org/")])
                .unwrap()
                .site_url
                .as_deref(),
            Some("https://jobs.example.org")
        );
        assert_eq!(
            settings(&[("SITE_URL", "jobs.example.org")])
                .unwrap_err()
                .variable,
            "SITE_URL"
        );
        assert_eq!(
            settings(&[("SITE_URL", "https://x.org/path")])
                .unwrap_err()
                .variable,
            "SITE_URL"
        );
    }

    #[test]
    fn unknown_app_env_and_bad_pool_size_are_rejected() {
        assert_eq!(
            settings(&[("APP_ENV", "staging")]).unwrap_err().variable,
            "APP_ENV"
        );
        assert_eq!(
            settings(&[("DB_POOL_SIZE", "0")]).unwrap_err().variable,
            "DB_POOL_SIZE"
        );
        assert_eq!(
            settings(&[("PAGE_CACHE", "maybe")]).unwrap_err().variable,
            "PAGE_CACHE"
        );
        assert_eq!(
            settings(&[("DATABASE_URL", "mysql://x")])
                .unwrap_err()
                .variable,
            "DATABASE_URL"
        );
    }

    #[test]
    fn a_malformed_log_filter_is_rejected() {
        assert_eq!(
            settings(&[("RUST_LOG", "jobboard=loud")])
                .unwrap_err()
                .variable,
            "RUST_LOG"
        );
        assert!(settings(&[("RUST_LOG", "warn,jobboard=debug")]).is_ok());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let s = settings(&[("DATABASE_URL", "postgres://u:hunter2@h/db")]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
