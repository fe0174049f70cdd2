DROP TRIGGER mail_outbox_notify_due ON mail_outbox;
DROP FUNCTION jobboard_notify_mail_due();
DROP TABLE mail_outbox;
