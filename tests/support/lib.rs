//! Helpers shared by the workspace's integration tests.
//!
//! Test support code: it may panic (that is how a broken set-up is
//! reported) and it depends on whatever the tests need.

pub mod clock;
pub mod storage;
pub mod world;
