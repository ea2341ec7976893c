//! aimsbook: turns a git repository of ISO/IEC 42001 AIMS documents (Markdown with YAML front
//! matter, plus YAML data files) into a controlled, cross-linked static site.
//!
//! The pipeline, one folder per stage, each importing only the stages before it (see
//! ARCHITECTURE.md): [`diagnostics`] and [`support`] at the bottom, then [`config`] →
//! [`source`] → [`parse`] → [`i18n`] → [`model`] → [`check`] → [`render`] → [`output`];
//! [`pipeline`] drives them in order and [`commands`] sit on top.

pub mod check;
pub mod commands;
pub mod config;
pub mod diagnostics;
pub mod i18n;
pub mod model;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod source;
pub mod support;
