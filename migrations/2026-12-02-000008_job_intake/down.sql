DROP INDEX companies_lower_name_idx;
DROP TABLE job_reports;
DROP TABLE manage_link_requests;
DROP TABLE employer_manage_tokens;
DROP TABLE job_submissions;
DROP TABLE employer_listings;
