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
    /// Threads that read contents tables at the same time (0: one per core). The list is the same
    /// whatever the number.
    pub threads: usize,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            meeting_objects_elsewhere: true,
            threads: 0,
        }
    }
}

/// What listing one folder gave: its row count and the listed rows, or why it could not be read.
type Listed = std::result::Result<(usize, Vec<crate::ContentsRow>, Vec<Warning>), crate::Error>;

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
        // The folders whose contents tables are read, each listed on its own: a large mailbox
        // spends most of its opening time in its mail folders' tables, which are independent, so
        // they are read on several threads and the results put back in folder order.
        let wanted: Vec<(usize, u32, bool)> = tree
            .folders
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                !f.is_search_folder && (f.is_calendar() || selection.meeting_objects_elsewhere)
            })
            .map(|(i, f)| (i, f.nid, f.is_calendar()))
            .collect();
        let list = |&(_, nid, calendar): &(usize, u32, bool)| -> Listed {
            if calendar {
                self.contents_with_warnings(nid)
                    .map(|(rows, w)| (rows.len(), rows, w))
            } else {
                self.contents_with_class_prefix(nid, MEETING_CLASS_PREFIX)
                    .map(|(rows, total, w)| (total, rows, w))
            }
        };
        let threads = match selection.threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        }
        .min(wanted.len())
        .max(1);
        let results: Vec<Listed> = if threads == 1 {
            wanted.iter().map(list).collect()
        } else {
            // Folder k goes to thread k % threads; each thread keeps its folders in order, so the
            // results can be put back in the order of `wanted`.
            let mut per_thread: Vec<std::vec::IntoIter<Listed>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        let wanted = &wanted;
                        let list = &list;
                        scope.spawn(move || {
                            wanted
                                .iter()
                                .skip(t)
                                .step_by(threads)
                                .map(list)
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        // A reader thread never panics on input; if it panicked anyway, that
                        // is a bug to surface, not a folder to drop silently.
                        h.join()
                            .unwrap_or_else(|e| std::panic::resume_unwind(e))
                            .into_iter()
                    })
                    .collect()
            });
            (0..wanted.len())
                .map_while(|k| per_thread.get_mut(k % threads).and_then(Iterator::next))
                .collect()
        };
        let mut out = Vec::new();
        let mut warnings = Vec::new();
        for ((index, _, _), listed) in wanted.into_iter().zip(results) {
            let Some(folder) = tree.folders.get_mut(index) else {
                continue;
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
