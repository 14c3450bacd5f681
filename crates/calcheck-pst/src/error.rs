//! The error and warning types of the PST reader.
//!
//! An [`Error`] means a structure cannot be used at all (the file is not a PST, the header is
//! corrupt, a B-tree page is not what its parent says, a node is missing). A [`Warning`] means the
//! data was used although something about it is wrong (a block CRC mismatch, an unknown property
//! type); warnings travel with the item they were found in so the scan can go on.

use core::fmt;

/// Why a PST/OST structure could not be read. Every variant says where (file offset or node id)
/// and which [MS-PST] structure was being read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the file failed.
    #[error("i/o error reading {structure} at file offset {offset:#x}: {source}")]
    Io {
        /// The structure being read.
        structure: &'static str,
        /// Where in the file.
        offset: u64,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file is not a PST or OST file, or a version this reader does not know.
    #[error("not a readable pst/ost file: {reason}")]
    NotPst {
        /// What is wrong, e.g. the magic bytes.
        reason: String,
    },
    /// A checksum that guards structural data does not match, so the data cannot be trusted.
    #[error(
        "{structure} at file offset {offset:#x}: crc mismatch (stored {stored:#010x}, computed {computed:#010x}); {consequence}"
    )]
    CrcMismatch {
        /// The structure and field, e.g. `HEADER.dwCRCPartial`.
        structure: &'static str,
        /// Where the checksum is stored.
        offset: u64,
        /// The stored value.
        stored: u32,
        /// The value computed over the data.
        computed: u32,
        /// What this means for the reader.
        consequence: &'static str,
    },
    /// A structure holds values that make it unusable.
    #[error("{structure} at {location}: {message}")]
    Corrupt {
        /// The [MS-PST] structure name.
        structure: &'static str,
        /// Where: a file offset, a block id or a node id, written out.
        location: String,
        /// What is wrong, lowercase, without a trailing period.
        message: String,
    },
    /// A fixed field or counted array does not fit in the bytes of its structure.
    #[error("{location}: {source}")]
    Parse {
        /// Where the structure was read from (block id and file offset, node id, heap id).
        location: String,
        /// The decoding error, with the offset inside the structure and the field name.
        source: calcheck_format::Error,
    },
    /// A node or block id is not in the B-tree or sub-node tree that should hold it.
    #[error("{what} {id:#x} not found in the {tree}")]
    NotFound {
        /// Which tree was searched (`NBT`, `BBT`, `sub-node tree of nid 0x...`).
        tree: String,
        /// What was looked up (`nid`, `bid`).
        what: &'static str,
        /// The id.
        id: u64,
    },
    /// A walk went deeper or visited more pages/blocks than the structure allows (a loop).
    #[error("{structure} at {location}: {message}")]
    Limit {
        /// The structure being walked.
        structure: &'static str,
        /// Where the walk was when it stopped.
        location: String,
        /// Which limit was hit.
        message: String,
    },
}

impl Error {
    /// A [`Error::Corrupt`] error.
    pub(crate) fn corrupt(
        structure: &'static str,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Corrupt {
            structure,
            location: location.into(),
            message: message.into(),
        }
    }

    /// A [`Error::Limit`] error.
    pub(crate) fn limit(
        structure: &'static str,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Limit {
            structure,
            location: location.into(),
            message: message.into(),
        }
    }

    /// True when this error says that node `nid` is not in the node B-tree (as opposed to a node
    /// that exists but cannot be read). Tables a folder may lack are looked up this way.
    pub fn is_missing_node(&self, nid: u32) -> bool {
        matches!(self, Error::NotFound { what: "nid", id, tree } if *id == u64::from(nid) && tree == "NBT")
    }

    /// Wraps a format-crate decoding error with the location of the bytes it decoded.
    pub(crate) fn parse(location: impl Into<String>, source: calcheck_format::Error) -> Self {
        Error::Parse {
            location: location.into(),
            source,
        }
    }
}

/// Result alias of the PST reader.
pub type Result<T> = core::result::Result<T, Error>;

/// Something wrong with data that was nevertheless used, kept with the item it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Warning {
    /// The [MS-PST] structure, e.g. `BLOCKTRAILER`, `TCINFO`, `recipient table`.
    pub structure: &'static str,
    /// Where: block id and file offset, node id, heap id.
    pub location: String,
    /// What is wrong, lowercase, without a trailing period.
    pub message: String,
}

impl Warning {
    /// A warning about `structure` at `location`.
    pub fn new(
        structure: &'static str,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Warning {
            structure,
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}: {}",
            self.structure, self.location, self.message
        )
    }
}

/// Collects warnings during one read operation.
pub type Warnings = Vec<Warning>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_node_is_told_apart_from_missing_block() {
        let nid = Error::NotFound {
            tree: "NBT".into(),
            what: "nid",
            id: 0x8E,
        };
        assert!(nid.is_missing_node(0x8E));
        assert!(!nid.is_missing_node(0x8F));
        let bid = Error::NotFound {
            tree: "BBT".into(),
            what: "bid",
            id: 0x8E,
        };
        assert!(!bid.is_missing_node(0x8E));
        let w = Warning::new(
            "BLOCKTRAILER",
            "block bid 0x4 at file offset 0x800",
            "crc mismatch",
        );
        assert_eq!(
            w.to_string(),
            "BLOCKTRAILER at block bid 0x4 at file offset 0x800: crc mismatch"
        );
    }
}
