//! Sending e-mail. Messages wait in the outbox in PostgreSQL (`repo::outbox`), queued
//! in the transaction of the change that causes them; a worker per server instance
//! (`worker`) claims the due ones and hands them to one transport (`transport`): an
//! SMTP server when `SMTP_URL` is set, otherwise `.eml` files in `MAIL_DIR`. `message`
//! turns an outbox row into an RFC 5322 message. `notices` is the timer that queues
//! the e-mails about the end of employers' jobs.

pub mod message;
pub mod notices;
pub mod transport;
pub mod worker;
