DROP TABLE alert_signups;
DROP TABLE alerts;
DROP TABLE alert_subscribers;
