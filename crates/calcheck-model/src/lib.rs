//! The calendar item model every calcheck check works on, and the readers that fill it.
//!
//! A [`CalendarItem`] is a source-agnostic property bag (tagged and named properties, named ones
//! resolved to property set and LID or name), its recipient rows, its attachments with exception
//! messages opened as embedded items, an [`ItemRef`] saying where it lives, and the [`ReadIssue`]s met
//! while reading it. Every reader (.msg, PST/OST, JSON, fast-transfer) fills the same model.

pub mod bag;
pub mod decoded;
pub mod item;
pub mod key;
pub mod names;
pub mod source;

pub use bag::{Property, PropertyBag, Provenance, ValueLocation};
pub use decoded::{DecodedViews, View};
pub use item::{
    Attachment, CalendarItem, Coverage, ItemRef, Locator, ReadIssue, Recipient, is_calendar_class,
};
pub use key::{NamedId, PropKey};
pub use names::PropDef;
pub use source::{CalendarSource, FolderInfo, ItemResult, SourceInfo, SourceKind, UnreadableItem};
