//! Which messages a calendar check reads: every message of every calendar folder, and the
//! meeting objects (requests, responses, cancellations) that sit in other folders.
//!
//! Calendar folders are found by PR_CONTAINER_CLASS (`IPF.Appointment*`), never by display name,
//! so localized and nested calendars are found too. Messages of other folders are selected by the
//! message class their folder's contents table caches, so mail is never decoded; the message's
//! own property context stays authoritative once it is read.

use crate::Pst;
use crate::error::Warning;
use crate::folder::FolderTree;

/// Message classes of meeting objects ([MS-OXOCAL] 2.2.6-2.2.7): requests, responses, cancellations.
const MEETING_CLASS_PREFIX: &str = "IPM.Schedule.Meeting";

/// One message to read as a calendar item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEntry {
    /// Index of the folder in [`FolderTree::folders`].
    pub folder: usize,
    /// The message's NID.
    pub nid: u32,
    /// PR_MESSAGE_CLASS as the contents table caches it.
    pub cached_class: Option<String>,
}

/// Which messages [`Pst::calendar_entries`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// Also list meeting objects (`IPM.Schedule.Meeting.*`) found in folders that are not calendars.
    pub meeting_objects_elsewhere: bool,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            meeting_objects_elsewhere: true,
        }
    }
}

impl Pst {
    /// The calendar items of `tree`, in folder-tree order and contents-table order within a folder.
    ///
    /// Every contents table it reads sets its folder's [`Folder::message_count`](crate::Folder)
    /// to the table's row count, so a tree from [`Pst::folders_uncounted`] ends up with real counts
    /// for those folders without reading any table twice. Folders are never skipped on the
    /// strength of a count of 0: the count may come from PR_CONTENT_COUNT, which a damaged store
    /// can get wrong. A contents table that cannot be read becomes a warning; the other folders
    /// are still listed.
    pub fn calendar_entries(
        &self,
        tree: &mut FolderTree,
        selection: Selection,
    ) -> (Vec<CalendarEntry>, Vec<Warning>) {
        let mut out = Vec::new();
        let mut warnings = Vec::new();
        for (index, folder) in tree.folders.iter_mut().enumerate() {
            let calendar = folder.is_calendar();
            if folder.is_search_folder || !(calendar || selection.meeting_objects_elsewhere) {
                continue;
            }
            let listed = if calendar {
                self.contents_with_warnings(folder.nid)
                    .map(|(rows, w)| (rows.len(), rows, w))
            } else {
                self.contents_with_class_prefix(folder.nid, MEETING_CLASS_PREFIX)
                    .map(|(rows, total, w)| (total, rows, w))
            };
            match listed {
                Ok((total, rows, table_warnings)) => {
                    warnings.extend(table_warnings);
                    folder.message_count = u32::try_from(total).unwrap_or(u32::MAX);
                    out.extend(rows.into_iter().map(|r| CalendarEntry {
                        folder: index,
                        nid: r.nid,
                        cached_class: r.message_class,
                    }));
                }
                Err(e) => warnings.push(Warning::new(
                    "contents table",
                    format!("folder nid {:#x} ({})", folder.nid, folder.path),
                    format!("unreadable: {e}"),
                )),
            }
        }
        (out, warnings)
    }
}
