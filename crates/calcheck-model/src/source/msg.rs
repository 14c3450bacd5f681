//! The Outlook .msg/.oft reader ([MS-OXMSG]): one file, or a folder of files read as one calendar.
//!
//! The compound file is opened with the `cfb` crate; its streams are decoded by
//! `calcheck_format::msg`. Named properties are resolved through the file's
//! `__nameid_version1.0` map (embedded messages use the top-level map), strings of type PtypString8
//! are decoded with the item's code page (PR_MESSAGE_CODEPAGE, else PR_INTERNET_CPID, else
//! windows-1252), and exception attachments are opened as embedded items. A file that is not a
//! compound file, or has no top-level `__properties_version1.0` stream, is an error; anything that
//! fails deeper down becomes a [`ReadIssue`](crate::ReadIssue) on the item.
//!
//! The reader does not judge the message class: a folder of .msg files may hold notes or
//! contacts, and it is up to the checks to look only at calendar classes.

mod read;

use std::fs::File;
use std::io::{self, Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cfb::CompoundFile;

pub use read::{MAX_EMBEDDING_DEPTH, MAX_PROPERTIES, MAX_STREAM_LEN};

use crate::item::{CalendarItem, ItemRef, Locator};
use crate::source::{
    CalendarSource, FolderInfo, ItemResult, SourceInfo, SourceKind, UnreadableItem,
};

/// A .msg file that could not be read at all.
#[derive(Debug, thiserror::Error)]
#[error("{}: {kind}", file.display())]
pub struct MsgError {
    /// The file.
    pub file: PathBuf,
    /// Why it could not be read.
    #[source]
    pub kind: MsgErrorKind,
}

impl MsgError {
    fn new(file: &Path, kind: MsgErrorKind) -> Self {
        MsgError {
            file: file.to_path_buf(),
            kind,
        }
    }
}

/// Why a .msg file could not be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MsgErrorKind {
    /// The file could not be opened or read.
    #[error("cannot read the file: {0}")]
    Io(#[source] io::Error),
    /// The bytes are not a compound file (CFB).
    #[error("not a compound file ({0})")]
    NotCompoundFile(String),
    /// The compound file has no top-level `__properties_version1.0` stream.
    #[error(
        "the compound file has no top-level __properties_version1.0 stream, so it is not an Outlook message"
    )]
    MissingPropertyStream,
    /// The top-level property stream is shorter than its header.
    #[error("the top-level __properties_version1.0 stream cannot be decoded: {0}")]
    BadPropertyStream(#[source] calcheck_format::Error),
}

/// Reads one .msg/.oft file into an item.
pub fn read_msg_file(path: &Path) -> Result<CalendarItem, MsgError> {
    let file = File::open(path).map_err(|e| MsgError::new(path, MsgErrorKind::Io(e)))?;
    read_compound(file, path)
}

/// Reads a .msg/.oft file from memory; `path` names it in the item reference and errors.
pub fn read_msg_bytes(data: &[u8], path: &Path) -> Result<CalendarItem, MsgError> {
    read_compound(Cursor::new(data), path)
}

fn read_compound<F: Read + Seek>(inner: F, path: &Path) -> Result<CalendarItem, MsgError> {
    let mut cf = CompoundFile::open(inner).map_err(|e| {
        let kind = match e.kind() {
            // cfb reports malformed headers and structures as InvalidData, and a file too short
            // for a header as UnexpectedEof; everything else is a real I/O failure.
            io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => {
                MsgErrorKind::NotCompoundFile(e.to_string())
            }
            _ => MsgErrorKind::Io(e),
        };
        MsgError::new(path, kind)
    })?;
    let file: Arc<Path> = Arc::from(path);
    read::read_top_level(&mut cf, file).map_err(|e| {
        let kind = match e {
            read::TopLevelError::MissingPropertyStream => MsgErrorKind::MissingPropertyStream,
            read::TopLevelError::Io(e) => MsgErrorKind::Io(e),
            read::TopLevelError::BadPropertyStream(e) => MsgErrorKind::BadPropertyStream(e),
        };
        MsgError::new(path, kind)
    })
}

/// The pseudo-folder of a .msg input: the files themselves have no folder.
fn pseudo_folder(item_count: u32) -> FolderInfo {
    FolderInfo {
        path: String::new(),
        container_class: None,
        item_count,
        is_calendar: true,
    }
}

/// Reads `path`, turning a failure into an [`UnreadableItem`] that names the file.
// ItemResult is the model's shared item type; its size is the model's choice, not this reader's.
#[allow(clippy::result_large_err)]
fn read_one(path: &Path) -> ItemResult {
    read_msg_file(path).map_err(|e| UnreadableItem {
        item_ref: ItemRef::new(Arc::from(path), "", Locator::MsgFile),
        reason: e.kind.to_string(),
    })
}

/// One .msg or .oft file as a calendar source with one item.
#[derive(Debug, Clone)]
pub struct MsgSource {
    info: SourceInfo,
}

impl MsgSource {
    /// A source for the file at `path`. Fails only when the file cannot be opened; a file that
    /// opens but is not a readable message becomes an [`UnreadableItem`] when the items are read.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, MsgError> {
        let path = path.as_ref();
        File::open(path).map_err(|e| MsgError::new(path, MsgErrorKind::Io(e)))?;
        Ok(MsgSource {
            info: SourceInfo {
                path: Arc::from(path),
                kind: SourceKind::Msg,
                display_name: None,
                mailbox_owner: None,
                folders: vec![pseudo_folder(1)],
                notes: Vec::new(),
            },
        })
    }
}

impl CalendarSource for MsgSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn item_count_hint(&self) -> Option<usize> {
        Some(1)
    }

    #[allow(clippy::result_large_err)]
    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        Box::new(std::iter::once_with(|| read_one(&self.info.path)))
    }
}

/// A folder of .msg/.oft files read as one calendar, in file-name order.
///
/// Only the folder's own files are read (not its subfolders). Each file is read when the iterator
/// reaches it, so memory does not grow with the number of files; a file that cannot be read is an
/// [`UnreadableItem`] and the others are still read.
#[derive(Debug, Clone)]
pub struct MsgFolderSource {
    info: SourceInfo,
    files: Vec<PathBuf>,
}

impl MsgFolderSource {
    /// Lists the `.msg` and `.oft` files (any letter case) of `dir`. Fails only when the folder
    /// cannot be listed.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, MsgError> {
        let dir = dir.as_ref();
        let io_err = |e| MsgError::new(dir, MsgErrorKind::Io(e));
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io_err)? {
            let path = entry.map_err(io_err)?.path();
            let is_msg = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("msg") || e.eq_ignore_ascii_case("oft"));
            if is_msg && path.is_file() {
                files.push(path);
            }
        }
        // Sorted by file name so that every run reports the items in the same order.
        files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        let count = u32::try_from(files.len()).unwrap_or(u32::MAX);
        Ok(MsgFolderSource {
            info: SourceInfo {
                path: Arc::from(dir),
                kind: SourceKind::MsgFolder,
                display_name: None,
                mailbox_owner: None,
                folders: vec![pseudo_folder(count)],
                notes: Vec::new(),
            },
            files,
        })
    }

    /// The files that will be read, in order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }
}

impl CalendarSource for MsgFolderSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn item_count_hint(&self) -> Option<usize> {
        Some(self.files.len())
    }

    #[allow(clippy::result_large_err)]
    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        Box::new(self.files.iter().map(|p| read_one(p)))
    }

    fn indexed_len(&self) -> Option<usize> {
        Some(self.files.len())
    }

    #[allow(clippy::result_large_err)]
    fn item_at(&self, index: usize) -> Option<ItemResult> {
        self.files.get(index).map(|p| read_one(p))
    }
}
