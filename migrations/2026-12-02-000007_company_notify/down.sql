DROP TRIGGER companies_notify_change ON companies;
