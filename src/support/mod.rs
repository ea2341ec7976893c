//! Support: small, stage-independent helpers used by every stage (atomic file writes, SSH
//! signatures). Nothing here knows about documents or sites.

pub mod memo;
pub mod safe_write;
pub mod signing;
pub mod timer;
