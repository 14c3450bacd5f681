//! Zero-copy, never-panicking decoders for the binary blobs of Outlook calendar items.
//!
//! Every decoder takes `&[u8]` and returns either an [`Error`] (the input cannot be decoded at all:
//! it ends inside a fixed field, or a count cannot fit in the bytes left) or a [`Decoded`] value with
//! a list of structural [`Diagnostic`]s (the input decodes but breaks a rule of the spec).
//!
//! | module | structure | property | spec |
//! |---|---|---|---|
//! | [`recurrence`] | AppointmentRecurrencePattern, RecurrencePattern | PidLidAppointmentRecur, PidLidTaskRecurrence | [MS-OXOCAL] 2.2.1.44 |
//! | [`tzdef`] | TZDEFINITION, TZRULE | PidLidAppointmentTimeZoneDefinition{StartDisplay,EndDisplay,Recur} | [MS-OXOCAL] 2.2.1.41 |
//! | [`tzreg`] | TZREG | PidLidTimeZoneStruct | [MS-OXOCAL] 2.2.1.39 |
//! | [`goid`] | GlobalObjectId | PidLidGlobalObjectId, PidLidCleanGlobalObjectId | [MS-OXOCAL] 2.2.1.27 |
//! | [`time`] | RTime, FILETIME | all PtypTime properties | [MS-OXOCAL] 2.2.1.44.1 |
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

pub mod diag;
pub mod error;
pub mod fts;
pub mod goid;
pub mod guid;
pub mod hex;
pub mod msg;
pub mod props;
pub mod reader;
pub mod recurrence;
pub mod time;
pub mod tzdef;
pub mod tzreg;

pub use diag::{Decoded, DiagKind, DiagSeverity, Diagnostic, Diagnostics};
pub use error::{Error, Result};
pub use guid::Guid;
pub use reader::Reader;
