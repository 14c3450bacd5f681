//! `cargo xtask decode <kind> <HEX|@FILE>`: a readable dump of one calendar blob, SmartView style.
//!
//! The dump follows MFCMAPI's SmartView layout ([MS-OXOCAL] 2.2.1.44 recurrence, 2.2.1.41 TZDEFINITION,
//! 2.2.1.39 TZREG, 2.2.1.27 GlobalObjectId): one line per field under its spec name, numbers in hex and
//! decimal, blob dates as `YYYY-MM-DD HH:MM` in the blob's own local wall clock, flags and day masks by
//! name, strings quoted, nested structures indented. The decoder's diagnostics follow the dump.
//! A blob that cannot be decoded at all prints the failing structure, field and offset and fails.

use std::fmt::Write as _;

use anyhow::{Context, bail};
use calcheck_format::goid::{GOID_CLASS_ID, GlobalObjectId, decode_global_object_id};
use calcheck_format::recurrence::pattern::PATTERN_VERSION;
use calcheck_format::recurrence::{
    AnsiString, AppointmentRecurrencePattern, CalendarType, EndType, ExceptionInfo,
    ExtendedException, PatternType, PatternTypeSpecific, RecurFrequency, RecurrencePattern,
    TailSection, WideString, day_mask, decode_appointment_recurrence, decode_recurrence_pattern,
};
use calcheck_format::time::{MINUTES_PER_DAY, NO_END_DATE, format_filetime, format_minutes};
use calcheck_format::tzdef::{
    SystemTime, TZ_BIN_VERSION_MAJOR, TZDEFINITION_FLAG_VALID_GUID,
    TZDEFINITION_FLAG_VALID_KEYNAME, TZRULE_FLAG_EFFECTIVE_TZREG, TZRULE_FLAG_RECUR_CURRENT_TZREG,
    TzDefinition, TzRule, decode_tz_definition,
};
use calcheck_format::tzreg::{TZREG_SIZE, TzReg, decode_tzreg};
use calcheck_format::{Diagnostic, Error};

/// The blob kinds the command understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// PidLidAppointmentRecur: AppointmentRecurrencePattern.
    Recur,
    /// PidLidTaskRecurrence: a bare RecurrencePattern.
    Pattern,
    /// TZDEFINITION (PidLidAppointmentTimeZoneDefinition*).
    TzDef,
    /// TZREG (PidLidTimeZoneStruct).
    TzReg,
    /// GlobalObjectId or CleanGlobalObjectId.
    Goid,
}

impl Kind {
    /// The kind named on the command line; `None` for `auto` and unknown names.
    fn from_arg(arg: &str) -> Option<Kind> {
        match arg {
            "recur" | "appointment" => Some(Kind::Recur),
            "pattern" | "task" => Some(Kind::Pattern),
            "tzdef" => Some(Kind::TzDef),
            "tzreg" | "tzstruct" => Some(Kind::TzReg),
            "goid" => Some(Kind::Goid),
            _ => None,
        }
    }

    /// Guesses the kind from the bytes, the way a person reading the hex would.
    ///
    /// The GlobalObjectId class id and the RecurrencePattern version words are unmistakable; a
    /// recurrence blob is an appointment one when ReaderVersion2 0x3006 follows the pattern. TZDEFINITION starts with its
    /// major version 2, and a TZREG is recognised by its fixed size only.
    pub fn guess(data: &[u8]) -> Option<Kind> {
        if data.starts_with(&GOID_CLASS_ID) {
            return Some(Kind::Goid);
        }
        let version = PATTERN_VERSION.to_le_bytes();
        if data.get(..4) == Some(&[version[0], version[1], version[0], version[1]][..]) {
            // An appointment blob carries ReaderVersion2 0x3006 right after the pattern.
            let tail = decode_appointment_recurrence(data)
                .is_ok_and(|d| d.value.reader_version2 == 0x3006);
            return Some(if tail { Kind::Recur } else { Kind::Pattern });
        }
        if data.first() == Some(&TZ_BIN_VERSION_MAJOR) && decode_tz_definition(data).is_ok() {
            return Some(Kind::TzDef);
        }
        if data.len() == TZREG_SIZE {
            return Some(Kind::TzReg);
        }
        None
    }
}

/// Parses hex text into bytes: whitespace anywhere and a leading `0x` are ignored.
pub fn parse_hex(text: &str) -> anyhow::Result<Vec<u8>> {
    calcheck_format::hex::decode_hex(text).map_err(anyhow::Error::msg)
}

/// The bytes named by the arguments: `@FILE` (hex text for `.hex`/`.txt`, raw bytes otherwise) or hex.
fn input_bytes(args: &[String]) -> anyhow::Result<Vec<u8>> {
    match args {
        [one] if one.starts_with('@') => {
            let path = std::path::Path::new(&one[1..]);
            let raw =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            if path.extension().is_some_and(|e| e == "hex" || e == "txt") {
                parse_hex(&String::from_utf8_lossy(&raw))
            } else {
                Ok(raw)
            }
        }
        [] => bail!("no blob given"),
        // Unquoted hex with spaces arrives as several arguments.
        parts => parse_hex(&parts.join("")),
    }
}

/// Runs `cargo xtask decode <kind> <HEX|@FILE>`.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    const USAGE: &str =
        "usage: cargo xtask decode <recur|pattern|tzdef|tzreg|goid|auto> <HEX|@FILE>";
    let Some((kind_arg, rest)) = args.split_first() else {
        bail!(USAGE);
    };
    let data = input_bytes(rest).context(USAGE)?;
    let kind = match Kind::from_arg(kind_arg) {
        Some(kind) => kind,
        None if kind_arg == "auto" => Kind::guess(&data).with_context(|| {
            format!(
                "cannot tell what kind of blob these {} bytes are; name the kind",
                data.len()
            )
        })?,
        None => bail!("unknown kind {kind_arg:?}; {USAGE}"),
    };
    // The error's own text names the structure, the field and the offset; add the offset in hex.
    let text = render(kind, &data).map_err(|e| {
        anyhow::anyhow!(
            "cannot decode as {}: {e} (offset {:#x})",
            kind_name(kind),
            e.offset()
        )
    })?;
    print!("{text}");
    Ok(())
}

/// The spec name of what a kind decodes.
fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Recur => "AppointmentRecurrencePattern",
        Kind::Pattern => "RecurrencePattern",
        Kind::TzDef => "TZDEFINITION",
        Kind::TzReg => "TZREG",
        Kind::Goid => "GlobalObjectId",
    }
}

/// Decodes `data` as `kind` and renders the dump and the diagnostics.
pub fn render(kind: Kind, data: &[u8]) -> Result<String, Error> {
    let mut d = Dump::default();
    let diagnostics = match kind {
        Kind::Recur => {
            let decoded = decode_appointment_recurrence(data)?;
            d.line(format!(
                "AppointmentRecurrencePattern (PidLidAppointmentRecur), {} bytes",
                data.len()
            ));
            dump_appointment(&mut d, &decoded.value);
            decoded.diagnostics
        }
        Kind::Pattern => {
            let decoded = decode_recurrence_pattern(data)?;
            d.line(format!(
                "RecurrencePattern (PidLidTaskRecurrence), {} bytes",
                data.len()
            ));
            dump_pattern(&mut d, &decoded.value);
            decoded.diagnostics
        }
        Kind::TzDef => {
            let decoded = decode_tz_definition(data)?;
            d.line(format!("TZDEFINITION, {} bytes", data.len()));
            dump_tzdef(&mut d, &decoded.value);
            decoded.diagnostics
        }
        Kind::TzReg => {
            let decoded = decode_tzreg(data)?;
            d.line(format!(
                "TZREG (PidLidTimeZoneStruct), {} bytes",
                data.len()
            ));
            dump_tzreg(&mut d, &decoded.value);
            decoded.diagnostics
        }
        Kind::Goid => {
            let decoded = decode_global_object_id(data)?;
            d.line(format!("GlobalObjectId, {} bytes", data.len()));
            dump_goid(&mut d, &decoded.value);
            decoded.diagnostics
        }
    };
    dump_diagnostics(&mut d, &diagnostics);
    Ok(d.out)
}

/// An indented text builder.
#[derive(Default)]
struct Dump {
    out: String,
    depth: usize,
}

impl Dump {
    fn line(&mut self, text: impl AsRef<str>) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text.as_ref());
        self.out.push('\n');
    }

    /// A heading line, then everything `body` writes one level deeper.
    fn nest(&mut self, heading: impl AsRef<str>, body: impl FnOnce(&mut Dump)) {
        self.line(heading);
        self.depth += 1;
        body(self);
        self.depth -= 1;
    }

    fn u8(&mut self, name: &str, v: u8) {
        self.line(format!("{name}: 0x{v:02X} = {v}"));
    }

    fn u16(&mut self, name: &str, v: u16) {
        self.line(format!("{name}: 0x{v:04X} = {v}"));
    }

    fn u16_is(&mut self, name: &str, v: u16, meaning: impl AsRef<str>) {
        self.line(format!("{name}: 0x{v:04X} = {v} = {}", meaning.as_ref()));
    }

    fn u32(&mut self, name: &str, v: u32) {
        self.line(format!("{name}: 0x{v:08X} = {v}"));
    }

    fn u32_is(&mut self, name: &str, v: u32, meaning: impl AsRef<str>) {
        self.line(format!("{name}: 0x{v:08X} = {v} = {}", meaning.as_ref()));
    }

    fn i32(&mut self, name: &str, v: i32) {
        self.line(format!("{name}: 0x{:08X} = {v}", v as u32));
    }

    /// A minutes-since-1601 date in the blob's local wall clock.
    fn date(&mut self, name: &str, minutes: u32) {
        self.u32_is(name, minutes, format_minutes(minutes));
    }

    fn bytes(&mut self, name: &str, b: &[u8]) {
        if b.is_empty() {
            self.line(format!("{name}: 0 bytes"));
        } else {
            self.line(format!("{name}: {} bytes {}", b.len(), hex(b)));
        }
    }
}

/// Uppercase hex of `b`, no separators.
fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for byte in b {
        let _ = write!(s, "{byte:02X}");
    }
    s
}

/// Names the bits of `value` from `names`; unnamed bits are shown in hex, no bits as `none`.
fn flag_names(value: u32, names: &[(u32, &str)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut rest = value;
    for &(bit, name) in names {
        if value & bit != 0 {
            parts.push(name.to_owned());
            rest &= !bit;
        }
    }
    if rest != 0 {
        parts.push(format!("unknown 0x{rest:X}"));
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(" | ")
    }
}

/// The name of a spec enumeration value: its variant name, or `unknown` for values outside it.
fn enum_name(known: bool, debug: &dyn std::fmt::Debug) -> String {
    if known {
        format!("{debug:?}")
    } else {
        "unknown".to_owned()
    }
}

/// Weekday numbered from Sunday = 0, as FirstDOW and wDayOfWeek store it.
fn weekday_name(n: u32) -> &'static str {
    match n {
        0 => "Sunday",
        1 => "Monday",
        2 => "Tuesday",
        3 => "Wednesday",
        4 => "Thursday",
        5 => "Friday",
        6 => "Saturday",
        _ => "not a weekday",
    }
}

/// Minutes after midnight as `HH:MM` (offsets of a day; 1440 is `24:00`).
fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

// ---------------------------------------------------------------------------------------------
// Recurrence ([MS-OXOCAL] 2.2.1.44)
// ---------------------------------------------------------------------------------------------

/// PidLidChangeHighlight bits ([MS-OXOCAL] 2.2.6.2), with the names MFCMAPI prints.
const CHANGE_HIGHLIGHT: &[(u32, &str)] = &[
    (0x0000_0001, "BIT_CH_START"),
    (0x0000_0002, "BIT_CH_END"),
    (0x0000_0004, "BIT_CH_RECUR"),
    (0x0000_0008, "BIT_CH_LOCATION"),
    (0x0000_0010, "BIT_CH_SUBJECT"),
    (0x0000_0020, "BIT_CH_REQATT"),
    (0x0000_0040, "BIT_CH_OPTATT"),
    (0x0000_0080, "BIT_CH_BODY"),
    (0x0000_0100, "BIT_CH_CUSTOM"),
    (0x0000_0200, "BIT_CH_SILENT"),
    (0x0000_0400, "BIT_CH_ALLOWPROPOSE"),
    (0x0000_0800, "BIT_CH_CONF"),
    (0x0000_1000, "BIT_CH_ATT_REM"),
    (0x8000_0000, "BIT_CH_NOTUSED"),
];

/// PidLidAppointmentStateFlags bits, which ExceptionInfo's MeetingType carries ([MS-OXOCAL] 2.2.1.10).
const STATE_FLAGS: &[(u32, &str)] = &[
    (0x1, "asfMeeting"),
    (0x2, "asfReceived"),
    (0x4, "asfCanceled"),
    (0x8, "asfForward"),
];

/// PidLidBusyStatus values ([MS-OXOCAL] 2.2.1.2).
fn busy_status_name(v: u32) -> &'static str {
    match v {
        0 => "olFree",
        1 => "olTentative",
        2 => "olBusy",
        3 => "olOutOfOffice",
        4 => "olWorkingElsewhere",
        _ => "unknown",
    }
}

/// PidLidAppointmentColor values ([MS-OXOCAL] 2.2.1.12).
fn color_name(v: u32) -> &'static str {
    match v {
        0 => "none",
        1 => "red",
        2 => "blue",
        3 => "green",
        4 => "grey",
        5 => "orange",
        6 => "cyan",
        7 => "olive",
        8 => "purple",
        9 => "teal",
        10 => "yellow",
        _ => "unknown",
    }
}

fn dump_pattern(d: &mut Dump, p: &RecurrencePattern) {
    d.nest("RecurrencePattern", |d| {
        d.u16("ReaderVersion", p.reader_version);
        d.u16("WriterVersion", p.writer_version);
        let freq: RecurFrequency = p.recur_frequency;
        d.u16_is(
            "RecurFrequency",
            freq.value(),
            enum_name(freq.is_known(), &freq),
        );
        let kind: PatternType = p.pattern_type;
        d.u16_is(
            "PatternType",
            kind.value(),
            enum_name(kind.is_known(), &kind),
        );
        let cal: CalendarType = p.calendar_type;
        d.u16_is("CalendarType", cal.value(), enum_name(cal.is_known(), &cal));
        d.u32("FirstDateTime", p.first_date_time);
        let period = match p.pattern_type {
            PatternType::Day if p.period % MINUTES_PER_DAY == 0 => {
                format!("{} day(s)", p.period / MINUTES_PER_DAY)
            }
            PatternType::Day => "minutes, not whole days".to_owned(),
            PatternType::Week => format!("{} week(s)", p.period),
            PatternType::Unknown(_) => "unknown unit".to_owned(),
            _ => format!("{} month(s)", p.period),
        };
        d.u32_is("Period", p.period, period);
        d.u32("SlidingFlag", p.sliding_flag);
        match p.pattern_type_specific {
            PatternTypeSpecific::None => d.line("PatternTypeSpecific: none"),
            PatternTypeSpecific::Week { day_mask: m } => d.nest("PatternTypeSpecific", |d| {
                d.u32_is("WeekRecurrencePattern", m, day_mask::format(m));
            }),
            PatternTypeSpecific::Month { day } => d.nest("PatternTypeSpecific", |d| {
                d.u32("Day", day);
            }),
            PatternTypeSpecific::MonthNth { day_mask: m, n } => {
                d.nest("PatternTypeSpecific", |d| {
                    d.u32_is("WeekRecurrencePattern", m, day_mask::format(m));
                    let which = match n {
                        1 => "first",
                        2 => "second",
                        3 => "third",
                        4 => "fourth",
                        5 => "last",
                        _ => "not 1..=5",
                    };
                    d.u32_is("N", n, which);
                });
            }
        }
        let end: EndType = p.end_type;
        d.u32_is("EndType", end.value(), enum_name(end.is_known(), &end));
        d.u32("OccurrenceCount", p.occurrence_count);
        d.u32_is("FirstDOW", p.first_dow, weekday_name(p.first_dow));
        dates(d, "DeletedInstance", &p.deleted_instance_dates);
        dates(d, "ModifiedInstance", &p.modified_instance_dates);
        d.date("StartDate", p.start_date);
        if p.end_date == NO_END_DATE {
            d.u32_is("EndDate", p.end_date, "4500-12-31 23:59 (no end date)");
        } else {
            d.date("EndDate", p.end_date);
        }
    });
}

/// A `<name>Count` line and the dates below it.
fn dates(d: &mut Dump, name: &str, list: &[u32]) {
    let count = u32::try_from(list.len()).unwrap_or(u32::MAX);
    d.nest(format!("{name}Count: 0x{count:08X} = {count}"), |d| {
        for (i, &m) in list.iter().enumerate() {
            d.date(&format!("{name}Dates[{i}]"), m);
        }
    });
}

fn ansi(d: &mut Dump, name: &str, s: &AnsiString) {
    d.u16(&format!("{name}Length"), s.length);
    d.u16(&format!("{name}Length2"), s.length2);
    d.line(format!("{name}: {:?}", s.text(1252)));
}

fn wide(d: &mut Dump, name: &str, s: &WideString) {
    let len = u16::try_from(s.units.len()).unwrap_or(u16::MAX);
    d.u16(&format!("WideChar{name}Length"), len);
    d.line(format!("WideChar{name}: {:?}", s.text()));
}

fn dump_exception_info(d: &mut Dump, i: usize, e: &ExceptionInfo) {
    d.nest(
        format!("ExceptionInfo[{i}] at offset {0} (0x{0:X})", e.offset),
        |d| {
            d.date("StartDateTime", e.start_date_time);
            d.date("EndDateTime", e.end_date_time);
            d.date("OriginalStartDate", e.original_start_date);
            let flags = e.override_flags;
            let mut names: Vec<String> = flags.names().iter().map(|n| (*n).to_owned()).collect();
            if flags.unknown_bits() != 0 {
                names.push(format!("unknown 0x{:X}", flags.unknown_bits()));
            }
            let names = if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(" | ")
            };
            d.u16_is("OverrideFlags", flags.0, names);
            if let Some(s) = &e.subject {
                ansi(d, "Subject", s);
            }
            if let Some(v) = e.meeting_type {
                d.u32_is("MeetingType", v, flag_names(v, STATE_FLAGS));
            }
            if let Some(v) = e.reminder_delta {
                d.u32_is("ReminderDelta", v, "minutes");
            }
            if let Some(v) = e.reminder_set {
                d.u32_is("ReminderSet", v, if v == 0 { "false" } else { "true" });
            }
            if let Some(s) = &e.location {
                ansi(d, "Location", s);
            }
            if let Some(v) = e.busy_status {
                d.u32_is("BusyStatus", v, busy_status_name(v));
            }
            if let Some(v) = e.attachment {
                d.u32("Attachment", v);
            }
            if let Some(v) = e.sub_type {
                d.u32_is("SubType", v, if v == 0 { "not all-day" } else { "all-day" });
            }
            if let Some(v) = e.appointment_color {
                d.u32_is("AppointmentColor", v, color_name(v));
            }
        },
    );
}

fn dump_extended_exception(d: &mut Dump, i: usize, e: &ExtendedException) {
    d.nest(
        format!("ExtendedException[{i}] at offset {0} (0x{0:X})", e.offset),
        |d| {
            if let Some(ch) = &e.change_highlight {
                d.nest("ChangeHighlight", |d| {
                    d.u32("ChangeHighlightSize", ch.size);
                    d.u32_is(
                        "ChangeHighlightValue",
                        ch.value,
                        flag_names(ch.value, CHANGE_HIGHLIGHT),
                    );
                    if !ch.reserved.is_empty() {
                        d.bytes("Reserved", &ch.reserved);
                    }
                });
            }
            block(d, "ReservedBlockEE1", &e.reserved_block_ee1);
            if let Some(v) = e.start_date_time {
                d.date("StartDateTime", v);
            }
            if let Some(v) = e.end_date_time {
                d.date("EndDateTime", v);
            }
            if let Some(v) = e.original_start_date {
                d.date("OriginalStartDate", v);
            }
            if let Some(s) = &e.wide_char_subject {
                wide(d, "Subject", s);
            }
            if let Some(s) = &e.wide_char_location {
                wide(d, "Location", s);
            }
            if let Some(b) = &e.reserved_block_ee2 {
                block(d, "ReservedBlockEE2", b);
            }
        },
    );
}

/// A `<name>Size` field and, when not empty, the block's bytes.
fn block(d: &mut Dump, name: &str, b: &[u8]) {
    d.u32(
        &format!("{name}Size"),
        u32::try_from(b.len()).unwrap_or(u32::MAX),
    );
    if !b.is_empty() {
        d.bytes(name, b);
    }
}

fn dump_appointment(d: &mut Dump, a: &AppointmentRecurrencePattern) {
    dump_pattern(d, &a.pattern);
    let stop = a.truncated.as_ref().map(|t| t.section);
    let reached = |section: TailSection| stop != Some(section);
    d.nest("AppointmentRecurrencePattern", |d| {
        if reached(TailSection::Header) {
            d.u32("ReaderVersion2", a.reader_version2);
            d.u32("WriterVersion2", a.writer_version2);
            d.u32_is("StartTimeOffset", a.start_time_offset, clock(a.start_time_offset));
            d.u32_is("EndTimeOffset", a.end_time_offset, clock(a.end_time_offset));
            d.u16("ExceptionCount", a.exception_count);
        }
        for (i, e) in a.exception_info.iter().enumerate() {
            dump_exception_info(d, i, e);
        }
        if matches!(stop, None | Some(TailSection::ExtendedException | TailSection::ReservedBlock2)) {
            block(d, "ReservedBlock1", &a.reserved_block1);
        }
        for (i, e) in a.extended_exception.iter().enumerate() {
            dump_extended_exception(d, i, e);
        }
        if stop.is_none() {
            block(d, "ReservedBlock2", &a.reserved_block2);
        }
        if let Some(t) = &a.truncated {
            d.line(format!(
                "Truncated: the blob ends in {:?} at offset {} (0x{:X}), {} byte(s) of a partial item",
                t.section,
                t.end(),
                t.end(),
                t.partial.len()
            ));
        }
        if !a.trailing.is_empty() {
            d.bytes("Unparsed trailing data", &a.trailing);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Time zones ([MS-OXOCAL] 2.2.1.39, 2.2.1.41)
// ---------------------------------------------------------------------------------------------

/// TZDEFINITION wFlags bits.
const TZDEF_FLAGS: &[(u32, &str)] = &[
    (
        TZDEFINITION_FLAG_VALID_GUID as u32,
        "TZDEFINITION_FLAG_VALID_GUID",
    ),
    (
        TZDEFINITION_FLAG_VALID_KEYNAME as u32,
        "TZDEFINITION_FLAG_VALID_KEYNAME",
    ),
];

/// TZRULE wFlags bits.
const TZRULE_FLAGS: &[(u32, &str)] = &[
    (
        TZRULE_FLAG_RECUR_CURRENT_TZREG as u32,
        "TZRULE_FLAG_RECUR_CURRENT_TZREG",
    ),
    (
        TZRULE_FLAG_EFFECTIVE_TZREG as u32,
        "TZRULE_FLAG_EFFECTIVE_TZREG",
    ),
];

fn month_name(m: u16) -> &'static str {
    match m {
        1 => "January",
        2 => "February",
        3 => "March",
        4 => "April",
        5 => "May",
        6 => "June",
        7 => "July",
        8 => "August",
        9 => "September",
        10 => "October",
        11 => "November",
        12 => "December",
        _ => "not a month",
    }
}

/// What a SYSTEMTIME transition date means, in words.
fn transition_summary(st: &SystemTime) -> String {
    if st.is_unset() {
        return "no transition (wMonth 0)".to_owned();
    }
    if let Some(problem) = st.transition_problem() {
        return format!("invalid: {problem}");
    }
    let time = format!("{:02}:{:02}", st.w_hour, st.w_minute);
    if st.is_relative() {
        let week = match st.w_day {
            1 => "first",
            2 => "second",
            3 => "third",
            4 => "fourth",
            _ => "last",
        };
        format!(
            "the {week} {} of {} at {time}",
            weekday_name(u32::from(st.w_day_of_week)),
            month_name(st.w_month)
        )
    } else {
        format!(
            "{:04}-{:02}-{:02} {time} (absolute)",
            st.w_year, st.w_month, st.w_day
        )
    }
}

fn dump_systemtime(d: &mut Dump, name: &str, st: &SystemTime) {
    d.nest(format!("{name}: {}", transition_summary(st)), |d| {
        d.u16("wYear", st.w_year);
        d.u16_is("wMonth", st.w_month, month_name(st.w_month));
        d.u16_is(
            "wDayOfWeek",
            st.w_day_of_week,
            weekday_name(u32::from(st.w_day_of_week)),
        );
        d.u16("wDay", st.w_day);
        d.u16("wHour", st.w_hour);
        d.u16("wMinute", st.w_minute);
        d.u16("wSecond", st.w_second);
        d.u16("wMilliseconds", st.w_milliseconds);
    });
}

/// The bias lines shared by TZRULE and TZREG: UTC = local + bias.
fn biases(d: &mut Dump, l_bias: i32, l_standard_bias: i32, l_daylight_bias: i32) {
    d.i32("lBias", l_bias);
    d.i32("lStandardBias", l_standard_bias);
    d.i32("lDaylightBias", l_daylight_bias);
    let utc = |bias: i64| {
        let offset = -bias;
        let sign = if offset < 0 { '-' } else { '+' };
        format!(
            "UTC{sign}{:02}:{:02}",
            offset.unsigned_abs() / 60,
            offset.unsigned_abs() % 60
        )
    };
    d.line(format!(
        "(standard time {}, daylight time {})",
        utc(i64::from(l_bias) + i64::from(l_standard_bias)),
        utc(i64::from(l_bias) + i64::from(l_daylight_bias))
    ));
}

fn dump_rule(d: &mut Dump, i: usize, r: &TzRule) {
    d.nest(format!("TZRule[{i}]"), |d| {
        d.u8("bMajorVersion", r.major_version);
        d.u8("bMinorVersion", r.minor_version);
        d.u16("cbRule", r.cb_rule);
        d.u16_is(
            "wFlags",
            r.flags,
            flag_names(u32::from(r.flags), TZRULE_FLAGS),
        );
        d.u16("wYear", r.w_year());
        d.bytes("X", &r.x());
        biases(d, r.l_bias, r.l_standard_bias, r.l_daylight_bias);
        dump_systemtime(d, "stStandardDate", &r.st_standard_date);
        dump_systemtime(d, "stDaylightDate", &r.st_daylight_date);
        if !r.extension.is_empty() {
            d.bytes("Extension (past cbRule 0x3E)", &r.extension);
        }
    });
}

fn dump_tzdef(d: &mut Dump, t: &TzDefinition) {
    d.nest("TZDEFINITION", |d| {
        d.u8("bMajorVersion", t.major_version);
        d.u8("bMinorVersion", t.minor_version);
        d.u16("cbHeader", t.cb_header);
        d.u16_is(
            "wFlags",
            t.flags,
            flag_names(u32::from(t.flags), TZDEF_FLAGS),
        );
        if let Some(g) = &t.guid {
            d.line(format!("guid: {g}"));
        }
        if let Some(cch) = t.cch_key_name {
            d.u16("cchKeyName", cch);
        }
        if let Some(name) = &t.key_name {
            d.line(format!("KeyName: {name:?}"));
        }
        d.u16("cRules", t.c_rules);
        for (i, r) in t.rules.iter().enumerate() {
            dump_rule(d, i, r);
        }
        if !t.trailing.is_empty() {
            d.bytes("Unparsed trailing data", &t.trailing);
        }
    });
}

fn dump_tzreg(d: &mut Dump, t: &TzReg) {
    d.nest("TZREG", |d| {
        biases(d, t.l_bias, t.l_standard_bias, t.l_daylight_bias);
        d.u16("wStandardYear", t.w_standard_year);
        dump_systemtime(d, "stStandardDate", &t.st_standard_date);
        d.u16("wDaylightYear", t.w_daylight_year);
        dump_systemtime(d, "stDaylightDate", &t.st_daylight_date);
        if !t.trailing.is_empty() {
            d.bytes("Unparsed trailing data", &t.trailing);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// GlobalObjectId ([MS-OXOCAL] 2.2.1.27)
// ---------------------------------------------------------------------------------------------

fn dump_goid(d: &mut Dump, g: &GlobalObjectId) {
    d.nest("GlobalObjectId", |d| {
        let class = if g.class_id == GOID_CLASS_ID {
            "the GlobalObjectId class id"
        } else {
            "NOT the GlobalObjectId class id"
        };
        d.line(format!("ByteArrayID: {} = {class}", hex(&g.class_id)));
        let date = if !g.is_instance() {
            "none (not an instance)".to_owned()
        } else if let Some(date) = g.instance_date() {
            date.format("%Y-%m-%d").to_string()
        } else {
            "not a real date".to_owned()
        };
        d.line(format!("YH/YL: 0x{0:04X} = {0}", g.year));
        d.u8("M", g.month);
        d.u8("D", g.day);
        d.line(format!("Instance date: {date}"));
        d.line(format!(
            "CreationTime: 0x{:08X}:0x{:08X} = {}",
            g.creation_time >> 32,
            g.creation_time & 0xFFFF_FFFF,
            format_filetime(g.creation_time)
        ));
        d.bytes("X", &g.x);
        d.u32("Size", g.size);
        d.bytes("Data", &g.data);
        if let Some(uid) = g.vcal_uid() {
            d.line(format!("vCal-Uid: {uid:?}"));
        }
        if !g.trailing.is_empty() {
            d.bytes("Unparsed trailing data", &g.trailing);
        }
        d.line(format!("iCalendar UID: {}", g.ical_uid()));
    });
}

// ---------------------------------------------------------------------------------------------
// Diagnostics
// ---------------------------------------------------------------------------------------------

fn dump_diagnostics(d: &mut Dump, diagnostics: &[Diagnostic]) {
    if diagnostics.is_empty() {
        d.line("Diagnostics: none");
        return;
    }
    d.nest(format!("Diagnostics: {}", diagnostics.len()), |d| {
        for x in diagnostics {
            d.line(format!(
                "{:<7} offset {:>5} (0x{:04X})  {}.{}: {}",
                x.severity.to_string(),
                x.offset,
                x.offset,
                x.structure,
                x.field,
                x.message
            ));
        }
    });
}

#[cfg(test)]
mod tests {
    //! Spot checks of the dump against the values the vectors' sources publish. Each pair is the
    //! published line (which must appear verbatim in the vector's `.expected.txt`) and the same value
    //! as this dump writes it (which must appear in the dump).
    use super::*;
    use std::path::PathBuf;

    fn vector(kind: &str, name: &str) -> (Vec<u8>, String) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors");
        let hex_text = std::fs::read_to_string(dir.join(kind).join(format!("{name}.hex"))).unwrap();
        let expected =
            std::fs::read_to_string(dir.join(kind).join(format!("{name}.expected.txt"))).unwrap();
        (parse_hex(&hex_text).unwrap(), expected)
    }

    /// The part of an `.expected.txt` the source publishes (before our own cross-check section).
    fn published(expected: &str) -> &str {
        expected.split("## Cross-check").next().unwrap_or(expected)
    }

    fn spot_check(kind: Kind, dir: &str, name: &str, pairs: &[(&str, &str)]) {
        let (bytes, expected) = vector(dir, name);
        let published = published(&expected);
        let dump = render(kind, &bytes).unwrap();
        for (theirs, ours) in pairs {
            assert!(
                published.contains(theirs),
                "{name}: {theirs:?} is not in the published section"
            );
            assert!(
                dump.contains(ours),
                "{name}: published {theirs:?}, but the dump lacks {ours:?}:\n{dump}"
            );
        }
    }

    #[test]
    fn decode_mfcmapi_appointment_1_shows_published_values() {
        spot_check(
            Kind::Recur,
            "appointment_recur",
            "mfcmapi-APPOINTMENTRECURRENCEPATTERN-1",
            &[
                (
                    "RecurFrequency: 0x200B",
                    "RecurFrequency: 0x200B = 8203 = Weekly",
                ),
                (
                    "FirstDateTime: 0x000021C0 = 8640",
                    "FirstDateTime: 0x000021C0 = 8640",
                ),
                (
                    "Period: 0x00000002 = 2",
                    "Period: 0x00000002 = 2 = 2 week(s)",
                ),
                (
                    "WeekRecurrencePattern: 0x00000010 = rdfThu",
                    "WeekRecurrencePattern: 0x00000010 = 16 = Th",
                ),
                (
                    "OccurrenceCount: 0x00000012 = 18",
                    "OccurrenceCount: 0x00000012 = 18",
                ),
                (
                    "FirstDOW: 0x00000000 = Sunday",
                    "FirstDOW: 0x00000000 = 0 = Sunday",
                ),
                (
                    "DeletedInstanceCount: 0x00000004 = 4",
                    "DeletedInstanceCount: 0x00000004 = 4",
                ),
                (
                    "0x0CDC56C0 = 12:00:00.000 AM 3/31/2011",
                    "DeletedInstanceDates[3]: 0x0CDC56C0 = 215766720 = 2011-03-31 00:00",
                ),
                (
                    "StartDate: 0x0CD8F480 = 215544960 = 12:00:00.000 AM 10/28/2010",
                    "StartDate: 0x0CD8F480 = 215544960 = 2010-10-28 00:00",
                ),
                (
                    "EndDate: 0x0CDE56A0 = 215897760 = 12:00:00.000 AM 6/30/2011",
                    "EndDate: 0x0CDE56A0 = 215897760 = 2011-06-30 00:00",
                ),
                (
                    "StartTimeOffset: 0x00000366 = 870 = 02:30:00.000 PM",
                    "StartTimeOffset: 0x00000366 = 870 = 14:30",
                ),
                (
                    "StartDateTime: 0x0CDB6DE6 = 02:30:00.000 PM 2/17/2011",
                    "StartDateTime: 0x0CDB6DE6 = 215707110 = 2011-02-17 14:30",
                ),
                (
                    "OverrideFlags: 0x0282 = ARO_MEETINGTYPE | ARO_SUBTYPE | ARO_EXCEPTIONAL_BODY",
                    "OverrideFlags: 0x0282 = 642 = ARO_MEETINGTYPE | ARO_SUBTYPE | ARO_EXCEPTIONAL_BODY",
                ),
                (
                    "MeetingType: 0x00000001 = asfMeeting",
                    "MeetingType: 0x00000001 = 1 = asfMeeting",
                ),
                (
                    "ChangeHighlightValue: 0x00000180 = BIT_CH_BODY | BIT_CH_CUSTOM",
                    "ChangeHighlightValue: 0x00000180 = 384 = BIT_CH_BODY | BIT_CH_CUSTOM",
                ),
            ],
        );
    }

    #[test]
    fn decode_mfcmapi_timezonedefinition_1_shows_published_values() {
        spot_check(
            Kind::TzDef,
            "tzdefinition",
            "mfcmapi-TIMEZONEDEFINITION-1",
            &[
                ("cbHeader = 0x0030 (48)", "cbHeader: 0x0030 = 48"),
                ("cchKeyName = 0x0015 (21)", "cchKeyName: 0x0015 = 21"),
                (
                    "szKeyName = Eastern Standard Time",
                    "KeyName: \"Eastern Standard Time\"",
                ),
                ("cRules = 0x0002 (2)", "cRules: 0x0002 = 2"),
                ("wYear = 0x07D6 (2006)", "wYear: 0x07D6 = 2006"),
                (
                    "wTZRuleFlags = 0x0002 = TZRULE_FLAG_EFFECTIVE_TZREG",
                    "wFlags: 0x0002 = 2 = TZRULE_FLAG_EFFECTIVE_TZREG",
                ),
                ("lBias = 0x0000012C (300)", "lBias: 0x0000012C = 300"),
                (
                    "lDaylightBias = 0xFFFFFFC4 (-60)",
                    "lDaylightBias: 0xFFFFFFC4 = -60",
                ),
                // Rule 0: the last Sunday of October and the first Sunday of April (US rules before 2007).
                (
                    "wMonth = 0xA (10)",
                    "stStandardDate: the last Sunday of October at 02:00",
                ),
                (
                    "wMonth = 0x4 (4)",
                    "stDaylightDate: the first Sunday of April at 02:00",
                ),
            ],
        );
    }

    #[test]
    fn decode_mfcmapi_globalobjectid_1_shows_published_values() {
        spot_check(
            Kind::Goid,
            "global_object_id",
            "mfcmapi-GLOBALOBJECTID-1",
            &[
                (
                    "cb: 16 lpb: 040000008200E00074C5B7101A82E008",
                    "ByteArrayID: 040000008200E00074C5B7101A82E008 = the GlobalObjectId class id",
                ),
                (
                    "Creation Time = 0x01CAE532:0xF509DBF0 = 11:23:55.567 AM 4/26/2010",
                    "CreationTime: 0x01CAE532:0xF509DBF0 = 2010-04-26 11:23:55.567",
                ),
                ("Size: 0x10 = 16", "Size: 0x00000010 = 16"),
                (
                    "cb: 16 lpb: E73C73F73F1C3941BDD6450F640703F3",
                    "Data: 16 bytes E73C73F73F1C3941BDD6450F640703F3",
                ),
            ],
        );
    }

    #[test]
    fn decode_oxocal_pacific_tzreg_shows_published_values() {
        spot_check(
            Kind::TzReg,
            "tzstruct",
            "oxocal-4.1.5-pacific-tzreg",
            &[
                ("lBias: 480 (E0 01 00 00)", "lBias: 0x000001E0 = 480"),
                (
                    "lDaylightBias: -60 (C4 FF FF FF)",
                    "lDaylightBias: 0xFFFFFFC4 = -60",
                ),
                (
                    "(first Sunday of November, 2:00 AM)",
                    "stStandardDate: the first Sunday of November at 02:00",
                ),
                (
                    "(second Sunday of March, 2:00 AM)",
                    "stDaylightDate: the second Sunday of March at 02:00",
                ),
            ],
        );
    }

    #[test]
    fn decode_auto_guesses_each_vector_kind() {
        for (dir, name, kind) in [
            (
                "appointment_recur",
                "mfcmapi-APPOINTMENTRECURRENCEPATTERN-1",
                Kind::Recur,
            ),
            (
                "recurrence_pattern",
                "mfcmapi-RECURRENCEPATTERN-1",
                Kind::Pattern,
            ),
            ("tzdefinition", "mfcmapi-TIMEZONEDEFINITION-1", Kind::TzDef),
            ("tzstruct", "oxocal-4.1.5-pacific-tzreg", Kind::TzReg),
            ("global_object_id", "mfcmapi-GLOBALOBJECTID-1", Kind::Goid),
        ] {
            let (bytes, _) = vector(dir, name);
            assert_eq!(Kind::guess(&bytes), Some(kind), "{name}");
        }
    }

    #[test]
    fn decode_error_names_structure_and_offset() {
        // Twelve bytes of a RecurrencePattern: the blob ends inside FirstDateTime (offset 10).
        let e = render(
            Kind::Pattern,
            &parse_hex("04300430 0B200100 0000 C021").unwrap(),
        )
        .unwrap_err();
        assert_eq!(e.structure(), "RecurrencePattern");
        assert_eq!(e.offset(), 10);
    }

    #[test]
    fn parse_hex_ignores_whitespace_and_rejects_odd_digits() {
        assert_eq!(
            parse_hex("0x04 30\n04\t30").unwrap(),
            [0x04, 0x30, 0x04, 0x30]
        );
        assert!(parse_hex("043").is_err());
        assert!(parse_hex("zz").is_err());
    }
}
