//! Support: small, stage-independent helpers used by every stage (atomic file writes, SSH
//! signatures). Nothing here knows about documents or sites.

pub(crate) mod drop_later;
pub(crate) mod hash;
pub(crate) mod memo;
pub mod safe_write;
pub mod signing;
pub(crate) mod timer;
