//! Check metadata and the `declare_check!` macro that turns a check's doc comment into its documentation.

use core::fmt;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; not a problem by itself.
    Info,
    /// May indicate a problem, or breaks a rule Outlook tolerates.
    Warning,
    /// A problem that makes meetings vanish, crash Outlook or break free/busy.
    Error,
}

impl Severity {
    /// Lowercase name, as used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// CalCheck's uppercase message prefix.
    pub fn calcheck_prefix(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }

    /// Parses `info`, `warning` or `error` (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a check looks at; the first digit of its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// 1xx: item properties.
    ItemProps,
    /// 2xx: recurrence.
    Recurrence,
    /// 3xx: time zones.
    TimeZones,
    /// 4xx: meetings and attendees.
    Meetings,
    /// 5xx: store-wide checks.
    Store,
    /// 9xx: unreadable input.
    Unreadable,
}

impl Category {
    /// Human-readable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::ItemProps => "item properties",
            Category::Recurrence => "recurrence",
            Category::TimeZones => "time zones",
            Category::Meetings => "meetings and attendees",
            Category::Store => "store-wide",
            Category::Unreadable => "unreadable input",
        }
    }
}

/// What data an input must carry for a check to be meaningful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Needs {
    /// The check reads the recipient table.
    pub recipients: bool,
    /// The check reads the attachment table or exception items.
    pub attachments: bool,
}

/// A check's identity and documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckMeta {
    /// Our code, `CC` plus three digits, e.g. `CC101`.
    pub code: &'static str,
    /// kebab-case name, e.g. `start-time-missing`.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Category (the first digit of the code).
    pub category: Category,
    /// CalCheck v2.6 error numbers this check covers, e.g. `["0020"]`.
    pub calcheck: &'static [&'static str],
    /// One line, no trailing period.
    pub summary: &'static str,
    /// The Markdown explanation (the check's doc comment).
    pub explanation: &'static str,
    /// What the input must carry.
    pub needs: Needs,
    /// Source file that declares the check.
    pub file: &'static str,
    /// Line of the declaration.
    pub line: u32,
}

/// Access to a check's metadata; implemented by `declare_check!`.
pub trait CheckInfo {
    /// The check's metadata.
    fn meta(&self) -> &'static CheckMeta;
}

/// Declares a check: a unit struct, its documentation and its metadata.
///
/// ```text
/// declare_check! {
///     /// ## What it checks
///     /// ...
///     pub StartTimeMissing,
///     code: "CC101", name: "start-time-missing", severity: Error, category: ItemProps,
///     calcheck: ["0020"], summary: "Item has no PidLidAppointmentStartWhole",
/// }
/// ```
#[macro_export]
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])*
        pub $name:ident,
        code: $code:literal,
        name: $kebab:literal,
        severity: $sev:ident,
        category: $cat:ident,
        calcheck: [$($cc:literal),* $(,)?],
        $(needs: { $($need:ident),* $(,)? },)?
        summary: $summary:literal $(,)?
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $crate::meta::CheckInfo for $name {
            fn meta(&self) -> &'static $crate::meta::CheckMeta {
                static META: $crate::meta::CheckMeta = $crate::meta::CheckMeta {
                    code: $code,
                    name: $kebab,
                    severity: $crate::meta::Severity::$sev,
                    category: $crate::meta::Category::$cat,
                    calcheck: &[$($cc),*],
                    summary: $summary,
                    explanation: concat!($($doc, "\n"),*),
                    needs: $crate::meta::Needs { $($($need: true,)*)* ..$crate::meta::Needs::NONE },
                    file: file!(),
                    line: line!(),
                };
                &META
            }
        }
    };
}

impl Needs {
    /// Needs nothing beyond the item's own properties.
    pub const NONE: Needs = Needs {
        recipients: false,
        attachments: false,
    };
}
