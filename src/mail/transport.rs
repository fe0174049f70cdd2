//! Where messages go: an SMTP server ([`SmtpMailer`], when `SMTP_URL` is set) or `.eml`
//! files in a folder ([`FileMailer`], the default, so a local run needs no mail
//! server). Both block; the worker calls them on its own thread.

use super::message;
use crate::config::{Settings, SmtpSecurity, SmtpSettings};
use crate::domain::mail::ClaimedMail;
use lettre::Transport;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::{PoolConfig, SmtpTransport};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one SMTP command may take before the try counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// What a failed send means for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The server refused this message for good (a 5xx reply, an unusable address):
    /// trying again will not help.
    Permanent,
    /// The server asked to try this message later (a 4xx reply: greylisting, a full
    /// mailbox).
    Transient,
    /// The server cannot be used right now (no connection, TLS or sign-in failed, or the
    /// folder cannot be written): the message is tried later, and the worker pauses.
    Unavailable,
}

/// Why a message was not sent, written for the admin page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub failure: Failure,
    pub message: String,
}

impl SendError {
    pub fn new(failure: Failure, message: impl Into<String>) -> Self {
        Self {
            failure,
            message: message.into(),
        }
    }
}

/// Sends one message from `from` (a checked `MAIL_FROM`). Blocking.
pub trait MailTransport: Send + Sync {
    fn send(&self, mail: &ClaimedMail, from: &str) -> Result<(), SendError>;

    /// Where messages go, for the start-up log (no secrets).
    fn describe(&self) -> String;
}

/// The transport `settings` ask for: SMTP when `SMTP_URL` is set, else files.
pub fn from_settings(settings: &Settings) -> anyhow::Result<Box<dyn MailTransport>> {
    Ok(match &settings.smtp {
        Some(smtp) => Box::new(SmtpMailer::new(smtp)?),
        None => Box::new(FileMailer::new(settings.mail_dir.clone())),
    })
}

fn sender(from: &str) -> Result<Mailbox, SendError> {
    from.parse()
        .map_err(|e| SendError::new(Failure::Unavailable, format!("MAIL_FROM: {e}")))
}

fn built(mail: &ClaimedMail, from: &str) -> Result<lettre::Message, SendError> {
    message::build(mail, &sender(from)?).map_err(|e| SendError::new(Failure::Permanent, e))
}

/// Sends over SMTP through a small pool of connections, reused between messages.
pub struct SmtpMailer {
    transport: SmtpTransport,
    description: String,
}

impl SmtpMailer {
    pub fn new(smtp: &SmtpSettings) -> anyhow::Result<Self> {
        let tls = || {
            TlsParameters::new(smtp.host.clone())
                .map_err(|e| anyhow::anyhow!("SMTP_URL: TLS for {}: {e}", smtp.host))
        };
        let (tls, mode) = match smtp.security {
            SmtpSecurity::StartTls => (Tls::Required(tls()?), "STARTTLS"),
            SmtpSecurity::Tls => (Tls::Wrapper(tls()?), "TLS"),
            SmtpSecurity::None => (Tls::None, "no encryption"),
        };
        let mut builder = SmtpTransport::builder_dangerous(smtp.host.as_str())
            .port(smtp.port)
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(super::worker::SENDERS as u32));
        if let Some(user) = &smtp.username {
            let password = smtp
                .password
                .as_ref()
                .map(|p| p.expose().to_owned())
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(Self {
            transport: builder.build(),
            description: format!("SMTP server {}:{} ({mode})", smtp.host, smtp.port),
        })
    }
}

impl MailTransport for SmtpMailer {
    fn send(&self, mail: &ClaimedMail, from: &str) -> Result<(), SendError> {
        let message = built(mail, from)?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| SendError::new(classify(&e), e.to_string()))
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}

/// What an SMTP error means for the message: replies about this message decide, while
/// replies about the session (sign-in, the service closing) and every network or TLS
/// failure mean the server is unavailable.
fn classify(e: &lettre::transport::smtp::Error) -> Failure {
    let Some(code) = e.status() else {
        return Failure::Unavailable;
    };
    classify_code(&code.to_string())
}

fn classify_code(code: &str) -> Failure {
    match code {
        // 421 service closing, 454 TLS or authentication unavailable; 530, 534, 535 and
        // 538: authentication required or refused.
        "421" | "454" | "530" | "534" | "535" | "538" => Failure::Unavailable,
        _ if code.starts_with('5') => Failure::Permanent,
        _ => Failure::Transient,
    }
}

/// Writes each message as `<queued at>-<id>.eml` into a folder (created when missing)
/// and logs the path. A message written again replaces its file.
pub struct FileMailer {
    dir: PathBuf,
}

impl FileMailer {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The file `mail` is written to.
    pub fn path_for(&self, mail: &ClaimedMail) -> PathBuf {
        self.dir.join(format!(
            "{}-{}.eml",
            mail.created_at.format("%Y%m%dT%H%M%S"),
            mail.id
        ))
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        // Written aside and renamed, so nobody opens half a message.
        let partial = path.with_extension("eml.part");
        std::fs::write(&partial, bytes)?;
        std::fs::rename(&partial, path)
    }
}

impl MailTransport for FileMailer {
    fn send(&self, mail: &ClaimedMail, from: &str) -> Result<(), SendError> {
        let message = built(mail, from)?;
        let path = self.path_for(mail);
        self.write(&path, &message.formatted()).map_err(|e| {
            SendError::new(
                Failure::Unavailable,
                format!("cannot write {}: {e}", path.display()),
            )
        })?;
        tracing::info!(mail.id = mail.id, path = %path.display(), "mail #{} written to {}", mail.id, path.display());
        Ok(())
    }

    fn describe(&self) -> String {
        format!("files in {}", self.dir.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn smtp_replies_about_the_message_decide_and_the_rest_mean_unavailable() {
        assert_eq!(classify_code("550"), Failure::Permanent);
        assert_eq!(classify_code("553"), Failure::Permanent);
        assert_eq!(classify_code("451"), Failure::Transient);
        assert_eq!(classify_code("452"), Failure::Transient);
        for session in ["421", "454", "530", "535"] {
            assert_eq!(classify_code(session), Failure::Unavailable, "{session}");
        }
    }

    #[test]
    fn the_file_transport_writes_one_eml_per_message() {
        let dir = std::env::temp_dir().join(format!("jobboard-mail-unit-{}", std::process::id()));
        let mailer = FileMailer::new(dir.clone());
        let mail = ClaimedMail {
            id: 7,
            created_at: Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).unwrap(),
            attempts: 0,
            to: "anna@example.org".to_owned(),
            subject: "Hello".to_owned(),
            text: "Hi".to_owned(),
            html: None,
            list_unsubscribe: None,
        };
        mailer.send(&mail, "jobboard <noreply@localhost>").unwrap();
        mailer.send(&mail, "jobboard <noreply@localhost>").unwrap();
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].file_name(), "20261202T093000-7.eml");
        let raw = std::fs::read_to_string(files[0].path()).unwrap();
        assert!(raw.contains("To: anna@example.org\r\n"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
