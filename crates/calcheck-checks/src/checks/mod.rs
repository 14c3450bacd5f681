//! One file per check; see `registry.rs` for the list.

mod duplicate_item;
mod missing_start_time;
mod start_after_end;
mod track_status_time_1601;
mod unreadable_item;
mod unreadable_property;

pub use duplicate_item::DuplicateItem;
pub use missing_start_time::MissingStartTime;
pub use start_after_end::StartAfterEnd;
pub use track_status_time_1601::TrackStatusTime1601;
pub use unreadable_item::UnreadableItemCheck;
pub use unreadable_property::UnreadableProperty;
