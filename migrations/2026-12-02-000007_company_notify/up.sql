-- Company changes (an editor fixing a city or the about text) reach every instance's page
-- cache at once, through the same notification as article changes.
CREATE TRIGGER companies_notify_change AFTER INSERT OR UPDATE OR DELETE ON companies
    FOR EACH STATEMENT EXECUTE FUNCTION jobboard_notify_content_change();
