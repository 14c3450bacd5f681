//! Findings: what a check reports about one item, with the property values that triggered it.

use calcheck_model::ItemRef;

use crate::meta::{CheckMeta, Severity};

/// A property value shown as evidence for a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Property name (registry canonical name), or a description such as `recipient 2 PidTagRecipientTrackStatusTime`.
    pub name: String,
    /// The value as a person reads it.
    pub value: String,
}

/// One problem found on one item (or, for store checks, on one item with related items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The check that fired.
    pub check: &'static CheckMeta,
    /// Severity (the check's default unless the check or an override says otherwise).
    pub severity: Severity,
    /// The CalCheck v2.6 error number this finding corresponds to, if any.
    pub calcheck: Option<&'static str>,
    /// The item.
    pub item: ItemRef,
    /// One sentence, no trailing period.
    pub message: String,
    /// More explanation, if useful.
    pub detail: Option<String>,
    /// The property values that fired the check.
    pub evidence: Vec<Evidence>,
    /// Other items involved (duplicates).
    pub related: Vec<ItemRef>,
    /// True when the finding rests on values calcheck derived rather than read (e.g. from Graph fields).
    pub derived: bool,
    /// Position of the input among the run's inputs (set by the engine).
    pub source_index: usize,
    /// Position of the item in its source's item stream (set by the engine).
    pub item_index: usize,
}

impl Finding {
    /// A finding of `check` on `item` with the check's default severity.
    pub fn new(check: &'static CheckMeta, item: ItemRef, message: impl Into<String>) -> Self {
        Finding {
            check,
            severity: check.severity,
            calcheck: check.calcheck.first().copied(),
            item,
            message: message.into(),
            detail: None,
            evidence: Vec::new(),
            related: Vec::new(),
            derived: false,
            source_index: 0,
            item_index: 0,
        }
    }

    /// Adds a piece of evidence.
    pub fn evidence(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.evidence.push(Evidence {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Sets the detail text.
    pub fn detail(&mut self, detail: impl Into<String>) -> &mut Self {
        self.detail = Some(detail.into());
        self
    }

    /// Sets the severity.
    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = severity;
        self
    }

    /// Sets the CalCheck number.
    pub fn calcheck(&mut self, number: &'static str) -> &mut Self {
        self.calcheck = Some(number);
        self
    }

    /// Adds a related item.
    pub fn related(&mut self, item: ItemRef) -> &mut Self {
        self.related.push(item);
        self
    }

    /// Marks the finding as resting on derived data.
    pub fn derived(&mut self, derived: bool) -> &mut Self {
        self.derived |= derived;
        self
    }
}
