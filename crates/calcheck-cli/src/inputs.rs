//! Turning the paths on the command line into calendar sources: files by extension (or by their first
//! bytes when the extension says nothing), folders by walking them.
//!
//! An input that cannot be opened as its format at all becomes an [`InputError`]: it is reported, the run
//! goes on with the other inputs, and the exit status is 2. Damage inside a readable input is the readers'
//! business and becomes CC9xx findings. A folder of .msg files is one calendar, so a broken .msg inside a
//! folder is an unreadable item of that calendar (CC901), while a broken .msg named on the command line is
//! an unreadable input. JSON files (calcheck-bag/1, Graph responses) are read the same way: a folder's
//! `.json` files are one calendar, and a JSON file named on the command line that cannot be read is an
//! unreadable input; fast-transfer exports (`.fts`, `.bin`, `.b64`, `.xml`, Graph exportItems JSON) likewise
//! (docs/inputs.md).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use calcheck_model::CalendarSource;
use calcheck_model::source::bag::{BagErrorKind, BagSource};
use calcheck_model::source::fts::FtsSource;
use calcheck_model::source::msg::{MsgFolderSource, MsgSource, read_msg_file};
use calcheck_model::source::pst::{PstSelection, PstSource};
use calcheck_report::InputError;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A PST file.
    Pst,
    /// An OST file.
    Ost,
    /// A .msg or .oft compound file.
    Msg,
    /// A calcheck-bag/1 or Graph JSON file (docs/inputs.md).
    Json,
    /// A fast-transfer export: raw stream, base64 text or an EWS SOAP response (docs/inputs.md).
    FastTransfer,
}

/// The first bytes of a compound file ([MS-CFB] 2.2, the header signature).
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The first bytes of a PST or OST file ([MS-PST] 2.2.2.6, dwMagic `!BDN`).
const NDB_MAGIC: [u8; 4] = *b"!BDN";

/// The kind a file's extension names, if any (any letter case).
pub fn kind_by_extension(path: &Path) -> Option<FileKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "pst" => Some(FileKind::Pst),
        "ost" => Some(FileKind::Ost),
        "msg" | "oft" => Some(FileKind::Msg),
        "json" => Some(FileKind::Json),
        "fts" | "bin" | "b64" | "xml" => Some(FileKind::FastTransfer),
        _ => None,
    }
}

/// The kind a file's first bytes show, if any. wMagicClient at offset 8 is `SM` for a PST and `SO` for an
/// OST ([MS-PST] 2.2.2.6).
pub fn kind_by_content(path: &Path) -> std::io::Result<Option<FileKind>> {
    let mut head = [0u8; 10];
    let mut f = File::open(path)?;
    let mut n = 0;
    while n < head.len() {
        let Some(rest) = head.get_mut(n..) else { break };
        match f.read(rest)? {
            0 => break,
            k => n += k,
        }
    }
    let head = head.get(..n).unwrap_or_default();
    if head.starts_with(&CFB_MAGIC) {
        return Ok(Some(FileKind::Msg));
    }
    // JSON starts with an object, after optional whitespace or a UTF-8 byte-order mark.
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return Ok(Some(FileKind::Json));
    }
    // An EWS SOAP response, or a framed export (a Config or TransferBuffer record first).
    if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
        || head.starts_with(&[1, 0, 0, 0])
        || head.starts_with(&[2, 0, 0, 0])
    {
        return Ok(Some(FileKind::FastTransfer));
    }
    if head.starts_with(&NDB_MAGIC) {
        return Ok(Some(if head.get(8..10) == Some(b"SO") {
            FileKind::Ost
        } else {
            FileKind::Pst
        }));
    }
    Ok(None)
}

/// Opens a PST or OST file (the reader tells the two apart by the header, whatever the extension).
fn open_pst(path: &Path, options: OpenOptions) -> Result<Box<dyn CalendarSource>, String> {
    let selection = PstSelection {
        threads: options.threads,
        ..PstSelection::default()
    };
    PstSource::open_with(path, selection)
        .map(|s| {
            if options.every_property {
                s
            } else {
                s.reading_only(calcheck_model::names::read_keys())
            }
        })
        .map(|s| Box::new(s) as Box<dyn CalendarSource>)
        .map_err(|e| {
            let reason = e.source.to_string();
            // Say plainly what the file is not, unless the reader's own message already does.
            if reason.starts_with("not a readable") {
                reason
            } else {
                format!("not a readable PST/OST file: {reason}")
            }
        })
}

/// Opens one .msg/.oft file named on the command line; a file that is not a readable message is an input
/// error rather than an unreadable item.
fn open_msg(path: &Path) -> Result<Box<dyn CalendarSource>, String> {
    // Reading it once up front costs little (a message is small) and turns "not a message at all" into a
    // clear input error; the source reads it again when the engine asks for its items.
    read_msg_file(path).map_err(|e| format!("not a readable .msg file: {}", e.kind))?;
    MsgSource::open(path)
        .map(|s| Box::new(s) as Box<dyn CalendarSource>)
        .map_err(|e| e.kind.to_string())
}

/// Opens one JSON file named on the command line; JSON that is not one of the accepted shapes is an input
/// error.
fn open_json(path: &Path) -> Result<Box<dyn CalendarSource>, String> {
    match BagSource::open(path) {
        Ok(s) => Ok(Box::new(s)),
        // A Graph exportItems response holds fast-transfer streams.
        Err(e) if matches!(e.kind, BagErrorKind::GraphExport) => open_fts(path),
        Err(e) => Err(match e.kind {
            BagErrorKind::Io(io) => format!("cannot read: {io}"),
            kind => format!("not a readable calcheck-bag/1 or Graph JSON file: {kind}"),
        }),
    }
}

/// Opens one fast-transfer export named on the command line.
fn open_fts(path: &Path) -> Result<Box<dyn CalendarSource>, String> {
    match FtsSource::open(path) {
        Ok(s) => Ok(Box::new(s)),
        Err(e) => Err(match e.kind {
            BagErrorKind::Io(io) => format!("cannot read: {io}"),
            kind => format!("not a readable fast-transfer export: {kind}"),
        }),
    }
}

/// The opened inputs and the ones that could not be opened.
#[derive(Default)]
pub struct Inputs {
    /// Sources to check, in command-line order (folders in file-name order).
    pub sources: Vec<Box<dyn CalendarSource>>,
    /// Inputs that could not be read.
    pub errors: Vec<InputError>,
    /// Every input file, to make sure no output overwrites one.
    pub files: Vec<PathBuf>,
    /// A folder on the command line held PST/OST files (readable or not): batch mode, one log per input.
    pub pst_in_folder: bool,
    /// With [`OpenOptions::defer_pst_in_folders`]: the PST/OST files found in folders, not opened yet,
    /// each with the number of [`Inputs::sources`] that come before it in input order.
    pub deferred: Vec<(usize, PathBuf)>,
    /// How PST/OST files are opened.
    options: OpenOptions,
}

/// How [`open_all`] opens PST/OST files.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenOptions {
    /// Threads a PST/OST may use to list its calendar items (0: one per core), as `--threads` says.
    pub threads: usize,
    /// Read every property of every item (for `dump`); otherwise only those checks and reports
    /// read (`calcheck_model::names::read_keys`), which gives the same findings faster.
    pub every_property: bool,
    /// Leave the PST/OST files found in folders unopened ([`Inputs::deferred`]), for batch mode to
    /// open each when its turn comes ([`Inputs::open_deferred`]): a folder of many mailboxes then
    /// holds only the ones being checked in memory, and the first is checked without waiting for the
    /// last to be opened.
    pub defer_pst_in_folders: bool,
}

impl Inputs {
    /// Opens a PST/OST file of [`Inputs::deferred`] as the other inputs were opened; the error is the
    /// reason an unreadable input is listed with.
    pub fn open_deferred(&self, path: &Path) -> Result<Box<dyn CalendarSource>, InputError> {
        open_pst(path, self.options).map_err(|reason| InputError {
            path: path.display().to_string(),
            reason,
        })
    }

    fn error(&mut self, path: &Path, reason: impl Into<String>) {
        self.errors.push(InputError {
            path: path.display().to_string(),
            reason: reason.into(),
        });
    }

    fn file(&mut self, path: &Path, kind: FileKind) {
        self.files.push(path.to_path_buf());
        let opened = match kind {
            FileKind::Pst | FileKind::Ost => open_pst(path, self.options),
            FileKind::Msg => open_msg(path),
            FileKind::Json => open_json(path),
            FileKind::FastTransfer => open_fts(path),
        };
        match opened {
            Ok(s) => self.sources.push(s),
            Err(reason) => self.error(path, reason),
        }
    }

    /// Walks `dir`: its .msg/.oft files form one calendar, each PST/OST is its own input, and subfolders
    /// are walked in turn (symbolic links to folders are not followed, so a loop cannot trap the walk).
    /// Returns the number of inputs found.
    fn dir(&mut self, dir: &Path) -> usize {
        let entries = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                self.error(dir, format!("cannot list the folder: {e}"));
                return 0;
            }
        };
        let mut files = Vec::new();
        let mut subdirs = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    self.error(dir, format!("cannot list the folder: {e}"));
                    continue;
                }
            };
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => subdirs.push(path),
                Ok(_) => files.push(path),
                Err(e) => self.error(&path, format!("cannot read: {e}")),
            }
        }
        files.sort();
        subdirs.sort();
        let mut found = 0;
        let mut msgs = Vec::new();
        let mut jsons = Vec::new();
        let mut streams = Vec::new();
        for f in files {
            match kind_by_extension(&f) {
                Some(FileKind::Msg) => msgs.push(f),
                Some(FileKind::Json) => jsons.push(f),
                Some(FileKind::FastTransfer) => streams.push(f),
                Some(kind) => {
                    self.pst_in_folder = true;
                    if self.options.defer_pst_in_folders {
                        self.files.push(f.clone());
                        self.deferred.push((self.sources.len(), f));
                    } else {
                        self.file(&f, kind);
                    }
                    found += 1;
                }
                None => {}
            }
        }
        if !msgs.is_empty() {
            found += 1;
            match MsgFolderSource::open(dir) {
                Ok(s) => {
                    self.files.extend(msgs);
                    self.sources.push(Box::new(s));
                }
                Err(e) => self.error(dir, e.kind.to_string()),
            }
        }
        if !jsons.is_empty() {
            // A folder of JSON files is one calendar, like a folder of .msg files.
            found += 1;
            match BagSource::open_folder(dir) {
                Ok(s) => {
                    self.files.extend(jsons);
                    self.sources.push(Box::new(s));
                }
                Err(e) => self.error(dir, e.kind.to_string()),
            }
        }
        if !streams.is_empty() {
            // A folder of fast-transfer exports is one calendar too.
            found += 1;
            match FtsSource::open_folder(dir) {
                Ok(s) => {
                    self.files.extend(streams);
                    self.sources.push(Box::new(s));
                }
                Err(e) => self.error(dir, e.kind.to_string()),
            }
        }
        for d in subdirs {
            found += self.dir(&d);
        }
        found
    }
}

/// Opens every input named on the command line, PST/OST files as `options` say.
pub fn open_all(paths: &[PathBuf], options: OpenOptions) -> Inputs {
    let mut inputs = Inputs {
        options,
        ..Inputs::default()
    };
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                inputs.error(path, format!("cannot read: {e}"));
                continue;
            }
        };
        if meta.is_dir() {
            if inputs.dir(path) == 0 {
                inputs.error(
                    path,
                    "the folder holds no PST, OST, .msg, .oft, .json or fast-transfer file",
                );
            }
            continue;
        }
        let kind = match kind_by_extension(path) {
            Some(k) => Some(k),
            None => match kind_by_content(path) {
                Ok(k) => k,
                Err(e) => {
                    inputs.error(path, format!("cannot read: {e}"));
                    continue;
                }
            },
        };
        match kind {
            Some(kind) => inputs.file(path, kind),
            None => inputs.error(
                path,
                "not a PST, OST or .msg file, nor JSON (neither its extension nor its first bytes say so)",
            ),
        }
    }
    inputs
}
