//! Runs libpff's `pffexport` on a corpus file and parses what it reports, for the peer tests.
//!
//! `pffexport -q -d -l LOG -m items -f text -t BASE FILE` writes one directory per folder and per
//! item under `BASE.export`, an `ItemValues.txt` dump of every item's property records (`-d`),
//! and a log naming every folder and item with its identifier (the NID). The log is the index;
//! the per-item text files give the values.
#![allow(dead_code, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The corpus root: `$CALCHECK_CORPUS`, or the shared reference corpus.
pub fn corpus_dir() -> PathBuf {
    std::env::var_os("CALCHECK_CORPUS")
        .map_or_else(|| PathBuf::from("/work/shared/corpus"), PathBuf::from)
}

/// Every PST/OST file of the corpus, sorted by name. Panics when the corpus is missing, so the
/// peer tests cannot pass without having looked at anything.
pub fn corpus_pst_files() -> Vec<PathBuf> {
    let dir = corpus_dir().join("pst");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "corpus folder {} is missing ({e}); set CALCHECK_CORPUS",
                dir.display()
            )
        })
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pst" || x == "ost"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 20,
        "expected the 20 corpus PST/OST files in {}",
        dir.display()
    );
    files
}

/// The one corpus file every reader refuses (header CRC mismatch).
pub const CORRUPT_FILE: &str = "aspose__AddingBulkMessagesWithImprovedPerformance.pst";

/// A folder as pffexport reports it.
#[derive(Debug, Clone)]
pub struct PffFolder {
    pub nid: u32,
    pub parent: u32,
    pub name: String,
    pub dir: String,
}

/// An item (message) as pffexport reports it.
#[derive(Debug, Clone, Default)]
pub struct PffItem {
    pub nid: u32,
    /// pffexport's item kind: `appointment`, `meeting`, `email`, `contact`, ...
    pub kind: String,
    /// The directory the item was exported into.
    pub dir: String,
    /// The directory of the folder (or attachment) holding the item.
    pub parent_dir: String,
}

/// Everything parsed from one pffexport run.
#[derive(Debug, Default)]
pub struct PffExport {
    pub folders: Vec<PffFolder>,
    pub items: Vec<PffItem>,
    /// Items pffexport skipped on purpose ("Skipped export of item: I out of: N of type: C"), as
    /// (I, N, C, directory of the folder created last before the line).
    pub skipped: Vec<(usize, usize, String, String)>,
    /// Items libpff could not read, as (item number, items in folder) from its console output.
    pub unreadable: Vec<(usize, usize)>,
    pub base: PathBuf,
}

impl PffExport {
    /// Runs pffexport on `file` into a fresh temporary directory and parses the result.
    pub fn run(file: &Path) -> PffExport {
        let name = file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(['@', ' '], "_");
        let tmp =
            std::env::temp_dir().join(format!("calcheck-pst-peer-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).unwrap();
        let base = tmp.join("x");
        let log = tmp.join("log.txt");
        let out = Command::new("pffexport")
            .args(["-q", "-d", "-l"])
            .arg(&log)
            .args(["-m", "items", "-f", "text", "-t"])
            .arg(&base)
            .arg(file)
            .output()
            .unwrap_or_else(|e| panic!("pffexport is not installed ({e}); run scripts/ci-deps.sh"));
        assert!(
            out.status.success(),
            "pffexport failed on {}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let log_text = std::fs::read_to_string(&log).unwrap();
        let mut export = parse_log(&log_text, &base);
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            // "Unable to retrieve type of item 10 out of 21."
            if let Some(rest) = line.strip_prefix("Unable to ") {
                if let Some((i, n)) = parse_item_of(rest) {
                    export.unreadable.push((i, n));
                }
            }
        }
        export.base = tmp;
        export
    }

    /// The export root directory as it appears in the log (`BASE.export`).
    pub fn root_dir(&self) -> String {
        format!("{}.export", self.base.join("x").display())
    }

    /// The item with this NID directly inside folder directory `dir`.
    pub fn item_in(&self, dir: &str, nid: u32) -> Option<&PffItem> {
        self.items
            .iter()
            .find(|i| i.nid == nid && i.parent_dir == dir)
    }

    /// Items directly inside a folder directory.
    pub fn items_in<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a PffItem> + 'a {
        self.items.iter().filter(move |i| i.parent_dir == dir)
    }
}

impl Drop for PffExport {
    fn drop(&mut self) {
        if !self.base.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.base);
        }
    }
}

fn parse_item_of(text: &str) -> Option<(usize, usize)> {
    let at = text.find("item ")?;
    let rest = &text[at + 5..];
    let (i, rest) = rest.split_once(" out of ")?;
    let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((i.trim().parse().ok()?, n.parse().ok()?))
}

/// Parses "NAME: 00000 (identifier: 1234) in path: DIR/".
fn parse_processing(line: &str) -> Option<(String, u32, String)> {
    let rest = line.strip_prefix("Processing ")?;
    let (kind, rest) = rest.split_once(": ")?;
    let (_, rest) = rest.split_once("(identifier: ")?;
    let (id, rest) = rest.split_once(") in path: ")?;
    let dir = rest.strip_suffix('/').unwrap_or(rest);
    Some((kind.to_owned(), id.parse().ok()?, dir.to_owned()))
}

fn parse_log(log: &str, base: &Path) -> PffExport {
    let root = format!("{}.export", base.display());
    let mut export = PffExport::default();
    let mut dir_nids: BTreeMap<String, u32> = BTreeMap::new();
    dir_nids.insert(root.clone(), 0x122);
    let mut pending_folder: Option<(u32, String, String)> = None; // nid, parent dir, name
    let mut pending_item: Option<PffItem> = None;
    // The folder whose messages are being exported: pffexport exports a folder's sub-folders
    // first and its messages after, so the latest folder directory created, or the folder of the
    // latest message, is the folder a "Skipped export" line belongs to.
    let mut current_folder = root.clone();
    for line in log.lines() {
        if let Some((kind, nid, dir)) = parse_processing(line) {
            if kind == "folder" {
                pending_folder = Some((nid, dir, String::new()));
            } else {
                if dir_nids.contains_key(&dir) {
                    current_folder.clone_from(&dir);
                }
                pending_item = Some(PffItem {
                    nid,
                    kind,
                    dir: String::new(),
                    parent_dir: dir,
                });
            }
        } else if let Some(rest) = line.strip_prefix("Saving folder with name: ") {
            if let (Some(p), Some((name, _))) = (pending_folder.as_mut(), rest.rsplit_once(" as: "))
            {
                name.clone_into(&mut p.2);
            }
        } else if let Some(rest) = line.strip_prefix("Created directory: ") {
            let dir = rest.strip_suffix('.').unwrap_or(rest).to_owned();
            if let Some((nid, parent_dir, name)) = pending_folder.take() {
                let parent = *dir_nids.get(&parent_dir).unwrap_or(&0);
                dir_nids.insert(dir.clone(), nid);
                current_folder.clone_from(&dir);
                export.folders.push(PffFolder {
                    nid,
                    parent,
                    name,
                    dir,
                });
            } else if let Some(mut item) = pending_item.take() {
                item.dir = dir;
                export.items.push(item);
            }
        } else if let Some(rest) = line.strip_prefix("Skipped export of item: ") {
            // "1 out of: 3 of type: IPM.Post (0x12)."
            let (i, rest) = rest.split_once(" out of: ").unwrap_or_default();
            let (n, class) = rest.split_once(" of type: ").unwrap_or_default();
            let class = class.rsplit_once(" (").map_or(class, |c| c.0);
            if let (Ok(i), Ok(n)) = (i.parse(), n.parse()) {
                export
                    .skipped
                    .push((i, n, class.to_owned(), current_folder.clone()));
            }
        }
    }
    export
}

/// The property records of an `ItemValues.txt` dump: (entry type, value type) -> value bytes.
pub fn item_values(path: &Path) -> BTreeMap<(u32, u32), Vec<u8>> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = BTreeMap::new();
    for block in text.split("\n\n") {
        let mut entry = None;
        let mut vtype = None;
        let mut bytes = Vec::new();
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("Entry type:") {
                entry = u32::from_str_radix(v.trim().trim_start_matches("0x"), 16).ok();
            } else if let Some(v) = line.strip_prefix("Value type:") {
                vtype = u32::from_str_radix(v.trim().trim_start_matches("0x"), 16).ok();
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
        if let (Some(e), Some(t)) = (entry, vtype) {
            out.entry((e, t)).or_insert(bytes);
        }
    }
    out
}

/// A "Label:<tabs>value" line of a pffexport text file.
pub fn text_field(path: &Path, label: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(label).and_then(|r| r.strip_prefix(':')))
        .map(|v| v.trim().to_owned())
}

/// FILETIME ticks formatted the way pffexport prints times: `Aug 02, 2016 15:00:00.000000000 UTC`.
pub fn pff_time(ticks: u64) -> String {
    let dt = calcheck_format::time::filetime_to_utc(ticks);
    let nanos = (ticks % 10_000_000) * 100;
    format!(
        "{} {}.{nanos:09} UTC",
        dt.format("%b %d, %Y"),
        dt.format("%H:%M:%S")
    )
}

/// Decodes UTF-16LE text.
pub fn utf16(bytes: &[u8]) -> String {
    calcheck_format::props::decode_utf16le(bytes).into()
}
