// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
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
    use super::sql_types::Tsvector;

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
        search_document -> Tsvector,
        salary_eur_year -> Nullable<Int4>,
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

diesel::joinable!(articles -> editors (editor_id));
diesel::joinable!(job_technologies -> jobs (job_id));
diesel::joinable!(job_technologies -> technologies (technology_id));
diesel::joinable!(jobs -> companies (company_id));

diesel::allow_tables_to_appear_in_same_query!(
    articles,
    companies,
    editors,
    job_technologies,
    jobs,
    slug_history,
    technologies,
);
