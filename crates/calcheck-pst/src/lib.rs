//! A read-only PST/OST reader ([MS-PST]) that finds calendar folders and decodes their messages.
//!
//! The reader is layered the way the spec is:
//!
//! | module | layer | spec |
//! |---|---|---|
//! | [`header`] | file header, format and encoding | [MS-PST] 2.2.2.6 |
//! | [`page`], [`ndb`] | node and block B-trees, blocks, data and sub-node trees | [MS-PST] 2.2 |
//! | [`crypt`], [`crc`] | block encodings, CRC and signatures | [MS-PST] 5.1-5.5 |
//! | [`ltp`], [`value`] | heap-on-node, BTH, property and table contexts | [MS-PST] 2.3 |
//! | [`names`], [`store`], [`folder`], [`message`] | message store, named-property map, folders, messages | [MS-PST] 2.4 |
//! | [`calendar`] | which messages are calendar items | [MS-OXOCAL] 2.2 |
//!
//! The input is read with positional reads, so a [`Pst`] is `Send + Sync` and messages can be
//! decoded on several threads. Nothing is trusted: every offset, count and size is checked before
//! use, every tree walk is iterative with depth and visit limits, and a damaged block becomes a
//! [`Warning`] on the item that uses it while the scan goes on.
//!
//! OST files written by Outlook 2013 and later (`wVer` 36) use 4 KiB pages, 512-byte aligned
//! blocks with a 24-byte trailer and zlib-compressed blocks; [MS-PST] does not describe them, and
//! `docs/formats/pst.md` lists what was taken from real files.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

pub mod calendar;
pub mod crc;
pub mod crypt;
pub mod error;
pub mod folder;
pub mod header;
pub mod io;
pub mod ltp;
pub mod message;
pub mod names;
pub mod ndb;
pub mod page;
pub mod store;
#[cfg(test)]
pub(crate) mod testkit;
pub mod value;

use std::path::Path;
use std::sync::OnceLock;

pub use calcheck_format::props::{PropTag, PropValue};
pub use calendar::{CalendarEntry, Selection};
pub use error::{Error, Result, Warning};
pub use folder::{Folder, FolderTree};
pub use header::{FileKind, Format, Header};
pub use message::{Attachment, ContentsRow, Message, Prop, PropList, PropSink, TableRow, ValueLoc};
pub use names::{NameId, NameMap, NamedProp};
pub use store::StoreInfo;

use crate::io::{FileSource, MemSource, ReadAt};
use crate::ndb::Ndb;

/// NID of the message store PC ([MS-PST] 2.4.1 NID_MESSAGE_STORE).
pub const NID_MESSAGE_STORE: u32 = 0x21;
/// NID of the named-property map ([MS-PST] 2.4.1 NID_NAME_TO_ID_MAP).
pub const NID_NAME_TO_ID_MAP: u32 = 0x61;
/// NID of the root folder ([MS-PST] 2.4.1 NID_ROOT_FOLDER).
pub const NID_ROOT_FOLDER: u32 = 0x122;

/// An open PST or OST file.
///
/// All methods take `&self`; the type is `Send + Sync`, so one file can be read from several
/// threads at once.
#[derive(Debug)]
pub struct Pst {
    ndb: Ndb,
    names: OnceLock<(NameMap, Vec<Warning>)>,
}

impl Pst {
    /// Opens the file at `path`, reading and verifying its header.
    pub fn open(path: impl AsRef<Path>) -> Result<Pst> {
        let path = path.as_ref();
        let src = FileSource::open(path).map_err(|source| Error::Io {
            structure: "file",
            offset: 0,
            source,
        })?;
        Pst::from_source(Box::new(src))
    }

    /// Opens a file already in memory.
    pub fn from_bytes(bytes: impl Into<std::sync::Arc<[u8]>>) -> Result<Pst> {
        Pst::from_source(Box::new(MemSource::new(bytes)))
    }

    /// Opens any positional byte source.
    pub fn from_source(src: Box<dyn ReadAt>) -> Result<Pst> {
        Ok(Pst {
            ndb: Ndb::open(src)?,
            names: OnceLock::new(),
        })
    }

    /// The decoded header (format, encoding, version).
    pub fn header(&self) -> &Header {
        self.ndb.header()
    }

    /// The node database, for structure-level access.
    pub fn ndb(&self) -> &Ndb {
        &self.ndb
    }
}

/// The `N` bytes at `at` in `b`, if they are there: the one checked way the reader takes
/// fixed-size little-endian fields out of a slice whose size it has already checked.
#[inline]
pub(crate) fn bytes_at<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// The little-endian `u32` at the start of `b`, if `b` has four bytes.
pub(crate) fn u32_at(b: &[u8]) -> Option<u32> {
    bytes_at(b, 0).map(u32::from_le_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn pst_is_send_and_sync() {
        assert_send_sync::<Pst>();
        assert_send_sync::<Message>();
    }
}
