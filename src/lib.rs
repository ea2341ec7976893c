//! aimsbook: turns a git repository of ISO/IEC 42001 AIMS documents (Markdown with YAML front
//! matter, plus YAML data files) into a controlled, cross-linked static site.
//!
//! The pipeline, one module per stage: [`config`] → [`source`] → [`parse`] (with [`markdown`]
//! analysis and [`schemas`]) → [`site`] (the [`model`] assembled, with the [`catalog`]) →
//! [`check`] → [`render`] (with [`theme`]) → [`output`]. [`pipeline`] runs them in order.

pub mod adopt;
pub mod api;
pub mod approval;
pub mod approval_signature;
pub mod audience;
pub mod catalog;
pub mod check;
pub mod config;
pub mod crosswalk;
pub mod data;
pub mod diagnostics;
pub mod export;
pub mod git;
pub mod i18n;
pub mod init;
pub mod markdown;
pub mod model;
pub mod oscal;
pub mod output;
pub mod parse;
pub mod pdf;
pub mod pipeline;
pub mod redline;
pub mod render;
pub mod render_crosswalk;
pub mod render_trace;
pub mod retention;
pub mod review;
pub mod safe_write;
pub mod sarif;
pub mod schemas;
pub mod search;
pub mod semantics;
pub mod serve;
pub mod signing;
pub mod site;
pub mod snapshot;
pub mod source;
pub mod theme;
pub mod trace;
pub mod yaml;
