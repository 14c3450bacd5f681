//! The one error type of the format crate.
//!
//! An [`Error`] means the input cannot be decoded at all (it ends inside a fixed field, or a count
//! cannot fit in the bytes that remain). Rule violations in input that *does* decode are not errors:
//! they are [`crate::Diagnostic`]s returned next to the decoded value.

/// Why a structure could not be decoded; every variant names the structure and the byte offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended inside a fixed-size field.
    #[error(
        "{structure}: {field} at offset {offset} needs {needed} bytes but only {available} remain"
    )]
    Truncated {
        /// Spec name of the structure being decoded, e.g. `RecurrencePattern`.
        structure: &'static str,
        /// Spec name of the field that did not fit.
        field: &'static str,
        /// Byte offset of the field from the start of the blob.
        offset: usize,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes that were left.
        available: usize,
    },
    /// A count or length read from the input cannot fit in the bytes that remain.
    #[error(
        "{structure}: {field} = {count} at offset {offset} needs {needed} bytes but only {available} remain"
    )]
    CountTooLarge {
        /// Spec name of the structure being decoded.
        structure: &'static str,
        /// Spec name of the count field.
        field: &'static str,
        /// Byte offset of the count field.
        offset: usize,
        /// The count as read.
        count: u64,
        /// Bytes the counted elements would need (saturating).
        needed: u64,
        /// Bytes that were left after the count field.
        available: usize,
    },
    /// A field holds a value that makes the rest of the structure impossible to interpret.
    #[error("{structure}: {field} at offset {offset} has the unusable value {value:#x}")]
    BadValue {
        /// Spec name of the structure being decoded.
        structure: &'static str,
        /// Spec name of the field.
        field: &'static str,
        /// Byte offset of the field.
        offset: usize,
        /// The value as read.
        value: u64,
    },
}

impl Error {
    /// Byte offset at which decoding failed.
    pub fn offset(&self) -> usize {
        match self {
            Error::Truncated { offset, .. }
            | Error::CountTooLarge { offset, .. }
            | Error::BadValue { offset, .. } => *offset,
        }
    }

    /// Spec name of the structure that failed to decode.
    pub fn structure(&self) -> &'static str {
        match self {
            Error::Truncated { structure, .. }
            | Error::CountTooLarge { structure, .. }
            | Error::BadValue { structure, .. } => structure,
        }
    }

    /// Spec name of the field at which decoding failed.
    pub fn field(&self) -> &'static str {
        match self {
            Error::Truncated { field, .. }
            | Error::CountTooLarge { field, .. }
            | Error::BadValue { field, .. } => field,
        }
    }
}

/// Result alias of the format crate.
pub type Result<T> = core::result::Result<T, Error>;
