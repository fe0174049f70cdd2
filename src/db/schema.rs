// @generated automatically by Diesel CLI.

diesel::table! {
    alert_signups (id) {
        id -> Int8,
        client_addr -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    alert_subscribers (id) {
        id -> Int8,
        email -> Text,
        manage_salt -> Bytea,
        manage_token_hash -> Bytea,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    alerts (id) {
        id -> Int8,
        subscriber_id -> Int8,
        search_query -> Text,
        search_path -> Text,
        label -> Text,
        frequency -> Text,
        status -> Text,
        confirm_token_hash -> Bytea,
        confirm_expires_at -> Timestamptz,
        confirmed_at -> Nullable<Timestamptz>,
        unsubscribe_salt -> Bytea,
        unsubscribe_token_hash -> Bytea,
        last_digest_at -> Nullable<Timestamptz>,
        last_sent_at -> Nullable<Timestamptz>,
        last_sent_jobs -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    articles (id) {
        id -> Int8,
        slug -> Text,
        title -> Text,
        summary -> Text,
        body -> Text,
        author_name -> Text,
        editor_id -> Nullable<Int8>,
        tags -> Array<Nullable<Text>>,
        status -> Text,
        published_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        cover_image_id -> Nullable<Int8>,
        cover_alt -> Text,
        retracted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    article_revisions (id) {
        id -> Int8,
        article_id -> Int8,
        version -> Int4,
        editor_id -> Nullable<Int8>,
        editor_name -> Text,
        created_at -> Timestamptz,
        slug -> Text,
        title -> Text,
        summary -> Text,
        body -> Text,
        author_name -> Text,
        tags -> Array<Nullable<Text>>,
        status -> Text,
        published_at -> Nullable<Timestamptz>,
        cover_image_id -> Nullable<Int8>,
        cover_alt -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Timestamptz,
        editor_id -> Nullable<Int8>,
        editor_email -> Text,
        action -> Text,
        subject_type -> Text,
        subject_id -> Nullable<Int8>,
        summary -> Text,
        client_addr -> Text,
    }
}

diesel::table! {
    companies (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
        city -> Text,
        website -> Nullable<Text>,
        about -> Text,
        size_band -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        logo_image_id -> Nullable<Int8>,
    }
}

diesel::table! {
    editors (id) {
        id -> Int8,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        active -> Bool,
    }
}

diesel::table! {
    editor_sessions (token_hash) {
        token_hash -> Bytea,
        editor_id -> Int8,
        csrf_token -> Text,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        expires_at -> Timestamptz,
        client_addr -> Text,
    }
}

diesel::table! {
    employer_listings (id) {
        id -> Int8,
        contact_email -> Text,
        job_id -> Nullable<Int8>,
        confirm_token_hash -> Nullable<Bytea>,
        confirm_expires_at -> Timestamptz,
        confirmed_at -> Nullable<Timestamptz>,
        ends_at -> Timestamptz,
        views -> Int8,
        reminder_sent_for -> Nullable<Timestamptz>,
        ended_notice_sent_for -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    employer_manage_tokens (token_hash) {
        token_hash -> Bytea,
        listing_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    images (id) {
        id -> Int8,
        base_name -> Text,
        extension -> Text,
        widths -> Array<Nullable<Int4>>,
        width -> Int4,
        height -> Int4,
        original_name -> Text,
        uploaded_by -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Int8,
        email_key -> Text,
        client_addr -> Text,
        failed_at -> Timestamptz,
    }
}

diesel::table! {
    job_reports (id) {
        id -> Int8,
        job_id -> Int8,
        reason -> Text,
        details -> Text,
        client_addr -> Text,
        created_at -> Timestamptz,
        resolved_at -> Nullable<Timestamptz>,
        resolved_by -> Nullable<Int8>,
        resolution -> Nullable<Text>,
    }
}

diesel::table! {
    job_submissions (id) {
        id -> Int8,
        listing_id -> Int8,
        fields -> Jsonb,
        state -> Text,
        contact_email -> Text,
        client_addr -> Text,
        submitted_at -> Timestamptz,
        decided_at -> Nullable<Timestamptz>,
        decided_by -> Nullable<Int8>,
        reason -> Nullable<Text>,
        note -> Text,
    }
}

diesel::table! {
    job_technologies (job_id, technology_id) {
        job_id -> Int8,
        technology_id -> Int8,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    jobs (id) {
        id -> Int8,
        slug -> Text,
        title -> Text,
        company_id -> Int8,
        description -> Text,
        city -> Nullable<Text>,
        country -> Text,
        remote_policy -> Text,
        remote_countries -> Array<Nullable<Text>>,
        seniority -> Text,
        employment_type -> Text,
        salary_min -> Nullable<Int4>,
        salary_max -> Nullable<Int4>,
        salary_currency -> Nullable<Text>,
        salary_period -> Nullable<Text>,
        apply_url -> Nullable<Text>,
        apply_email -> Nullable<Text>,
        posted_at -> Timestamptz,
        valid_through -> Timestamptz,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        technology_slugs -> Array<Nullable<Text>>,
        salary_eur_year -> Nullable<Int4>,
        description_html -> Nullable<Text>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Int8,
        created_at -> Timestamptz,
        to_address -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Nullable<Text>,
        list_unsubscribe -> Nullable<Text>,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        claimed_until -> Nullable<Timestamptz>,
        claimed_by -> Nullable<Text>,
        last_attempt_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    manage_link_requests (id) {
        id -> Int8,
        email_key -> Text,
        client_addr -> Text,
        requested_at -> Timestamptz,
    }
}

diesel::table! {
    slug_history (entity, slug) {
        entity -> Text,
        slug -> Text,
        entity_id -> Int8,
        retired_at -> Timestamptz,
    }
}

diesel::table! {
    technologies (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
    }
}

diesel::joinable!(alerts -> alert_subscribers (subscriber_id));
diesel::joinable!(article_revisions -> articles (article_id));
diesel::joinable!(articles -> editors (editor_id));
diesel::joinable!(articles -> images (cover_image_id));
diesel::joinable!(companies -> images (logo_image_id));
diesel::joinable!(editor_sessions -> editors (editor_id));
diesel::joinable!(job_technologies -> jobs (job_id));
diesel::joinable!(job_technologies -> technologies (technology_id));
diesel::joinable!(employer_listings -> jobs (job_id));
diesel::joinable!(employer_manage_tokens -> employer_listings (listing_id));
diesel::joinable!(job_reports -> jobs (job_id));
diesel::joinable!(job_submissions -> employer_listings (listing_id));
diesel::joinable!(jobs -> companies (company_id));

diesel::allow_tables_to_appear_in_same_query!(
    alert_signups,
    alert_subscribers,
    alerts,
    article_revisions,
    articles,
    audit_log,
    companies,
    editor_sessions,
    editors,
    employer_listings,
    employer_manage_tokens,
    images,
    login_failures,
    job_reports,
    job_submissions,
    job_technologies,
    jobs,
    mail_outbox,
    manage_link_requests,
    slug_history,
    technologies,
);
