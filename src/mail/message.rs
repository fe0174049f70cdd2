//! An outbox message as an RFC 5322 message: plain text, or plain text and HTML as
//! multipart/alternative; `List-Unsubscribe` only when the message has one, with
//! `List-Unsubscribe-Post` (RFC 8058 one-click) when its URL is http(s).

use crate::domain::mail::ClaimedMail;
use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};

const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");

/// The message for `mail` from `from`. An error means this message can never be built
/// (a recipient address the mail library refuses): retrying will not help.
pub fn build(mail: &ClaimedMail, from: &Mailbox) -> Result<Message, String> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| format!("the recipient address is not usable: {e}"))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.as_str())
        .date(std::time::SystemTime::from(mail.created_at))
        .message_id(Some(message_id(mail.id, mail.created_at, from)));
    if let Some(url) = &mail.list_unsubscribe {
        builder = builder.raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, format!("<{url}>")));
        // One click (RFC 8058): the mail program POSTs to the URL itself, which ends
        // the subscription without a page or a cookie. A mailto: address cannot.
        if url.starts_with("https://") || url.starts_with("http://") {
            builder = builder.raw_header(HeaderValue::new(
                LIST_UNSUBSCRIBE_POST,
                "List-Unsubscribe=One-Click".to_owned(),
            ));
        }
    }
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(mail.text.clone());
    let built = match &mail.html {
        Some(html) => builder.multipart(
            MultiPart::alternative().singlepart(text).singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(html.clone()),
            ),
        ),
        None => builder.singlepart(text),
    };
    built.map_err(|e| format!("the message cannot be built: {e}"))
}

/// The same `Message-ID` every time the message is sent (derived from its outbox row),
/// so that a copy sent twice, after a crash between sending and marking it sent, can be
/// recognised as the same message.
pub fn message_id(id: i64, created_at: DateTime<Utc>, from: &Mailbox) -> String {
    format!(
        "<outbox-{id}.{}@{}>",
        created_at.timestamp_micros(),
        from.email.domain()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn claimed() -> ClaimedMail {
        ClaimedMail {
            id: 42,
            created_at: Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).unwrap(),
            attempts: 0,
            to: "anna@example.org".to_owned(),
            subject: "Confirm your job".to_owned(),
            text: "Hello Anna,\n\nplease confirm.".to_owned(),
            html: None,
            list_unsubscribe: None,
        }
    }

    fn from() -> Mailbox {
        "jobboard <noreply@jobs.example.org>".parse().unwrap()
    }

    fn formatted(mail: &ClaimedMail) -> String {
        String::from_utf8(build(mail, &from()).unwrap().formatted()).unwrap()
    }

    #[test]
    fn a_text_message_has_the_headers_and_no_unsubscribe() {
        let raw = formatted(&claimed());
        for header in [
            "From: jobboard <noreply@jobs.example.org>\r\n",
            "To: anna@example.org\r\n",
            "Subject: Confirm your job\r\n",
            "Date: Wed, 02 Dec 2026 09:30:00 +0000\r\n",
            "Message-ID: <outbox-42.1796203800000000@jobs.example.org>\r\n",
            "Content-Type: text/plain; charset=utf-8\r\n",
        ] {
            assert!(raw.contains(header), "{header:?} missing in\n{raw}");
        }
        assert!(!raw.contains("List-Unsubscribe"));
        assert!(!raw.contains("multipart"));
    }

    #[test]
    fn an_http_unsubscribe_url_is_one_click_and_a_mailto_is_not() {
        let mut mail = claimed();
        mail.list_unsubscribe =
            Some("https://jobs.example.org/alerts/unsubscribe/0123abcd".to_owned());
        let raw = formatted(&mail);
        assert!(
            raw.contains(
                "List-Unsubscribe: <https://jobs.example.org/alerts/unsubscribe/0123abcd>\r\n"
            ),
            "{raw}"
        );
        assert!(
            raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
            "{raw}"
        );
        mail.list_unsubscribe = Some("mailto:leave@jobs.example.org".to_owned());
        let raw = formatted(&mail);
        assert!(
            raw.contains("List-Unsubscribe: <mailto:leave@jobs.example.org>\r\n"),
            "{raw}"
        );
        assert!(!raw.contains("List-Unsubscribe-Post"), "{raw}");
    }

    #[test]
    fn html_makes_it_multipart_alternative_with_the_text_first() {
        let mut mail = claimed();
        mail.html = Some("<p>Hello Anna</p>".to_owned());
        mail.list_unsubscribe = Some("https://jobs.example.org/alerts/off?t=abc".to_owned());
        let raw = formatted(&mail);
        assert!(
            raw.contains("Content-Type: multipart/alternative;"),
            "{raw}"
        );
        let text = raw.find("Content-Type: text/plain").unwrap();
        let html = raw.find("Content-Type: text/html").unwrap();
        assert!(text < html, "{raw}");
        assert!(raw.contains("<p>Hello Anna</p>"));
        assert!(raw.contains("List-Unsubscribe: <https://jobs.example.org/alerts/off?t=abc>\r\n"));
    }

    #[test]
    fn non_ascii_subjects_and_bodies_are_encoded() {
        let mut mail = claimed();
        mail.subject = "Bestätigen Sie Ihre Anzeige".to_owned();
        mail.text = "Grüße aus Köln".to_owned();
        let raw = formatted(&mail);
        assert!(raw.is_ascii(), "{raw}");
        assert!(raw.contains("Subject: =?utf-8?"), "{raw}");
    }

    #[test]
    fn an_address_the_library_refuses_is_an_error() {
        let mut mail = claimed();
        mail.to = "not an address".to_owned();
        assert!(build(&mail, &from()).is_err());
    }
}
