//! calcheck's checks: every CalCheck v2.6 item check that can be evaluated from a file (with CalCheck's
//! bugs fixed), the store-wide checks, and the checks the seed documents add.
//!
//! A check is a unit struct declared with [`declare_check!`] in its own file under `checks/`, listed once
//! in [`registry::CHECKS`]. Checks are pure: they read a [`calcheck_model::CalendarItem`] (or, for store-wide
//! checks, compact [`context::ItemSummary`]s) and report [`Finding`]s into a context.

pub mod checks;
pub mod context;
pub mod docs;
pub mod engine;
pub mod facts;
pub mod finding;
pub mod meta;
pub mod registry;
pub mod select;
pub mod values;

pub use context::{ItemCx, ItemRow, ItemSummary, Options, RecurrenceRow, StoreCx};
pub use engine::{Check, Engine, Report, RowMode, Scope, SourceReport};
pub use finding::{Evidence, Finding};
pub use meta::{Category, CheckInfo, CheckMeta, Needs, Severity};
