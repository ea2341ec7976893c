//! Commands: what `main.rs` runs, one module per subcommand family, on top of the pipeline.

pub mod adopt;
pub mod approve;
pub mod init;
pub mod pdf;
pub mod serve;
pub mod snapshot;
