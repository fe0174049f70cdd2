//! What the editors' decisions and the job-end timer give employers: a new private
//! manage link in every e-mail (only its hash is stored), and the job-end e-mails the
//! timer in `mail::notices` queues.

use crate::mail::notices::NoticeMail;
use crate::repo::intake::EndNotice;
use crate::views::employer_mail;
use crate::web::auth::{random_token, token_hash};

/// A new manage link: the URL for the e-mail and the hash to store.
pub struct ManageLink {
    pub url: String,
    pub hash: Vec<u8>,
}

impl ManageLink {
    pub fn new(base_url: &str) -> Self {
        let token = random_token();
        Self {
            url: format!("{base_url}/manage/{token}"),
            hash: token_hash(&token),
        }
    }
}

/// The public address of a job.
pub fn job_url(base_url: &str, slug: &str) -> String {
    format!("{base_url}/jobs/{slug}")
}

/// The e-mails of the job-end timer, with manage links under `base_url`.
pub fn end_notice_mail(base_url: String) -> Box<NoticeMail> {
    Box::new(move |notice, job| {
        let link = ManageLink::new(&base_url);
        let mail = match notice {
            EndNotice::Reminder => employer_mail::ending_soon(
                &job.contact_email,
                &job.job_title,
                job.valid_through,
                link.url,
            )?,
            EndNotice::Ended => employer_mail::ended(&job.contact_email, &job.job_title, link.url)?,
        };
        Ok((mail, link.hash))
    })
}
