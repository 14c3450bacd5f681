//! CC903 check-skipped: checks that could not run on an item because its source does not carry what they read.

use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// Nothing by itself: the engine reports this when a selected check needs part of an item that the
    /// input cannot carry at all (the recipient table, or the attachment table with its exception
    /// messages), as the item's `Coverage` says. One finding per item lists every check skipped and why.
    /// A part that the source carries but could not read is not this: that is CC902 unreadable-property.
    ///
    /// ## Why it matters
    /// A clean report should mean "checked and found nothing", not "could not look". Without this note a
    /// JSON export without recipients would silently pass every attendee check.
    ///
    /// ## How to fix
    /// Nothing is wrong with the item. To run the skipped checks, give calcheck an input that carries the
    /// missing part (a PST/OST or .msg file, or an export that includes recipients and attachments), or
    /// silence the note with `--ignore CC903`.
    ///
    /// ## Example
    /// A Graph JSON export without the recipient table: CC405 organizer-mismatch and the other recipient
    /// checks are skipped for every item, and this note says so.
    ///
    /// ## References
    /// calcheck's own; CalCheck always read from a live MAPI store and had no such case.
    pub CheckSkipped,
    code: "CC903", name: "check-skipped", severity: Info, category: Unreadable,
    calcheck: [],
    summary: "Checks skipped because the input does not carry what they read",
}

/// The engine reports this check's findings itself (see `Engine::check_item`); the check has no hooks.
impl Check for CheckSkipped {}
