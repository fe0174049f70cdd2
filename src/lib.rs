//! jobboard: a server-rendered job board for software developers in Germany.

pub mod alerts;
pub mod app;
pub mod backfill;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod mail;
pub mod media;
pub mod refresh;
pub mod repo;
pub mod search;
pub mod seed;
pub mod telemetry;
pub mod views;
pub mod web;
