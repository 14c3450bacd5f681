//! A seeded, deterministic generator of realistic mailboxes with known calendar defects
//! (`cargo xtask gen`).
//!
//! A mailbox has mail folders full of notes (what makes a real PST big), one or more calendar
//! folders with single appointments, all-day events, meetings the owner organized (attendees
//! with response status and time) and received, and recurring series of every pattern kind
//! (daily, every weekday, weekly on several days, monthly, n-th weekday, month end, yearly,
//! yearly n-th weekday, Hijri) with deleted and modified occurrences and their exception
//! attachments, in real Windows time zones. Every healthy item is meant to pass every check.
//!
//! Each [`Defect`] adds items that carry one known problem; the [`Manifest`] lists them with the
//! item the finding sits on (folder path, subject, PST node id, .msg file name) and the codes
//! calcheck must report there, so a test can require that calcheck reports exactly those.
//!
//! The same calendar folders can be written as folders of .msg files; the mail folders go to the
//! PST only. The PST is streamed to disk, so `--size 2g` needs little memory.

pub mod items;
pub mod recur;
pub mod rng;
pub mod zones;

use std::fmt;
use std::fs;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::time::Instant;

use calcheck_format::recurrence::encode_appointment_recurrence;
use calcheck_format::tzdef::{TZRULE_FLAG_EFFECTIVE_TZREG, TzDefinition, encode_tz_definition};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::msg::{Message, Object, Value};
use crate::pst::{Crypt, FolderId, PstOptions, PstWriter};
use items::{Appt, Attendee, Change, Recurrence, TICKS_PER_MINUTE, ft};
use recur::{End, Kind, Series};
use rng::Rng;
use zones::{ZONES, Zone};

/// The "now" the manifest's expected findings assume (run the checks with `--now` set to it):
/// 2025-01-01T00:00:00Z. Items lie between 2022 and 2027.
pub const NOW: &str = "2025-01-01T00:00:00Z";

/// The store's display name, and the IPM subtree's.
const STORE_NAME: &str = "Generated mailbox";
const TOP: &str = "Top of Personal Folders";

/// How big a mailbox to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// A handful of items of every kind.
    Small,
    /// A few thousand notes and a thousand calendar items: minutes of peer-tool time, not hours.
    Medium,
    /// About 2 GB: more than 100 000 notes, 20 000 calendar items and 2 000 series with exceptions.
    Huge,
}

impl Size {
    /// Parses `small`, `medium` or `2g`.
    pub fn parse(s: &str) -> Option<Size> {
        match s {
            "small" => Some(Size::Small),
            "medium" => Some(Size::Medium),
            "2g" => Some(Size::Huge),
            _ => None,
        }
    }

    /// The name `parse` accepts.
    pub fn name(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Huge => "2g",
        }
    }
}

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `mailbox.pst`.
    Pst,
    /// `msg/<calendar folder>/NNNNN-subject.msg`.
    Msg,
    /// Both.
    Both,
}

impl Format {
    /// Parses `pst`, `msg` or `both`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "pst" => Some(Format::Pst),
            "msg" => Some(Format::Msg),
            "both" => Some(Format::Both),
            _ => None,
        }
    }

    fn pst(self) -> bool {
        matches!(self, Format::Pst | Format::Both)
    }

    fn msg(self) -> bool {
        matches!(self, Format::Msg | Format::Both)
    }
}

macro_rules! defects {
    ($($variant:ident = $name:literal, [$($code:literal),*], $what:literal;)*) => {
        /// A problem the generator can inject, each with the findings calcheck must report.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Defect {
            $(#[doc = $what] $variant,)*
        }

        impl Defect {
            /// Every defect, in manifest order.
            pub const ALL: &'static [Defect] = &[$(Defect::$variant,)*];

            /// The option name (`--defects NAME,...`).
            pub fn name(self) -> &'static str {
                match self { $(Defect::$variant => $name,)* }
            }

            /// The check codes calcheck reports on the defective item.
            pub fn expected(self) -> &'static [&'static str] {
                match self { $(Defect::$variant => &[$($code),*],)* }
            }

            /// What the defect is.
            pub fn description(self) -> &'static str {
                match self { $(Defect::$variant => $what,)* }
            }
        }
    };
}

defects! {
    NullKeyNameStartDisplay = "null-keyname-start-display", ["CC302"],
        "PidLidAppointmentTimeZoneDefinitionStartDisplay has an empty key name (cchKeyName 0), as EWS wrote them (KB 2553248)";
    NullKeyNameEndDisplay = "null-keyname-end-display", ["CC302"],
        "PidLidAppointmentTimeZoneDefinitionEndDisplay has an empty key name (cchKeyName 0)";
    NullKeyNameRecur = "null-keyname-recur", ["CC302"],
        "a series whose PidLidAppointmentTimeZoneDefinitionRecur has an empty key name";
    TrackStatusTime1601 = "track-status-time-1601", ["CC408"],
        "an attendee accepted at PR_RECIPIENT_TRACKSTATUS_TIME 0 = 1601-01-01 (KB 938650)";
    ExceptionLengthMismatch = "exception-length-mismatch", ["CC210"],
        "an ExceptionInfo whose SubjectLength is not SubjectLength2 + 1 (CalCheck 0013)";
    ExceptionCountMismatch = "exception-count-mismatch", ["CC213"],
        "ExceptionCount 1 while ModifiedInstanceCount is 2";
    ExceptionBeforeSeries = "exception-before-series", ["CC211", "CC213"],
        "a series whose start moved past one of its exceptions (CalCheck 0014); its deleted instance date is then outside the series too";
    ExceptionAfterSeries = "exception-after-series", ["CC212", "CC213"],
        "a series whose end moved before one of its exceptions (CalCheck 0015); its deleted instance date is then outside the series too";
    TruncatedBlob = "truncated-blob", ["CC213"],
        "PidLidAppointmentRecur cut off before ReservedBlock2Size";
    MissingOrganizer = "missing-organizer", ["CC401", "CC403"],
        "a meeting without PR_SENT_REPRESENTING_NAME and PR_SENT_REPRESENTING_EMAIL_ADDRESS";
    MissingSender = "missing-sender", ["CC402", "CC404"],
        "a meeting without PR_SENDER_NAME and PR_SENDER_EMAIL_ADDRESS";
    MissingStart = "missing-start", ["CC101"],
        "an appointment without PidLidAppointmentStartWhole";
    MissingEnd = "missing-end", ["CC104"],
        "an appointment without PidLidAppointmentEndWhole";
    StartAfterEnd = "start-after-end", ["CC107"],
        "an appointment that ends an hour before it starts";
    MissingRecurringFlag = "missing-recurring-flag", ["CC201"],
        "a series without PidLidRecurring (dispidRecurring)";
    DuplicateItem = "duplicate-item", ["CC502"],
        "a second copy of an appointment (same subject, organizer, location, start, end), created later";
    DuplicateGlobalObjectId = "duplicate-goid", ["CC503"],
        "a different appointment created later with the GlobalObjectId of another";
    RecurringLimitWarning = "recurring-limit-warning", ["CC501"],
        "a calendar folder with 1251 recurring items (CalCheck 0060, on the 1251st)";
    RecurringLimit = "recurring-limit", ["CC501"],
        "a calendar folder with 1300 recurring items (CalCheck 0061, on the 1300th)";
    WrongMessageClass = "wrong-message-class", ["CC110"],
        "a series with PR_MESSAGE_CLASS IPM.Appointment.Custom";
    ConflictItem = "conflict-item", ["CC117"],
        "an appointment with MSGSTATUS_IN_CONFLICT in PR_MSG_STATUS";
    OrphanExceptionAttachment = "orphan-exception-attachment", ["CC214"],
        "a series with an exception attachment that no ExceptionInfo describes";
}

impl Defect {
    /// The defect with this option name.
    pub fn parse(name: &str) -> Option<Defect> {
        Defect::ALL.iter().copied().find(|d| d.name() == name)
    }

    /// Parses `all`, `none` or a comma-separated list of names.
    pub fn parse_list(s: &str) -> Result<Vec<Defect>, String> {
        match s {
            "all" => Ok(Defect::ALL.to_vec()),
            "none" | "" => Ok(Vec::new()),
            list => list
                .split(',')
                .map(|n| {
                    Defect::parse(n.trim()).ok_or_else(|| {
                        format!(
                            "unknown defect {n:?}; known: all, none, {}",
                            Defect::ALL
                                .iter()
                                .map(|d| d.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                })
                .collect(),
        }
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenOptions {
    /// Size.
    pub size: Size,
    /// Defects to inject.
    pub defects: Vec<Defect>,
    /// The seed: the same seed gives the same files.
    pub seed: u64,
    /// Which files.
    pub format: Format,
    /// Output directory (created if missing).
    pub out: PathBuf,
}

/// Where an item of the manifest is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemLocation {
    /// Folder path as calcheck reports it, e.g. `Top of Personal Folders/Calendar`.
    pub folder: String,
    /// PR_SUBJECT.
    pub subject: String,
    /// The PST node id (`0x00200044`), when a PST was written.
    pub pst_nid: Option<String>,
    /// The .msg file, relative to the output directory, when .msg files were written.
    pub msg_file: Option<String>,
}

/// One injected defect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestDefect {
    /// The defect's option name.
    pub defect: String,
    /// What it is.
    pub description: String,
    /// The check codes calcheck must report on [`Self::item`].
    pub expected: Vec<String>,
    /// The item the findings sit on.
    pub item: ItemLocation,
}

/// A folder and the number of messages written into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderCount {
    /// Folder path as calcheck reports it.
    pub path: String,
    /// Display name.
    pub name: String,
    /// True for calendar folders (`IPF.Appointment`).
    pub calendar: bool,
    /// Messages written into it.
    pub items: usize,
}

/// Counts of what was written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Mail notes.
    pub mail: usize,
    /// Calendar items (top-level).
    pub calendar: usize,
    /// Recurring series among them.
    pub recurring: usize,
    /// Series with at least one deleted or modified occurrence.
    pub recurring_with_exceptions: usize,
    /// Exception attachments (modified occurrences).
    pub exceptions: usize,
}

/// The manifest (`manifest.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    /// Format version of this file.
    pub version: u32,
    /// `small`, `medium` or `2g`.
    pub size: String,
    /// The seed.
    pub seed: u64,
    /// The "now" the expected findings assume.
    pub now: String,
    /// The PST, relative to the output directory, if written.
    pub pst: Option<String>,
    /// The folders of .msg files (one per calendar folder), relative to the output directory.
    pub msg_folders: Vec<String>,
    /// The calendar folders (PST paths).
    pub calendar_folders: Vec<String>,
    /// Every folder written, with its message count, in creation order.
    pub folders: Vec<FolderCount>,
    /// Counts.
    pub counts: Counts,
    /// Every injected defect, in the order written.
    pub defects: Vec<ManifestDefect>,
    /// PST file size in bytes.
    pub pst_bytes: u64,
    /// Seconds the generation took.
    #[serde(skip)]
    pub seconds: f64,
}

/// A folder being written: its PST id, path, and .msg directory.
struct FolderOut {
    id: Option<FolderId>,
    calendar: bool,
    path: String,
    msg_dir: Option<PathBuf>,
    written: usize,
}

/// Writes messages to the PST and, for calendar folders, to .msg files.
struct Sink {
    pst: Option<PstWriter<BufWriter<fs::File>>>,
    out: PathBuf,
    format: Format,
    folders: Vec<FolderOut>,
    counts: Counts,
}

impl Sink {
    fn folder(&mut self, parent: Option<usize>, name: &str, class: &str) -> io::Result<usize> {
        let (parent_id, parent_path) = match parent {
            Some(p) => (self.folders[p].id, self.folders[p].path.clone()),
            None => (
                self.pst.as_ref().map(PstWriter::ipm_subtree),
                TOP.to_owned(),
            ),
        };
        let id = match (&mut self.pst, parent_id) {
            (Some(w), Some(p)) => Some(w.add_folder(p, name, Some(class))),
            _ => None,
        };
        let path = format!("{parent_path}/{name}");
        let calendar = class.starts_with("IPF.Appointment");
        let msg_dir = if calendar && self.format.msg() {
            let rel = path.strip_prefix(&format!("{TOP}/")).unwrap_or(&path);
            let dir = self.out.join("msg").join(rel);
            fs::create_dir_all(&dir)?;
            Some(dir)
        } else {
            None
        };
        self.folders.push(FolderOut {
            id,
            calendar,
            path,
            msg_dir,
            written: 0,
        });
        Ok(self.folders.len() - 1)
    }

    fn add(&mut self, folder: usize, m: &Message, subject: &str) -> io::Result<ItemLocation> {
        let f = &mut self.folders[folder];
        f.written += 1;
        let pst_nid = match (&mut self.pst, f.id) {
            (Some(w), Some(id)) => Some(format!("0x{:08X}", w.add_message(id, m)?)),
            _ => None,
        };
        let msg_file = match &f.msg_dir {
            Some(dir) => {
                let slug: String = subject
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_lowercase()
                        } else {
                            '-'
                        }
                    })
                    .take(40)
                    .collect();
                let path = dir.join(format!("{:05}-{slug}.msg", f.written));
                m.write_to(&path)?;
                Some(
                    path.strip_prefix(&self.out)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .into_owned(),
                )
            }
            None => None,
        };
        Ok(ItemLocation {
            folder: f.path.clone(),
            subject: subject.to_owned(),
            pst_nid,
            msg_file,
        })
    }
}

/// The reference "now" as a date and time.
fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

/// Builds healthy items from one random stream.
struct Factory {
    rng: Rng,
    uid: u64,
    subject_no: usize,
}

impl Factory {
    fn new(seed: u64, stream: u64) -> Self {
        Factory {
            rng: Rng::new(seed, stream),
            uid: 0,
            subject_no: 0,
        }
    }

    /// A day between 2023-01-02 and 2026-06-30.
    fn day(&mut self) -> NaiveDate {
        let base = NaiveDate::from_ymd_opt(2023, 1, 2).unwrap_or_default();
        base + Duration::days(self.rng.range(0, 1275))
    }

    /// Creation time: some days before `start`, never after "now".
    fn created(&mut self, start: NaiveDateTime) -> u64 {
        let t = (start
            - Duration::days(self.rng.range(1, 60))
            - Duration::minutes(self.rng.range(0, 600)))
        .min(now() - Duration::days(1) - Duration::minutes(self.rng.range(0, 6000)));
        ft(t)
    }

    fn subject(&mut self, prefix: &str) -> String {
        self.subject_no += 1;
        let t = items::title(&mut self.rng);
        format!("{prefix}{t} #{}", self.subject_no)
    }

    fn zone(&mut self) -> Zone {
        // Hijri series use Arab Standard Time; everything else one of the other zones.
        ZONES[self.rng.below(ZONES.len() as u64 - 1) as usize]
    }

    fn base(&mut self, prefix: &str) -> Appt {
        let day = self.day();
        let start = day
            .and_hms_opt(
                self.rng.range(8, 14) as u32,
                [0, 30][self.rng.below(2) as usize],
                0,
            )
            .unwrap_or_default();
        self.uid += 1;
        let mut uid = self.rng.bytes(8);
        uid.extend_from_slice(&self.uid.to_le_bytes());
        Appt {
            class: "IPM.Appointment".to_owned(),
            subject: self.subject(prefix),
            location: items::place(&mut self.rng),
            zone: self.zone(),
            start,
            minutes: [30, 45, 60, 90, 120][self.rng.below(5) as usize],
            all_day: false,
            organizer: items::owner(),
            attendees: Vec::new(),
            received: false,
            created: self.created(start),
            uid,
            recurrence: None,
            reminder: self.rng.chance(3, 4).then_some(15),
        }
    }

    fn attendees(&mut self, created: u64, n: usize) -> Vec<Attendee> {
        let now_ft = ft(now());
        items::people(&mut self.rng, n)
            .into_iter()
            .enumerate()
            .map(|(i, person)| {
                let track_status = *self.rng.pick(&[0, 2, 3, 3, 3, 4]);
                let span = now_ft.saturating_sub(created).max(TICKS_PER_MINUTE * 10);
                let track_time = (track_status != 0)
                    .then(|| created + TICKS_PER_MINUTE + self.rng.below(span - TICKS_PER_MINUTE));
                Attendee {
                    person,
                    kind: if i == n - 1 && n > 2 { 2 } else { 1 },
                    track_status,
                    track_time,
                }
            })
            .collect()
    }

    fn single(&mut self) -> Appt {
        self.base("")
    }

    fn all_day(&mut self) -> Appt {
        let mut a = self.base("All day: ");
        a.start = a.start.date().and_hms_opt(0, 0, 0).unwrap_or_default();
        a.minutes = 1440 * self.rng.range(1, 3) as u32;
        a.all_day = true;
        a.reminder = None;
        a
    }

    fn meeting(&mut self) -> Appt {
        let mut a = self.base("Meeting: ");
        let n = self.rng.range(2, 6) as usize;
        a.attendees = self.attendees(a.created, n);
        a
    }

    fn received(&mut self) -> Appt {
        let mut a = self.base("Invitation: ");
        let others = items::people(&mut self.rng, 3);
        a.organizer = others[0].clone();
        a.received = true;
        a.attendees = vec![
            Attendee {
                person: items::owner(),
                kind: 1,
                track_status: 0,
                track_time: None,
            },
            Attendee {
                person: others[1].clone(),
                kind: 1,
                track_status: 0,
                track_time: None,
            },
            Attendee {
                person: others[2].clone(),
                kind: 2,
                track_status: 0,
                track_time: None,
            },
        ];
        a
    }

    /// A series of kind number `k` (0..12, every pattern kind), with changed occurrences.
    fn series(&mut self, k: usize) -> Appt {
        let mut a = self.base("Series: ");
        let day = a.start.date();
        let r = &mut self.rng;
        let weekday_mask = 1u32 << r.range(1, 5);
        let kind = match k % 12 {
            0 => Kind::Daily {
                days: r.range(1, 3) as u32,
            },
            1 => Kind::EveryWeekday,
            2 => Kind::Weekly {
                weeks: r.range(1, 2) as u32,
                mask: [0x2A, 0x14, 0x22, 0x0A][r.below(4) as usize],
            },
            3 => Kind::Monthly {
                months: r.range(1, 2) as u32,
                day: r.range(1, 28) as u32,
            },
            4 => Kind::MonthNth {
                months: 1,
                mask: weekday_mask,
                n: r.range(1, 4) as u32,
            },
            5 => Kind::MonthNth {
                months: 2,
                mask: 0x3E,
                n: 5,
            },
            6 => Kind::MonthEnd {
                months: r.range(1, 3) as u32,
            },
            7 => Kind::Yearly {
                month: day.month(),
                day: day.day().min(28),
            },
            8 => Kind::YearlyNth {
                month: day.month(),
                mask: weekday_mask,
                n: r.range(1, 4) as u32,
            },
            9 => Kind::Hijri {
                months: 1,
                day: r.range(1, 29) as u32,
            },
            10 => Kind::Weekly {
                weeks: 1,
                mask: 1 << day.weekday().num_days_from_sunday(),
            },
            _ => Kind::Daily { days: 7 },
        };
        let yearly = matches!(kind, Kind::Yearly { .. } | Kind::YearlyNth { .. });
        let end = match r.below(6) {
            0 => End::Never,
            1 | 2 => End::By(day + Duration::days(if yearly { 1500 } else { r.range(60, 400) })),
            _ => End::After(if yearly {
                r.range(3, 5)
            } else {
                r.range(6, 24)
            } as u32),
        };
        if matches!(kind, Kind::Hijri { .. }) {
            a.zone = Zone::by_key("Arab Standard Time");
        }
        if k % 12 == 10 {
            // An all-day weekly series.
            a.start = day.and_hms_opt(0, 0, 0).unwrap_or_default();
            a.minutes = 1440;
            a.all_day = true;
            a.reminder = None;
        }
        if k % 12 == 11 || r.chance(1, 3) {
            let n = r.range(2, 5) as usize;
            a.attendees = self.attendees(a.created, n);
        }
        let series = Series {
            kind,
            from: day,
            end,
            first_dow: *self.rng.pick(&[0, 1]),
        };
        let count = series.occurrences(1000).len().min(60);
        let mut changes: Vec<(usize, Change)> = Vec::new();
        if count >= 4 {
            let mut free: Vec<usize> = (1..count - 1).collect();
            let deletions = self.rng.range(0, 2) as usize;
            let modifications = if a.all_day {
                0
            } else {
                self.rng.range(1, 2) as usize
            };
            for n in 0..deletions + modifications {
                if free.is_empty() {
                    break;
                }
                let i = free.remove(self.rng.below(free.len() as u64) as usize);
                if n < deletions {
                    changes.push((i, Change::Deleted));
                } else {
                    let shift = *self.rng.pick(&[-60, 60, 120]);
                    let location = self.rng.chance(1, 2).then(|| items::place(&mut self.rng));
                    changes.push((
                        i,
                        Change::Modified {
                            shift,
                            subject: Some(format!("{} (moved)", a.subject)),
                            location,
                        },
                    ));
                }
            }
        }
        a.subject = a
            .subject
            .replacen("Series: ", &format!("{} ", series.describe_short()), 1);
        if let Some((_, Change::Modified { subject, .. })) = changes
            .iter_mut()
            .find(|c| matches!(c.1, Change::Modified { .. }))
        {
            *subject = Some(format!("{} (moved)", a.subject));
        }
        a.recurrence = Some(Recurrence { series, changes });
        a
    }
}

impl Series {
    /// A short label of the kind for subjects.
    fn describe_short(&self) -> &'static str {
        match self.kind {
            Kind::Daily { .. } => "Daily:",
            Kind::EveryWeekday => "Every weekday:",
            Kind::Weekly { .. } => "Weekly:",
            Kind::Monthly { .. } => "Monthly:",
            Kind::MonthNth { .. } => "Monthly (nth):",
            Kind::MonthEnd { .. } => "Month end:",
            Kind::Yearly { .. } => "Yearly:",
            Kind::YearlyNth { .. } => "Yearly (nth):",
            Kind::Hijri { .. } => "Hijri monthly:",
        }
    }
}

/// The numbers of one size.
struct Plan {
    /// Mail folders: (name, notes).
    mail: Vec<(&'static str, usize)>,
    /// Notes' body size range (characters) and the share (1 in n) with an attachment, its size range.
    body: (usize, usize),
    attach_every: u64,
    attach: (usize, usize),
    /// Calendar folders: (name, parent calendar index, singles, all-day, meetings, received, series).
    calendars: Vec<(&'static str, Option<usize>, [usize; 5])>,
}

impl Plan {
    fn of(size: Size) -> Plan {
        match size {
            Size::Small => Plan {
                mail: vec![("Inbox", 8), ("Sent Items", 3)],
                body: (200, 2000),
                attach_every: 4,
                attach: (2000, 30_000),
                calendars: vec![("Calendar", None, [4, 2, 3, 2, 12])],
            },
            Size::Medium => Plan {
                mail: vec![("Inbox", 1500), ("Sent Items", 500), ("Archive", 1000)],
                body: (200, 4000),
                attach_every: 8,
                attach: (2000, 60_000),
                calendars: vec![
                    ("Calendar", None, [300, 40, 200, 120, 240]),
                    ("Team", Some(0), [60, 10, 40, 40, 60]),
                ],
            },
            Size::Huge => Plan {
                mail: vec![
                    ("Inbox", 20_000),
                    ("Sent Items", 10_000),
                    ("Archive 2021", 16_000),
                    ("Archive 2022", 16_000),
                    ("Archive 2023", 16_000),
                    ("Archive 2024", 16_000),
                    ("Projects", 16_000),
                ],
                body: (500, 8000),
                attach_every: 8,
                attach: (20_000, 120_000),
                calendars: vec![
                    ("Calendar", None, [4200, 600, 2200, 1300, 800]),
                    ("Team", Some(0), [2000, 200, 1300, 900, 750]),
                    ("Projects calendar", None, [3000, 300, 1500, 1000, 750]),
                ],
            },
        }
    }
}

/// Generates a mailbox into `opts.out` and writes `manifest.json` there.
pub fn generate(opts: &GenOptions) -> io::Result<Manifest> {
    let started = Instant::now();
    fs::create_dir_all(&opts.out)?;
    let pst_name = "mailbox.pst";
    let pst = if opts.format.pst() {
        Some(PstWriter::create(
            &opts.out.join(pst_name),
            &PstOptions {
                display_name: STORE_NAME.to_owned(),
                crypt: Crypt::Permute,
                seed: opts.seed,
            },
        )?)
    } else {
        None
    };
    if opts.format.msg() {
        let _ = fs::remove_dir_all(opts.out.join("msg"));
    }
    let mut sink = Sink {
        pst,
        out: opts.out.clone(),
        format: opts.format,
        folders: Vec::new(),
        counts: Counts::default(),
    };
    let plan = Plan::of(opts.size);

    // Mail.
    let mut rng = Rng::new(opts.seed, 1);
    let mut mail_no = 0usize;
    for (name, count) in &plan.mail {
        let folder = sink.folder(None, name, "IPF.Note")?;
        for _ in 0..*count {
            mail_no += 1;
            let delivered = ft(now() - Duration::minutes(rng.range(60, 4 * 365 * 1440)));
            let from = items::person(rng.below(500) as usize);
            let to_n = rng.range(1, 3) as usize;
            let to = items::people(&mut rng, to_n);
            let cc = if rng.chance(1, 3) {
                items::people(&mut rng, 1)
            } else {
                Vec::new()
            };
            let body = rng.range(plan.body.0 as i64, plan.body.1 as i64) as usize;
            let attachment = if rng.chance(1, plan.attach_every) {
                rng.range(plan.attach.0 as i64, plan.attach.1 as i64) as usize
            } else {
                0
            };
            let subject = format!("{} ({mail_no})", items::title(&mut rng));
            let m = items::note(
                &mut rng,
                &items::Note {
                    subject: &subject,
                    from: &from,
                    to: &to,
                    cc: &cc,
                    delivered,
                    body,
                    attachment,
                },
            );
            sink.add(folder, &m, &subject)?;
            sink.counts.mail += 1;
        }
    }

    // Calendars.
    let mut calendar_folders: Vec<usize> = Vec::new();
    let mut factory = Factory::new(opts.seed, 2);
    for (name, parent, counts) in &plan.calendars {
        let parent = parent.map(|p| calendar_folders[p]);
        let folder = sink.folder(parent, name, "IPF.Appointment")?;
        calendar_folders.push(folder);
        let [singles, all_day, meetings, received, series] = *counts;
        let total = singles + all_day + meetings + received + series;
        // Interleave the kinds so that every part of the folder has every kind.
        let mut left = [singles, all_day, meetings, received, series];
        for i in 0..total {
            let kind = (0..5)
                .map(|k| (k + i) % 5)
                .find(|k| left[*k] > 0)
                .unwrap_or(0);
            left[kind] -= 1;
            let a = match kind {
                0 => factory.single(),
                1 => factory.all_day(),
                2 => factory.meeting(),
                3 => factory.received(),
                _ => factory.series(series - left[4] - 1),
            };
            write_appt(&mut sink, folder, &a, &a.build())?;
        }
    }

    // Defects.
    let mut defects = Vec::new();
    let mut df = Factory::new(opts.seed, 3);
    let main = calendar_folders[0];
    for defect in &opts.defects {
        let loc = inject(*defect, &mut df, &mut sink, main)?;
        defects.push(ManifestDefect {
            defect: defect.name().to_owned(),
            description: defect.description().to_owned(),
            expected: defect.expected().iter().map(|s| (*s).to_owned()).collect(),
            item: loc,
        });
    }

    let calendar_paths: Vec<String> = sink
        .folders
        .iter()
        .filter(|f| f.calendar)
        .map(|f| f.path.clone())
        .collect();
    let msg_folders: Vec<String> = sink
        .folders
        .iter()
        .filter_map(|f| f.msg_dir.as_ref())
        .map(|d| {
            d.strip_prefix(&opts.out)
                .unwrap_or(d)
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let folders: Vec<FolderCount> = sink
        .folders
        .iter()
        .map(|f| FolderCount {
            path: f.path.clone(),
            name: f.path.rsplit('/').next().unwrap_or_default().to_owned(),
            calendar: f.calendar,
            items: f.written,
        })
        .collect();
    let counts = sink.counts.clone();
    let mut pst_bytes = 0;
    if let Some(w) = sink.pst.take() {
        let (_, summary) = w.finish()?;
        pst_bytes = summary.size;
    }
    let manifest = Manifest {
        version: 1,
        size: opts.size.name().to_owned(),
        seed: opts.seed,
        now: NOW.to_owned(),
        pst: opts.format.pst().then(|| pst_name.to_owned()),
        msg_folders,
        calendar_folders: calendar_paths,
        folders,
        counts,
        defects,
        pst_bytes,
        seconds: started.elapsed().as_secs_f64(),
    };
    let json = serde_json::to_string_pretty(&manifest).map_err(io::Error::other)?;
    fs::write(opts.out.join("manifest.json"), json + "\n")?;
    Ok(manifest)
}

/// Writes a calendar item and counts it.
fn write_appt(sink: &mut Sink, folder: usize, a: &Appt, m: &Message) -> io::Result<ItemLocation> {
    sink.counts.calendar += 1;
    if let Some(r) = &a.recurrence {
        sink.counts.recurring += 1;
        if !r.changes.is_empty() {
            sink.counts.recurring_with_exceptions += 1;
        }
        sink.counts.exceptions += r
            .changes
            .iter()
            .filter(|c| matches!(c.1, Change::Modified { .. }))
            .count();
    }
    sink.add(folder, m, &a.subject)
}

/// Writes the items of one defect; returns the item the findings sit on.
fn inject(
    defect: Defect,
    f: &mut Factory,
    sink: &mut Sink,
    main: usize,
) -> io::Result<ItemLocation> {
    let tag = |a: &mut Appt| a.subject = format!("[{}] {}", defect.name(), a.subject);
    // A weekly series of ten with one modified occurrence (index 3) and one deleted (index 5).
    let weekly = |f: &mut Factory| {
        let mut a = f.series(2);
        let series = Series {
            kind: Kind::Weekly {
                weeks: 1,
                mask: 1 << a.start.date().weekday().num_days_from_sunday(),
            },
            from: a.start.date(),
            end: End::After(10),
            first_dow: 0,
        };
        a.recurrence = Some(Recurrence {
            series,
            changes: vec![
                (
                    3,
                    Change::Modified {
                        shift: 60,
                        subject: Some(format!("{} (moved)", a.subject)),
                        location: None,
                    },
                ),
                (5, Change::Deleted),
            ],
        });
        a.all_day = false;
        if a.start.time() == chrono::NaiveTime::MIN {
            a.start += Duration::hours(9);
            a.minutes = 60;
        }
        a
    };
    let null_key = |zone: &Zone| {
        encode_tz_definition(&TzDefinition::new(
            "",
            vec![zone.rule(TZRULE_FLAG_EFFECTIVE_TZREG)],
        ))
    };
    let one = |sink: &mut Sink, a: &Appt, m: Message| write_appt(sink, main, a, &m);
    match defect {
        Defect::NullKeyNameStartDisplay | Defect::NullKeyNameEndDisplay => {
            let mut a = f.meeting();
            tag(&mut a);
            let prop = if defect == Defect::NullKeyNameStartDisplay {
                "PidLidAppointmentTimeZoneDefinitionStartDisplay"
            } else {
                "PidLidAppointmentTimeZoneDefinitionEndDisplay"
            };
            let m = a.build().set(prop, null_key(&a.zone));
            one(sink, &a, m)
        }
        Defect::NullKeyNameRecur => {
            let mut a = weekly(f);
            tag(&mut a);
            let m = a.build().set(
                "PidLidAppointmentTimeZoneDefinitionRecur",
                null_key(&a.zone),
            );
            one(sink, &a, m)
        }
        Defect::TrackStatusTime1601 => {
            let mut a = f.meeting();
            tag(&mut a);
            a.attendees[0].track_status = 3;
            a.attendees[0].track_time = Some(0);
            let m = a.build();
            one(sink, &a, m)
        }
        Defect::ExceptionLengthMismatch => {
            let mut a = weekly(f);
            tag(&mut a);
            let mut blob = a.recurrence_blob().unwrap_or_else(|| unreachable!());
            if let Some(s) = blob.exception_info[0].subject.as_mut() {
                s.length = s.length.saturating_add(1);
            }
            let m = a.build().set(
                "PidLidAppointmentRecur",
                encode_appointment_recurrence(&blob),
            );
            one(sink, &a, m)
        }
        Defect::ExceptionCountMismatch => {
            let mut a = weekly(f);
            tag(&mut a);
            let occ = a.occurrences();
            let mut blob = a.recurrence_blob().unwrap_or_else(|| unreachable!());
            // A second modified instance (occurrence 7) in both date lists, without ExceptionInfo.
            let extra = recur::minutes(occ[7]);
            blob.pattern.deleted_instance_dates.push(extra);
            blob.pattern.deleted_instance_dates.sort_unstable();
            blob.pattern.modified_instance_dates.push(extra);
            blob.pattern.modified_instance_dates.sort_unstable();
            let m = a.build().set(
                "PidLidAppointmentRecur",
                encode_appointment_recurrence(&blob),
            );
            one(sink, &a, m)
        }
        Defect::ExceptionBeforeSeries | Defect::ExceptionAfterSeries => {
            let mut a = weekly(f);
            tag(&mut a);
            let occ = a.occurrences();
            let before = defect == Defect::ExceptionBeforeSeries;
            // The exception is on occurrence 1 (before) or 8 (after); the series then loses the
            // occurrences up to 2, or from 7: its start moves later, or its end earlier, and
            // the exception with its attachment stays behind.
            let changed = if before { 1 } else { 8 };
            let mut with_exception = a.clone();
            if let Some(r) = with_exception.recurrence.as_mut() {
                r.changes = vec![(
                    changed,
                    Change::Modified {
                        shift: 60,
                        subject: Some(format!("{} (moved)", a.subject)),
                        location: None,
                    },
                )];
            }
            let old = with_exception
                .recurrence_blob()
                .unwrap_or_else(|| unreachable!());
            let mut shortened = a.clone();
            if let Some(r) = shortened.recurrence.as_mut() {
                r.changes.clear();
                if before {
                    r.series.from = occ[3];
                    r.series.end = End::After(7);
                } else {
                    r.series.end = End::After(7);
                }
            }
            let mut blob = shortened
                .recurrence_blob()
                .unwrap_or_else(|| unreachable!());
            blob.pattern
                .deleted_instance_dates
                .clone_from(&old.pattern.deleted_instance_dates);
            blob.pattern
                .modified_instance_dates
                .clone_from(&old.pattern.modified_instance_dates);
            blob.exception_count = old.exception_count;
            blob.exception_info.clone_from(&old.exception_info);
            blob.extended_exception.clone_from(&old.extended_exception);
            let exceptions = with_exception.build();
            let mut m = shortened
                .build()
                .set(
                    "PidLidAppointmentRecur",
                    encode_appointment_recurrence(&blob),
                )
                .set("PidTagHasAttachments", true);
            for att in exceptions.attachments() {
                m = m.attachment(att.clone());
            }
            one(sink, &shortened, m)
        }
        Defect::TruncatedBlob => {
            let mut a = weekly(f);
            tag(&mut a);
            let blob = a.recurrence_blob().unwrap_or_else(|| unreachable!());
            let mut bytes = encode_appointment_recurrence(&blob);
            bytes.truncate(bytes.len() - 4);
            let m = a.build().set("PidLidAppointmentRecur", bytes);
            one(sink, &a, m)
        }
        Defect::MissingOrganizer | Defect::MissingSender => {
            let mut a = f.meeting();
            tag(&mut a);
            let names = if defect == Defect::MissingOrganizer {
                [
                    "PidTagSentRepresentingName",
                    "PidTagSentRepresentingEmailAddress",
                    "PidTagSentRepresentingAddressType",
                ]
            } else {
                [
                    "PidTagSenderName",
                    "PidTagSenderEmailAddress",
                    "PidTagSenderAddressType",
                ]
            };
            let mut m = a.build();
            for n in names {
                m = m.remove(n);
            }
            one(sink, &a, m)
        }
        Defect::MissingStart | Defect::MissingEnd | Defect::StartAfterEnd => {
            let mut a = f.single();
            tag(&mut a);
            let m = a.build();
            let m = match defect {
                Defect::MissingStart => m.remove("PidLidAppointmentStartWhole"),
                Defect::MissingEnd => m.remove("PidLidAppointmentEndWhole"),
                _ => {
                    let (start, end) = a.first_span();
                    let utc = |t| Value::time(ft(a.zone.to_utc(t)));
                    m.set("PidLidAppointmentStartWhole", utc(end))
                        .set("PidLidAppointmentEndWhole", utc(start))
                        .set("PidTagStartDate", utc(end))
                        .set("PidTagEndDate", utc(start))
                }
            };
            one(sink, &a, m)
        }
        Defect::MissingRecurringFlag => {
            let mut a = weekly(f);
            tag(&mut a);
            let m = a.build().remove("PidLidRecurring");
            one(sink, &a, m)
        }
        Defect::DuplicateItem | Defect::DuplicateGlobalObjectId => {
            let original = f.single();
            write_appt(sink, main, &original, &original.build())?;
            let mut copy = if defect == Defect::DuplicateItem {
                let mut c = original.clone();
                c.uid = f.rng.bytes(16);
                c
            } else {
                f.single()
            };
            copy.created = original.created + TICKS_PER_MINUTE;
            let mut m = copy.build();
            if defect == Defect::DuplicateGlobalObjectId {
                tag(&mut copy);
                m = m
                    .set("PidTagSubject", copy.subject.as_str())
                    .set("PidTagNormalizedSubject", copy.subject.as_str())
                    .set("PidLidGlobalObjectId", original.goid())
                    .set("PidLidCleanGlobalObjectId", original.goid());
            }
            one(sink, &copy, m)
        }
        Defect::RecurringLimitWarning | Defect::RecurringLimit => {
            let (name, count) = if defect == Defect::RecurringLimit {
                ("Recurring limit 1300", 1300)
            } else {
                ("Recurring limit 1251", 1251)
            };
            let folder = sink.folder(None, name, "IPF.Appointment")?;
            let mut last = None;
            for i in 0..count {
                // Plain series (no attendees, no exceptions): the folder only has to be full.
                let mut a = f.series(i);
                a.attendees.clear();
                if let Some(r) = a.recurrence.as_mut() {
                    r.changes.clear();
                }
                last = Some(write_appt(sink, folder, &a, &a.build())?);
            }
            Ok(last.unwrap_or_else(|| unreachable!()))
        }
        Defect::WrongMessageClass => {
            let mut a = weekly(f);
            tag(&mut a);
            "IPM.Appointment.Custom".clone_into(&mut a.class);
            let m = a.build();
            one(sink, &a, m)
        }
        Defect::ConflictItem => {
            let mut a = f.single();
            tag(&mut a);
            // MSGSTATUS_IN_CONFLICT ([MS-OXCMSG] 2.2.1.8).
            let m = a.build().set("PidTagMessageStatus", 0x800);
            one(sink, &a, m)
        }
        Defect::OrphanExceptionAttachment => {
            let mut a = weekly(f);
            tag(&mut a);
            // An exception attachment for occurrence 7, which the blob does not list.
            let mut orphan = a.clone();
            if let Some(r) = orphan.recurrence.as_mut() {
                r.changes = vec![(
                    7,
                    Change::Modified {
                        shift: 60,
                        subject: Some(format!("{} (lost)", a.subject)),
                        location: None,
                    },
                )];
            }
            let extra = orphan.build().attachments()[0].clone();
            let m = a.build().attachment(extra);
            one(sink, &a, m)
        }
    }
}

/// The output directory's manifest, for tests: where `generate` wrote it.
pub fn manifest_path(out: &Path) -> PathBuf {
    out.join("manifest.json")
}
