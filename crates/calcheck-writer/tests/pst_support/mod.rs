//! Runs the peer readers (libpff's `pffinfo`/`pffexport`, libpst's `readpst`) on a written PST and
//! parses what they report, and computes what a [`Message`] description says the file holds.
//!
//! `pffexport -d -l LOG -m all -f text -t BASE FILE` writes one directory per folder and item
//! under `BASE.export`, an `ItemValues.txt` dump of every property record (with the LID a
//! named property maps to), `RecipientsItemValues.txt` (one set per recipient row) and an
//! `Attachments` folder; its log names every folder and item with its identifier (the NID).
//! `readpst -S -D` writes one file per item (an RFC 822 message or an iCalendar event) and one
//! per attachment, into one directory per folder, and prints a count per folder.
#![allow(dead_code, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use calcheck_format::props::PropValue;
use calcheck_model::key::{NamedId, PropKey};
use calcheck_writer::msg::{Message, Props, Value};

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("calcheck-gen-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a program, panicking with its output when it cannot start or fails.
pub fn run(program: &str, args: &[&str]) -> (String, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is not installed ({e}); run scripts/ci-deps.sh"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{program} {args:?} failed with {}:\n{stdout}\n{stderr}",
        out.status
    );
    (stdout, stderr)
}

/// One property record of an `ItemValues.txt` set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PffValue {
    /// `Entry type`: the property id as stored (0x8000 and above for named properties).
    pub id: u32,
    /// `Value type`.
    pub ty: u32,
    /// `Maps to entry type`: the LID of a named property.
    pub lid: Option<u32>,
    /// The value bytes.
    pub bytes: Vec<u8>,
}

/// The sets (rows) of an `ItemValues.txt`-style dump; an absent file has none.
pub fn item_sets(path: &Path) -> Vec<Vec<PffValue>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut sets: BTreeMap<usize, Vec<PffValue>> = BTreeMap::new();
    for block in text.split("\n\n") {
        let mut set = None;
        let mut id = None;
        let mut ty = None;
        let mut lid = None;
        let mut bytes = Vec::new();
        for line in block.lines() {
            let field = |l: &str, name: &str| {
                l.strip_prefix(name)
                    .map(|v| v.trim().trim_start_matches("0x").to_owned())
            };
            if let Some(v) = field(line, "Set:") {
                set = v.parse().ok();
            } else if let Some(v) = field(line, "Entry type:") {
                id = u32::from_str_radix(&v, 16).ok();
            } else if let Some(v) = field(line, "Value type:") {
                ty = u32::from_str_radix(&v, 16).ok();
            } else if let Some(v) = field(line, "Maps to entry type:") {
                lid = u32::from_str_radix(&v, 16).ok();
            } else if line.starts_with("0x") && line.contains(": ") {
                // "0x00000000: 49 00 50 00 ...  47 00   I.P.M..."
                let hex = line.split_once(": ").map_or("", |x| x.1);
                let hex = hex.get(..49).unwrap_or(hex);
                bytes.extend(
                    hex.split_whitespace()
                        .filter_map(|b| u8::from_str_radix(b, 16).ok()),
                );
            }
        }
        if let (Some(s), Some(id), Some(ty)) = (set, id, ty) {
            sets.entry(s)
                .or_default()
                .push(PffValue { id, ty, lid, bytes });
        }
    }
    sets.into_values().collect()
}

/// A folder or item of a pffexport log: kind, NID, the directory it was exported to and the
/// directory it is in.
#[derive(Debug, Clone)]
pub struct PffEntry {
    pub kind: String,
    pub nid: u32,
    pub dir: PathBuf,
    pub parent_dir: PathBuf,
    /// For folders: the display name.
    pub name: String,
}

/// One pffexport run.
#[derive(Debug)]
pub struct PffExport {
    pub entries: Vec<PffEntry>,
    /// Items pffexport skipped on purpose ("Skipped export of item: I out of: N of type: CLASS"),
    /// as (directory of the folder being exported, CLASS).
    pub skipped: Vec<(PathBuf, String)>,
    pub stdout: String,
    pub root: PathBuf,
}

impl PffExport {
    /// Runs `pffinfo` and then `pffexport -m all` on `file` into `work`.
    pub fn run(file: &Path, work: &Path) -> PffExport {
        let (info, _) = run("pffinfo", &[&file.to_string_lossy()]);
        assert!(info.contains("Personal Storage Tables (PST)"), "{info}");
        let base = work.join("pff");
        let log = work.join("pff.log");
        let (stdout, stderr) = run(
            "pffexport",
            &[
                "-d",
                "-l",
                &log.to_string_lossy(),
                "-m",
                "all",
                "-f",
                "text",
                "-t",
                &base.to_string_lossy(),
                &file.to_string_lossy(),
            ],
        );
        let all = format!("{stdout}\n{stderr}");
        assert!(
            !all.contains("Unable") && !all.contains("rror"),
            "pffexport reported problems:\n{all}"
        );
        let log_text = std::fs::read_to_string(&log).unwrap();
        let mut entries: Vec<PffEntry> = Vec::new();
        let mut skipped = Vec::new();
        let mut pending: Option<PffEntry> = None;
        for line in log_text.lines() {
            if let Some(rest) = line.strip_prefix("Skipped export of item: ") {
                // The folder being exported is the one the latest item was in, or the folder
                // created last.
                let folder = entries.last().map_or_else(PathBuf::new, |e| {
                    if e.kind == "folder" {
                        e.dir.clone()
                    } else {
                        e.parent_dir.clone()
                    }
                });
                let class = rest.split_once(" of type: ").map_or("", |x| x.1);
                let class = class.rsplit_once(" (").map_or(class, |x| x.0);
                skipped.push((folder, class.to_owned()));
                continue;
            }
            if let Some(rest) = line.strip_prefix("Processing ") {
                // "email: 00000 (identifier: 2097284) in path: DIR/"
                let (kind, rest) = rest.split_once(": ").unwrap();
                let (_, rest) = rest.split_once("(identifier: ").unwrap();
                let (id, dir) = rest.split_once(") in path: ").unwrap();
                pending = Some(PffEntry {
                    kind: kind.to_owned(),
                    nid: id.parse().unwrap(),
                    dir: PathBuf::new(),
                    parent_dir: PathBuf::from(dir.trim_end_matches('/')),
                    name: String::new(),
                });
            } else if let Some(rest) = line.strip_prefix("Saving folder with name: ") {
                if let (Some(p), Some((name, _))) = (pending.as_mut(), rest.rsplit_once(" as: ")) {
                    name.clone_into(&mut p.name);
                }
            } else if let Some(rest) = line.strip_prefix("Created directory: ") {
                if let Some(mut p) = pending.take() {
                    p.dir = PathBuf::from(rest.strip_suffix('.').unwrap_or(rest));
                    entries.push(p);
                }
            }
        }
        PffExport {
            entries,
            skipped,
            stdout: all,
            root: PathBuf::from(format!("{}.export", base.display())),
        }
    }

    /// The entry of a NID.
    pub fn get(&self, nid: u32) -> &PffEntry {
        self.entries
            .iter()
            .find(|e| e.nid == nid)
            .unwrap_or_else(|| panic!("pffexport did not export nid {nid:#x}"))
    }

    /// The items pffexport skipped in a folder directory (their message classes).
    pub fn skipped_in(&self, dir: &Path) -> Vec<&str> {
        self.skipped
            .iter()
            .filter(|(d, _)| d == dir)
            .map(|(_, c)| c.as_str())
            .collect()
    }

    /// The items directly inside a folder directory.
    pub fn items_in(&self, dir: &Path) -> Vec<&PffEntry> {
        self.entries
            .iter()
            .filter(|e| e.kind != "folder" && e.parent_dir == dir)
            .collect()
    }
}

/// One readpst run: the per-folder counts it printed and the files it wrote.
#[derive(Debug)]
pub struct ReadPst {
    /// (folder name, items done, items skipped), in the order printed.
    pub counts: Vec<(String, usize, usize)>,
    pub out: PathBuf,
}

impl ReadPst {
    /// Runs `readpst -S -D -j 0 -o OUT FILE`.
    pub fn run(file: &Path, work: &Path) -> ReadPst {
        let out = work.join("readpst");
        std::fs::create_dir_all(&out).unwrap();
        let (stdout, stderr) = run(
            "readpst",
            &[
                "-S",
                "-D",
                "-j",
                "0",
                "-o",
                &out.to_string_lossy(),
                &file.to_string_lossy(),
            ],
        );
        let mut counts = Vec::new();
        for line in format!("{stdout}\n{stderr}").lines() {
            // "\t"Inbox" - 3 items done, 0 items skipped."
            let line = line.trim();
            let Some(rest) = line.strip_prefix('"') else {
                continue;
            };
            let Some((name, rest)) = rest.split_once("\" - ") else {
                continue;
            };
            let num = |s: &str| s.trim().split(' ').next().and_then(|n| n.parse().ok());
            let (done, skipped) = rest.split_once(", ").unwrap_or_default();
            if let (Some(d), Some(s)) = (num(done), num(skipped)) {
                counts.push((name.to_owned(), d, s));
            }
        }
        ReadPst { counts, out }
    }

    /// The count line of a folder.
    pub fn count(&self, folder: &str) -> (usize, usize) {
        let c = self.counts.iter().find(|c| c.0 == folder);
        let Some(c) = c else {
            panic!("readpst printed no count for {folder:?}: {:?}", self.counts)
        };
        (c.1, c.2)
    }

    /// The item files readpst wrote for a folder (path under the store's directory), by number.
    pub fn items(&self, store: &str, folder: &str) -> BTreeMap<usize, String> {
        let dir = self.out.join(store).join(folder);
        let mut out = BTreeMap::new();
        for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if let Ok(n) = name.parse::<usize>() {
                out.insert(n, std::fs::read_to_string(e.path()).unwrap());
            }
        }
        out
    }

    /// The attachment files readpst wrote next to item `n` of a folder (`N-filename`).
    pub fn attachments(&self, store: &str, folder: &str, n: usize) -> BTreeMap<String, Vec<u8>> {
        let dir = self.out.join(store).join(folder);
        let prefix = format!("{n}-");
        let mut out = BTreeMap::new();
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(file) = name.strip_prefix(&prefix) {
                out.insert(file.to_owned(), std::fs::read(e.path()).unwrap());
            }
        }
        out
    }
}

/// The records a description says an object has: (id or LID, named?, type, stored bytes).
///
/// Tagged properties carry their id, named properties with a LID their LID (libpff maps named
/// properties by LID); string-named properties are left out. PR_SUBJECT is given the
/// `\u{1}\u{1}` marker the writer stores.
pub fn expected_records(props: &Props) -> Vec<(u32, bool, u16, Vec<u8>)> {
    let mut out: Vec<(u32, bool, u16, Vec<u8>)> = Vec::new();
    for spec in props.specs() {
        let (id, named) = match &spec.key {
            PropKey::Tagged(id) => (u32::from(*id), false),
            PropKey::Named {
                id: NamedId::Lid(lid),
                ..
            } => (*lid, true),
            PropKey::Named { .. } => continue,
        };
        let mut bytes = match &spec.value {
            Value::Raw(b) => b.clone(),
            Value::Typed(v) => typed_bytes(v),
        };
        if id == 0x0037 && !named {
            let mut marked = vec![1, 0, 1, 0];
            marked.append(&mut bytes);
            bytes = marked;
        }
        out.retain(|r| !(r.0 == id && r.1 == named));
        out.push((id, named, spec.type_code, bytes));
    }
    out
}

/// The stored bytes of a typed value, written out independently of the writer.
fn typed_bytes(v: &PropValue) -> Vec<u8> {
    match v {
        PropValue::I16(x) => x.to_le_bytes().to_vec(),
        PropValue::I32(x) => x.to_le_bytes().to_vec(),
        PropValue::Bool(b) => vec![u8::from(*b)],
        PropValue::I64(x) => x.to_le_bytes().to_vec(),
        PropValue::Time(t) => t.to_le_bytes().to_vec(),
        PropValue::Unicode(s) => s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        PropValue::Binary(b) => b.clone(),
        PropValue::Guid(g) => g.to_bytes_le().to_vec(),
        other => panic!("the peer tests do not use {other:?}"),
    }
}

/// Checks that every expected record is in a libpff set with the same bytes. libpff prints a
/// boolean as one byte and shows every column of a table row whatever the cell existence
/// bitmap says (peers.md), so only the written records are looked up.
pub fn assert_has_records(what: &str, set: &[PffValue], expected: &[(u32, bool, u16, Vec<u8>)]) {
    for (id, named, ty, bytes) in expected {
        let found = set.iter().find(|v| {
            u32::from(*ty) == v.ty
                && if *named {
                    v.lid == Some(*id)
                } else {
                    v.id == *id && v.id < 0x8000
                }
        });
        let Some(found) = found else {
            panic!("{what}: libpff has no record {id:#06x} (named {named}) of type {ty:#06x}");
        };
        let got = if *ty == 0x000B {
            found.bytes.iter().take(1).copied().collect()
        } else {
            found.bytes.clone()
        };
        assert_eq!(&got, bytes, "{what}: record {id:#06x} (named {named})");
    }
}

/// The display subject of a message description.
pub fn subject(m: &Message) -> String {
    m.props()
        .specs()
        .iter()
        .find(|s| s.key == PropKey::Tagged(0x0037))
        .and_then(|s| match &s.value {
            Value::Typed(PropValue::Unicode(t)) => Some(t.to_string()),
            _ => None,
        })
        .unwrap_or_default()
}
