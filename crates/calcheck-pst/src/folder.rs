//! The folder hierarchy ([MS-PST] 2.4.4): folder property contexts and hierarchy tables.
//!
//! A folder NID (type 0x02, or 0x03 for search folders) has a property context; the NID with the
//! same index and type 0x0D is its hierarchy table (one row per sub-folder, `dwRowID` = the
//! sub-folder's NID), type 0x0E its contents table and 0x0F its associated (FAI) contents table.
//! The walk starts at the root folder (NID 0x122), is iterative, visits each folder once, and
//! keeps hierarchy-table order so the result is deterministic.

use std::collections::HashSet;

use crate::error::{Result, Warning};
use crate::ltp;
use crate::message::find_prop;
use crate::ndb::nid_type;
use crate::{NID_ROOT_FOLDER, Pst};

/// NID type of a search folder.
const NID_TYPE_SEARCH_FOLDER: u8 = 0x03;
/// Most folders walked (a guard against hierarchy tables that list each other).
const MAX_FOLDERS: usize = 1 << 20;

/// One folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// The folder's NID.
    pub nid: u32,
    /// The parent folder's NID (`None` for the root folder).
    pub parent: Option<u32>,
    /// PR_DISPLAY_NAME.
    pub name: String,
    /// `/`-separated display names from the root folder's children down to this folder; the root
    /// folder itself (usually unnamed) has the empty path.
    pub path: String,
    /// 0 for the root folder.
    pub depth: u32,
    /// PR_CONTAINER_CLASS, e.g. `IPF.Appointment`.
    pub container_class: Option<String>,
    /// PR_CONTENT_COUNT as the folder PC records it.
    pub content_count: Option<u32>,
    /// Rows of the contents table: the messages the folder really holds (0 for search folders,
    /// whose results live in other folders). From [`Pst::folders_uncounted`], PR_CONTENT_COUNT
    /// until [`Pst::calendar_entries`] reads the table.
    pub message_count: u32,
    /// Rows of the associated contents table: folder-associated information (FAI) messages such
    /// as views and configuration items (PR_ASSOC_CONTENT_COUNT from [`Pst::folders_uncounted`]).
    pub associated_count: u32,
    /// Rows of the hierarchy table.
    pub subfolder_count: u32,
    /// True for search folders (NID type 0x03).
    pub is_search_folder: bool,
}

impl Folder {
    /// True when PR_CONTAINER_CLASS starts with `IPF.Appointment` (any case): a calendar folder,
    /// whatever its display name or language.
    pub fn is_calendar(&self) -> bool {
        self.container_class.as_deref().is_some_and(|c| {
            c.get(..15)
                .is_some_and(|p| p.eq_ignore_ascii_case("IPF.Appointment"))
        })
    }
}

/// Every folder reachable from the root folder, in depth-first hierarchy-table order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FolderTree {
    /// The folders, root first.
    pub folders: Vec<Folder>,
    /// Folders or tables that could not be read; the walk went on without them.
    pub warnings: Vec<Warning>,
}

impl Pst {
    /// Walks the folder hierarchy from the root folder.
    ///
    /// Fails only when the root folder cannot be read; unreadable sub-folders become warnings.
    pub fn folders(&self) -> Result<FolderTree> {
        self.folder_tree(true)
    }

    /// Like [`Pst::folders`], without reading every folder's contents tables to count their rows:
    /// [`Folder::message_count`] and [`Folder::associated_count`] are then the folder's own
    /// PR_CONTENT_COUNT and PR_ASSOC_CONTENT_COUNT (0 when missing), which is what Outlook shows.
    ///
    /// Counting means reading each contents table whole (its heap holds every row's strings), so
    /// on a large mailbox this is most of the time [`Pst::folders`] takes. Callers that read the
    /// tables anyway ([`Pst::calendar_entries`] does, and corrects the counts of the tables it reads)
    /// use this one.
    pub fn folders_uncounted(&self) -> Result<FolderTree> {
        self.folder_tree(false)
    }

    fn folder_tree(&self, count: bool) -> Result<FolderTree> {
        let mut tree = FolderTree::default();
        let root = self.read_folder(NID_ROOT_FOLDER, None, "", 0, count, &mut tree.warnings)?;
        let mut seen = HashSet::new();
        seen.insert(NID_ROOT_FOLDER);
        // Stack of folders whose children still have to be listed, as (index in output).
        let mut stack = vec![root];
        while let Some(folder) = stack.pop() {
            let children = self.subfolder_nids(folder.nid, &mut tree.warnings);
            let mut folder = folder;
            // The hierarchy table was just read, so its row count costs nothing more.
            folder.subfolder_count = u32::try_from(children.len()).unwrap_or(u32::MAX);
            let parent_nid = folder.nid;
            let parent_path = folder.path.clone();
            let depth = folder.depth + 1;
            tree.folders.push(folder);
            let mut kids = Vec::new();
            for nid in children {
                if !seen.insert(nid) {
                    tree.warnings.push(Warning::new(
                        "hierarchy table",
                        format!("nid {parent_nid:#x}"),
                        format!(
                            "folder {nid:#x} is listed more than once; later listings are ignored"
                        ),
                    ));
                    continue;
                }
                if seen.len() > MAX_FOLDERS {
                    tree.warnings.push(Warning::new(
                        "hierarchy table",
                        format!("nid {parent_nid:#x}"),
                        format!("more than {MAX_FOLDERS} folders; the walk stops"),
                    ));
                    return Ok(tree);
                }
                match self.read_folder(
                    nid,
                    Some(parent_nid),
                    &parent_path,
                    depth,
                    count,
                    &mut tree.warnings,
                ) {
                    Ok(f) => kids.push(f),
                    Err(e) => tree.warnings.push(Warning::new(
                        "folder",
                        format!("nid {nid:#x}"),
                        format!("unreadable: {e}"),
                    )),
                }
            }
            // Reversed so the first child is popped (and listed) first.
            stack.extend(kids.into_iter().rev());
        }
        Ok(tree)
    }

    /// The folders whose PR_CONTAINER_CLASS starts with `IPF.Appointment`, in tree order.
    pub fn calendar_folders(&self) -> Result<Vec<Folder>> {
        Ok(self
            .folders()?
            .folders
            .into_iter()
            .filter(Folder::is_calendar)
            .collect())
    }

    fn read_folder(
        &self,
        nid: u32,
        parent: Option<u32>,
        parent_path: &str,
        depth: u32,
        count: bool,
        w: &mut Vec<Warning>,
    ) -> Result<Folder> {
        let node = self.open_top_node(nid, w)?;
        let (props, _) = self.read_props(&node, &|_, _| false, None, w)?;
        let text = |id| {
            find_prop(&props, id)
                .and_then(|p| p.value.as_str())
                .map(str::to_owned)
        };
        let name = text(0x3001).unwrap_or_default();
        let path = match (parent, parent_path.is_empty()) {
            (None, _) => String::new(),
            (Some(_), true) => name.clone(),
            (Some(_), false) => format!("{parent_path}/{name}"),
        };
        let is_search_folder = nid_type(nid) == NID_TYPE_SEARCH_FOLDER;
        let stored_count = |id| {
            find_prop(&props, id)
                .and_then(|p| p.value.as_i32())
                .map(|v| v as u32)
        };
        let content_count = stored_count(0x3602);
        let (message_count, associated_count) = if is_search_folder {
            (0, 0)
        } else if count {
            (
                self.table_row_count((nid & !0x1F) | 0x0E, w),
                self.table_row_count((nid & !0x1F) | 0x0F, w),
            )
        } else {
            (
                content_count.unwrap_or(0),
                stored_count(0x3617).unwrap_or(0),
            )
        };
        Ok(Folder {
            nid,
            parent,
            name,
            path,
            depth,
            container_class: text(0x3613),
            content_count,
            message_count,
            associated_count,
            // The walk sets it from the hierarchy table it reads next.
            subfolder_count: 0,
            is_search_folder,
        })
    }

    /// The row ids of a folder's hierarchy table, in row order.
    fn subfolder_nids(&self, nid: u32, w: &mut Vec<Warning>) -> Vec<u32> {
        let table = (nid & !0x1F) | 0x0D;
        let node = match self.open_top_node(table, w) {
            Ok(n) => n,
            Err(e) if e.is_missing_node(table) => return Vec::new(),
            Err(e) => {
                w.push(Warning::new(
                    "hierarchy table",
                    format!("nid {table:#x}"),
                    format!("unreadable: {e}"),
                ));
                return Vec::new();
            }
        };
        match self.read_table(&node, &|_, _| false, 1252, w) {
            Ok(rows) => rows.into_iter().map(|r| r.row_id).collect(),
            Err(e) => {
                w.push(Warning::new(
                    "hierarchy table",
                    format!("nid {table:#x}"),
                    format!("unreadable: {e}"),
                ));
                Vec::new()
            }
        }
    }

    /// Number of rows in the table context `nid` (0 when the table does not exist).
    fn table_row_count(&self, nid: u32, w: &mut Vec<Warning>) -> u32 {
        let count = self.open_top_node(nid, w).and_then(|node| {
            let info = ltp::tc_info(&node.heap)?;
            if info.hid_row_index == 0 {
                return Ok(0);
            }
            Ok(ltp::Bth::open(&node.heap, info.hid_row_index)?
                .records()?
                .len())
        });
        match count {
            Ok(n) => u32::try_from(n).unwrap_or(u32::MAX),
            Err(e) if e.is_missing_node(nid) => 0,
            Err(e) => {
                w.push(Warning::new(
                    "table",
                    format!("nid {nid:#x}"),
                    format!("row count unreadable: {e}"),
                ));
                0
            }
        }
    }
}
