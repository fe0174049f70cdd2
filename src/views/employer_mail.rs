//! The e-mails of job intake, as plain text and HTML: confirming a posting, the
//! moderation decisions, the manage link, and the notices about a job's end. None of
//! them has a `List-Unsubscribe`: each is about something the employer did.

use crate::domain::InvalidInput;
use crate::domain::dates;
use crate::domain::editor::EmailAddress;
use crate::domain::mail::OutgoingMail;
use askama::Template;
use chrono::{DateTime, Utc};

const FOOTER: &str = "jobboard, the job board for software developers in Germany. You get this e-mail because this address was given when a job was posted.";

pub struct MailAction {
    pub label: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct TextPart<'a> {
    greeting: &'a str,
    paragraphs: &'a [String],
    action: &'a Option<MailAction>,
    after: &'a [String],
    footer: &'a str,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct HtmlPart<'a> {
    subject: &'a str,
    greeting: &'a str,
    paragraphs: &'a [String],
    action: &'a Option<MailAction>,
    after: &'a [String],
    footer: &'a str,
}

/// What a message says: paragraphs, one button (a link), more paragraphs.
struct Message {
    subject: String,
    paragraphs: Vec<String>,
    action: Option<MailAction>,
    after: Vec<String>,
}

impl Message {
    fn build(self, to: &str) -> Result<OutgoingMail, InvalidInput> {
        let to = EmailAddress::parse(to)?;
        let greeting = "Hello,";
        let text = TextPart {
            greeting,
            paragraphs: &self.paragraphs,
            action: &self.action,
            after: &self.after,
            footer: FOOTER,
        }
        .render()
        .map_err(|e| InvalidInput::new("mail", e.to_string()))?;
        let html = HtmlPart {
            subject: &self.subject,
            greeting,
            paragraphs: &self.paragraphs,
            action: &self.action,
            after: &self.after,
            footer: FOOTER,
        }
        .render()
        .map_err(|e| InvalidInput::new("mail", e.to_string()))?;
        Ok(OutgoingMail::new(to, &self.subject, &text)?.with_html(html))
    }
}

fn action(label: &str, url: String) -> Option<MailAction> {
    Some(MailAction {
        label: label.to_owned(),
        url,
    })
}

/// The double opt-in: the link that sends the posting to review.
pub fn confirm_posting(
    to: &str,
    job_title: &str,
    confirm_url: String,
    expires_at: DateTime<Utc>,
) -> Result<OutgoingMail, InvalidInput> {
    Message {
        subject: format!("Confirm your job ad: {job_title}"),
        paragraphs: vec![
            format!("thank you for posting “{job_title}” on jobboard."),
            "Please confirm this e-mail address with the button below. Only then does an editor review the ad; nothing is published before that.".to_owned(),
        ],
        action: action("Confirm my job ad", confirm_url),
        after: vec![
            format!(
                "The link works until {} (48 hours). If you did not post a job, ignore this e-mail and nothing happens.",
                dates::long_date_time_berlin(expires_at)
            ),
        ],
    }
    .build(to)
}

/// The manage links of an address, on request.
pub fn manage_links(to: &str, links: &[(String, String)]) -> Result<OutgoingMail, InvalidInput> {
    let mut paragraphs =
        vec!["you asked for the links to manage your job ads on jobboard.".to_owned()];
    paragraphs.extend(links.iter().map(|(title, url)| format!("{title}: {url}")));
    Message {
        subject: if links.len() == 1 {
            "Your link to manage your job ad".to_owned()
        } else {
            "Your links to manage your job ads".to_owned()
        },
        paragraphs,
        action: None,
        after: vec!["Each link is private: anyone who has it can change or close the ad. If you did not ask for this, you can ignore this e-mail.".to_owned()],
    }
    .build(to)
}

/// The job is live.
pub fn approved(
    to: &str,
    job_title: &str,
    public_url: String,
    manage_url: String,
    was_edit: bool,
) -> Result<OutgoingMail, InvalidInput> {
    let (subject, first) = if was_edit {
        (
            format!("Your changes are live: {job_title}"),
            format!(
                "an editor approved your changes to “{job_title}”. The job page shows them now:"
            ),
        )
    } else {
        (
            format!("Your job is live: {job_title}"),
            format!("an editor approved “{job_title}”. It is on the board now:"),
        )
    };
    Message {
        subject,
        paragraphs: vec![first, public_url],
        action: action("Manage your job ad", manage_url),
        after: vec!["With this private link you can see how often the ad was viewed, change it, extend it by 30 days or close it early. Keep it to yourself.".to_owned()],
    }
    .build(to)
}

/// The job was turned down.
pub fn rejected(
    to: &str,
    job_title: &str,
    reason: &str,
    note: &str,
    manage_url: String,
) -> Result<OutgoingMail, InvalidInput> {
    let mut paragraphs = vec![
        format!("an editor reviewed “{job_title}” and could not accept it for jobboard."),
        format!("The reason: {reason}."),
    ];
    if !note.trim().is_empty() {
        paragraphs.push(format!("The editor adds: {}", note.trim()));
    }
    Message {
        subject: format!("Your job ad was not accepted: {job_title}"),
        paragraphs,
        action: action("See your job ad", manage_url),
        after: vec!["If you think this is a mistake, reply to this e-mail.".to_owned()],
    }
    .build(to)
}

/// The editor asks for changes before publishing.
pub fn changes_requested(
    to: &str,
    job_title: &str,
    note: &str,
    manage_url: String,
) -> Result<OutgoingMail, InvalidInput> {
    Message {
        subject: format!("Please change your job ad: {job_title}"),
        paragraphs: vec![
            format!(
                "an editor reviewed “{job_title}” and asks for a change before it can go live:"
            ),
            note.trim().to_owned(),
        ],
        action: action("Change your job ad", manage_url),
        after: vec!["Once you send the changed ad, it goes back to the editors.".to_owned()],
    }
    .build(to)
}

/// A few days before the end.
pub fn ending_soon(
    to: &str,
    job_title: &str,
    ends_at: DateTime<Utc>,
    manage_url: String,
) -> Result<OutgoingMail, InvalidInput> {
    Message {
        subject: format!("Your job ad ends soon: {job_title}"),
        paragraphs: vec![format!(
            "“{job_title}” stops taking applications on {}. If the position is still open, extend the ad by 30 days with one click.",
            dates::long_date(ends_at)
        )],
        action: action("Extend or manage your job ad", manage_url),
        after: vec!["If you have filled the position, there is nothing to do: the ad leaves the board on its own.".to_owned()],
    }
    .build(to)
}

/// After the end.
pub fn ended(to: &str, job_title: &str, manage_url: String) -> Result<OutgoingMail, InvalidInput> {
    Message {
        subject: format!("Your job ad has ended: {job_title}"),
        paragraphs: vec![format!(
            "“{job_title}” has reached its end date and left the listings. Thank you for posting on jobboard."
        )],
        action: action("Extend it by 30 days", manage_url),
        after: vec!["The link works for 30 more days.".to_owned()],
    }
    .build(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confirmation_has_both_parts_with_the_link_and_no_unsubscribe_header() {
        let mail = confirm_posting(
            "hr@example.org",
            "Rust <Engineer>",
            "https://jobs.example/post-a-job/confirm/abc".into(),
            Utc::now(),
        )
        .unwrap();
        assert!(mail.subject().contains("Rust <Engineer>"));
        assert!(
            mail.text()
                .contains("https://jobs.example/post-a-job/confirm/abc")
        );
        let html = mail.html().unwrap();
        assert!(html.contains("Rust &#60;Engineer&#62;") || html.contains("Rust &lt;Engineer&gt;"));
        assert!(html.contains("href=\"https://jobs.example/post-a-job/confirm/abc\""));
        assert_eq!(mail.list_unsubscribe(), None);
    }

    #[test]
    fn a_rejection_names_the_reason_and_the_note() {
        let mail = rejected(
            "hr@example.org",
            "Engineer",
            "It is not a software development job",
            "We list software roles only.",
            "https://jobs.example/manage/x".into(),
        )
        .unwrap();
        assert!(mail.text().contains("not a software development job"));
        assert!(mail.text().contains("We list software roles only."));
    }
}
