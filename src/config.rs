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
/// The sender of every message when `MAIL_FROM` is unset.
pub const DEFAULT_MAIL_FROM: &str = "jobboard <noreply@localhost>";
/// How often, in seconds, the timer looks for job-end e-mails to send by default.
pub const DEFAULT_JOB_NOTICE_INTERVAL_SECONDS: u64 = 300;
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

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which the server must offer
    /// (`smtp://`, port 587 by default).
    StartTls,
    /// TLS from the first byte (`smtps://`, port 465 by default).
    Tls,
    /// No encryption: `smtp://…?tls=none`, or a server on this machine without
    /// credentials (a local relay or a test server).
    None,
}

/// Where to send mail, from `SMTP_URL`.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<Secret>,
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
    /// The memory each cache may take, in bytes (see [`CacheBudgets`]).
    pub cache_budgets: CacheBudgets,
    /// Where uploaded images are stored (the local image store).
    pub upload_dir: PathBuf,
    /// Where this server keeps its text index (`SEARCH_INDEX_DIR`; `memory` keeps it in
    /// memory, rebuilt at every start).
    pub search_index: crate::search::Location,
    /// True when the development secret stands in for `SECRET_KEY`; start-up warns.
    pub uses_dev_secret: bool,
    /// The SMTP server mail is sent through; `None` writes each message as an `.eml`
    /// file into `mail_dir` instead.
    pub smtp: Option<SmtpSettings>,
    /// The `From` of every message, checked: `Name <address>` or an address.
    pub mail_from: String,
    /// Where messages are written when there is no SMTP server.
    pub mail_dir: PathBuf,
    /// The shortest time between opening the job form and sending it that is taken for
    /// a person; a script is faster.
    pub submit_min_fill: Duration,
    /// How often the timer looks for employers due a reminder or an "ended" notice
    /// about their job (`JOB_NOTICE_INTERVAL`, seconds).
    pub job_notice_interval: Duration,
    /// The local hour (Europe/Berlin, 0–23) at which alert digests go out: daily ones
    /// every day, weekly ones on Mondays.
    pub alert_digest_hour: u32,
    /// How often the digest timer looks whether digests are due (and tidies up).
    pub alert_digest_check: Duration,
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

        let megabytes = |variable: &'static str, default: usize| -> Result<usize, ConfigError> {
            match var(variable) {
                None => Ok(default * MIB),
                Some(raw) => match raw.parse::<usize>() {
                    Ok(n) if (1..=4096).contains(&n) => Ok(n * MIB),
                    _ => Err(ConfigError {
                        variable,
                        message: format!("'{raw}' is not a whole number of MiB from 1 to 4096"),
                    }),
                },
            }
        };
        let cache_budgets = CacheBudgets {
            page_bytes: megabytes("PAGE_CACHE_MB", 16)?,
            text_bytes: megabytes("SEARCH_CACHE_MB", 32)?,
            counts_bytes: megabytes("COUNTS_CACHE_MB", 4)?,
            card_bytes: megabytes("CARD_CACHE_MB", 4)?,
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

        let smtp = var("SMTP_URL")
            .map(|raw| parse_smtp_url(&raw))
            .transpose()?;
        let mail_from = var("MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError {
                variable: "MAIL_FROM",
                message: format!(
                    "'{mail_from}' is not a sender like jobboard <noreply@jobs.example.org>"
                ),
            });
        }

        let submit_min_fill = match var("SUBMIT_MIN_SECONDS") {
            None => Duration::from_secs(crate::domain::employer::DEFAULT_MIN_FILL_SECONDS),
            Some(raw) => match raw.parse::<u64>() {
                Ok(n) if n <= 600 => Duration::from_secs(n),
                _ => {
                    return Err(ConfigError {
                        variable: "SUBMIT_MIN_SECONDS",
                        message: format!("'{raw}' is not a whole number of seconds up to 600"),
                    });
                }
            },
        };
        let alert_digest_hour = match var("ALERT_DIGEST_HOUR") {
            None => 7,
            Some(raw) => match raw.trim().parse::<u32>() {
                Ok(hour) if hour <= 23 => hour,
                _ => {
                    return Err(ConfigError {
                        variable: "ALERT_DIGEST_HOUR",
                        message: format!("'{raw}' is not an hour from 0 to 23"),
                    });
                }
            },
        };
        let job_notice_interval = match var("JOB_NOTICE_INTERVAL") {
            None => Duration::from_secs(DEFAULT_JOB_NOTICE_INTERVAL_SECONDS),
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(n) if (1..=86_400).contains(&n) => Duration::from_secs(n),
                _ => {
                    return Err(ConfigError {
                        variable: "JOB_NOTICE_INTERVAL",
                        message: format!(
                            "'{raw}' is not a whole number of seconds from 1 to 86400"
                        ),
                    });
                }
            },
        };
        let alert_digest_check = match var("ALERT_DIGEST_CHECK_SECONDS") {
            None => Duration::from_secs(60),
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(seconds) if (1..=3600).contains(&seconds) => Duration::from_secs(seconds),
                _ => {
                    return Err(ConfigError {
                        variable: "ALERT_DIGEST_CHECK_SECONDS",
                        message: format!("'{raw}' is not a number of seconds from 1 to 3600"),
                    });
                }
            },
        };

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
            cache_budgets,
            upload_dir: var("UPLOAD_DIR").map_or_else(|| PathBuf::from("uploads"), PathBuf::from),
            search_index: match var("SEARCH_INDEX_DIR").as_deref() {
                Some("memory") => crate::search::Location::Memory,
                Some(dir) => crate::search::Location::Directory(PathBuf::from(dir)),
                None => crate::search::Location::Directory(PathBuf::from("search-index")),
            },
            uses_dev_secret,
            smtp,
            mail_from: mail_from.trim().to_owned(),
            mail_dir: var("MAIL_DIR").map_or_else(|| PathBuf::from("mail"), PathBuf::from),
            submit_min_fill,
            job_notice_interval,
            alert_digest_hour,
            alert_digest_check,
        })
    }
}

const MIB: usize = 1024 * 1024;

/// How much memory each cache may hold, in bytes: caches are bounded by size, not by a
/// count of entries, so a few huge entries cannot outgrow the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheBudgets {
    /// Rendered pages (`PAGE_CACHE_MB`, default 16).
    pub page_bytes: usize,
    /// The jobs of each word searched, per snapshot (`SEARCH_CACHE_MB`, default 32).
    pub text_bytes: usize,
    /// Searches' totals and facet counts (`COUNTS_CACHE_MB`, default 4).
    pub counts_bytes: usize,
    /// Job cards shown as similar jobs (`CARD_CACHE_MB`, default 4).
    pub card_bytes: usize,
}

impl Default for CacheBudgets {
    fn default() -> Self {
        Self {
            page_bytes: 16 * MIB,
            text_bytes: 32 * MIB,
            counts_bytes: 4 * MIB,
            card_bytes: 4 * MIB,
        }
    }
}

/// Reads `SMTP_URL`. The forms:
///
/// - `smtp://user:password@host:587`: STARTTLS, required (port 587 by default);
/// - `smtps://user:password@host`: TLS from the start (port 465 by default);
/// - `smtp://host:port?tls=none`: no encryption (port 25 by default), for a relay in a
///   private network; credentials are refused then unless the host is this machine;
/// - `smtp://127.0.0.1:1025` (or `localhost`) without credentials: no encryption, a
///   local relay or test server.
///
/// User name and password are percent-decoded (`%40` for `@`). Messages never repeat
/// the password.
fn parse_smtp_url(raw: &str) -> Result<SmtpSettings, ConfigError> {
    let fail = |message: &str| ConfigError {
        variable: "SMTP_URL",
        message: message.to_owned(),
    };
    let url = url::Url::parse(raw.trim())
        .map_err(|_| fail("is not a URL like smtp://user:password@mail.example.org:587"))?;
    let implicit_tls = match url.scheme() {
        "smtp" => false,
        "smtps" => true,
        _ => return Err(fail("must start with smtp:// or smtps://")),
    };
    let (host, loopback) = match url.host() {
        // smtp: is not a scheme the URL standard knows, so an IPv4 address comes as a
        // name.
        Some(url::Host::Domain(name)) if !name.is_empty() => (
            name.to_owned(),
            name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback()),
        ),
        Some(url::Host::Ipv4(ip)) => (ip.to_string(), ip.is_loopback()),
        Some(url::Host::Ipv6(ip)) => (ip.to_string(), ip.is_loopback()),
        _ => return Err(fail("has no host name")),
    };
    if !matches!(url.path(), "" | "/") || url.fragment().is_some() {
        return Err(fail("must not have a path: smtp://user:password@host:port"));
    }
    let decode = |part: &str| {
        percent_encoding::percent_decode_str(part)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| fail("has a user name or password that is not UTF-8"))
    };
    let username = Some(decode(url.username())?).filter(|u| !u.is_empty());
    let password = url.password().map(decode).transpose()?;
    if username.is_none() && password.is_some() {
        return Err(fail("has a password but no user name"));
    }
    let mut tls = None;
    for (key, value) in url.query_pairs() {
        match (key.as_ref(), value.as_ref()) {
            ("tls", "none" | "required" | "starttls") if tls.is_none() && !implicit_tls => {
                tls = Some(value.into_owned());
            }
            _ => {
                return Err(fail(
                    "knows one option, ?tls=none or ?tls=required (smtp:// only)",
                ));
            }
        }
    }
    let security = match tls.as_deref() {
        _ if implicit_tls => SmtpSecurity::Tls,
        Some("none") => SmtpSecurity::None,
        Some(_) => SmtpSecurity::StartTls,
        None if loopback && username.is_none() => SmtpSecurity::None,
        None => SmtpSecurity::StartTls,
    };
    if security == SmtpSecurity::None && username.is_some() && !loopback {
        return Err(fail(
            "would send the password unencrypted: use STARTTLS (leave out ?tls=none) or smtps://",
        ));
    }
    let port = url.port().unwrap_or(match security {
        SmtpSecurity::StartTls => 587,
        SmtpSecurity::Tls => 465,
        SmtpSecurity::None => 25,
    });
    Ok(SmtpSettings {
        host,
        port,
        security,
        username,
        password: password.map(Secret::new),
    })
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
    fn mail_goes_to_files_in_mail_dir_unless_smtp_url_is_set() {
        let s = settings(&[]).unwrap();
        assert!(s.smtp.is_none());
        assert_eq!(s.mail_dir, PathBuf::from("mail"));
        assert_eq!(s.mail_from, DEFAULT_MAIL_FROM);
        let s = settings(&[("MAIL_DIR", "/var/mail/jobboard")]).unwrap();
        assert_eq!(s.mail_dir, PathBuf::from("/var/mail/jobboard"));
    }

    #[test]
    fn the_minimum_fill_time_of_the_job_form_is_a_number_of_seconds() {
        assert_eq!(
            settings(&[]).unwrap().submit_min_fill,
            Duration::from_secs(4)
        );
        let s = settings(&[("SUBMIT_MIN_SECONDS", "0")]).unwrap();
        assert_eq!(s.submit_min_fill, Duration::ZERO);
        let e = settings(&[("SUBMIT_MIN_SECONDS", "soon")]).unwrap_err();
        assert_eq!(e.variable, "SUBMIT_MIN_SECONDS");
    }

    #[test]
    fn the_job_notice_timer_runs_every_five_minutes_unless_told() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.job_notice_interval, Duration::from_secs(300));
        let s = settings(&[("JOB_NOTICE_INTERVAL", "1")]).unwrap();
        assert_eq!(s.job_notice_interval, Duration::from_secs(1));
        for bad in ["0", "-5", "soon", "86401"] {
            assert_eq!(
                settings(&[("JOB_NOTICE_INTERVAL", bad)])
                    .unwrap_err()
                    .variable,
                "JOB_NOTICE_INTERVAL",
                "{bad}"
            );
        }
    }

    #[test]
    fn the_alert_digest_hour_is_seven_unless_set_to_an_hour() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.alert_digest_hour, 7);
        assert_eq!(s.alert_digest_check, Duration::from_secs(60));
        let s = settings(&[
            ("ALERT_DIGEST_HOUR", "0"),
            ("ALERT_DIGEST_CHECK_SECONDS", "5"),
        ])
        .unwrap();
        assert_eq!(s.alert_digest_hour, 0);
        assert_eq!(s.alert_digest_check, Duration::from_secs(5));
        for bad in ["24", "-1", "seven"] {
            let err = settings(&[("ALERT_DIGEST_HOUR", bad)]).unwrap_err();
            assert_eq!(err.variable, "ALERT_DIGEST_HOUR");
        }
        let err = settings(&[("ALERT_DIGEST_CHECK_SECONDS", "0")]).unwrap_err();
        assert_eq!(err.variable, "ALERT_DIGEST_CHECK_SECONDS");
    }

    #[test]
    fn mail_from_must_be_a_sender() {
        let s = settings(&[("MAIL_FROM", "Jobs <jobs@example.org>")]).unwrap();
        assert_eq!(s.mail_from, "Jobs <jobs@example.org>");
        assert!(settings(&[("MAIL_FROM", "jobs@example.org")]).is_ok());
        for bad in ["jobs", "Jobs <jobs@>", "a@b.org, c@d.org"] {
            assert_eq!(
                settings(&[("MAIL_FROM", bad)]).unwrap_err().variable,
                "MAIL_FROM",
                "{bad}"
            );
        }
    }

    fn smtp(url: &str) -> Result<SmtpSettings, ConfigError> {
        settings(&[("SMTP_URL", url)]).map(|s| s.smtp.unwrap())
    }

    #[test]
    fn smtp_urls_with_credentials_use_starttls_or_tls() {
        let s = smtp("smtp://mailer:p%40ss%3Aword@mail.example.org:587").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.security),
            ("mail.example.org", 587, SmtpSecurity::StartTls)
        );
        assert_eq!(s.username.as_deref(), Some("mailer"));
        assert_eq!(s.password.unwrap().expose(), "p@ss:word");
        let s = smtp("smtp://mailer:pw@mail.example.org").unwrap();
        assert_eq!((s.port, s.security), (587, SmtpSecurity::StartTls));
        let s = smtp("smtps://mailer:pw@mail.example.org").unwrap();
        assert_eq!((s.port, s.security), (465, SmtpSecurity::Tls));
        let s = smtp("smtp://relay.internal?tls=required").unwrap();
        assert_eq!(s.security, SmtpSecurity::StartTls);
    }

    #[test]
    fn smtp_without_tls_only_when_asked_or_on_this_machine() {
        let s = smtp("smtp://127.0.0.1:1025").unwrap();
        assert_eq!((s.port, s.security), (1025, SmtpSecurity::None));
        assert_eq!(s.username, None);
        assert_eq!(
            smtp("smtp://localhost").unwrap().security,
            SmtpSecurity::None
        );
        let s = smtp("smtp://[::1]:1025").unwrap();
        assert_eq!((s.host.as_str(), s.security), ("::1", SmtpSecurity::None));
        let s = smtp("smtp://relay.internal:25?tls=none").unwrap();
        assert_eq!((s.port, s.security), (25, SmtpSecurity::None));
        // Not this machine and no word about TLS: STARTTLS.
        assert_eq!(
            smtp("smtp://relay.internal:2525").unwrap().security,
            SmtpSecurity::StartTls
        );
        // Credentials on this machine go in the clear only to it.
        assert_eq!(
            smtp("smtp://u:p@127.0.0.1:1025").unwrap().security,
            SmtpSecurity::StartTls
        );
        assert_eq!(
            smtp("smtp://u:p@127.0.0.1:1025?tls=none").unwrap().security,
            SmtpSecurity::None
        );
    }

    #[test]
    fn bad_smtp_urls_name_the_variable_and_never_the_password() {
        for bad in [
            "mail.example.org:587",
            "http://mail.example.org",
            "smtp://",
            "smtp://u:hunter2@mail.example.org/path",
            "smtp://u:hunter2@mail.example.org?tls=none",
            "smtp://u:hunter2@mail.example.org?tls=maybe",
            "smtps://u:hunter2@mail.example.org?tls=none",
            "smtp://:hunter2@mail.example.org",
        ] {
            let err = smtp(bad).unwrap_err();
            assert_eq!(err.variable, "SMTP_URL", "{bad}");
            assert!(!err.to_string().contains("hunter2"), "{err}");
        }
        let s = settings(&[("SMTP_URL", "smtp://u:hunter2@mail.example.org")]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let s = settings(&[("DATABASE_URL", "postgres://u:hunter2@h/db")]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
