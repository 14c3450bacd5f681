//! The registry: every check, one line each, sorted by code.

// The registry names every check the `checks` module exports, so a glob import is the honest form.
#[allow(clippy::wildcard_imports)]
use crate::checks::*;
use crate::engine::Check;

/// Every check calcheck has, sorted by code.
pub const CHECKS: &[&dyn Check] = &[
    &MissingStartTime,
    &StartAfterEnd,
    &TrackStatusTime1601,
    &DuplicateItem,
    &UnreadableItemCheck,
    &UnreadableProperty,
];
