//! AppointmentRecurrencePattern ([MS-OXOCAL] 2.2.1.44.5), ExceptionInfo (2.2.1.44.2) and
//! ExtendedException (2.2.1.44.4): the value of PidLidAppointmentRecur.
//!
//! The RecurrencePattern must decode completely; after it the decoder reads as far as the
//! bytes go. A blob that stops early (OpenChange's crash reports stop right after
//! ExceptionCount) is returned with a [`Truncation`] and a [`DiagKind::TruncatedTail`]
//! diagnostic instead of an error, and every rule of formats.md §3 is checked.

use std::collections::BTreeMap;

use crate::diag::{Decoded, DiagKind, DiagSeverity, Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::props::{CP_WINDOWS_1252, decode_string8};
use crate::reader::Reader;
use crate::time::{MINUTES_PER_DAY, format_minutes, minutes_to_date, minutes_to_naive};
use chrono::NaiveDateTime;

use super::pattern::{PatternUse, RecurrencePattern, check_pattern, read_pattern};

/// ReaderVersion2 of every AppointmentRecurrencePattern ([MS-OXOCAL] 2.2.1.44.5).
pub const READER_VERSION2: u32 = 0x3006;

/// WriterVersion2 written by Outlook 2003 and Kopano; no ChangeHighlight in ExtendedException.
pub const WRITER_VERSION2_2003: u32 = 0x3008;

/// WriterVersion2 of current writers; from this value on ExtendedException carries ChangeHighlight.
pub const WRITER_VERSION2: u32 = 0x3009;

/// Size of the fixed part of an ExceptionInfo (start, end, original start, flags).
pub const EXCEPTION_INFO_FIXED_SIZE: usize = 14;

/// Size of the fixed fields between the RecurrencePattern and the ExceptionInfo array.
pub const TAIL_HEADER_SIZE: usize = 18;

const STRUCTURE: &str = "AppointmentRecurrencePattern";
const EXCEPTION_INFO: &str = "ExceptionInfo";
const EXTENDED_EXCEPTION: &str = "ExtendedException";

/// OverrideFlags of an ExceptionInfo ([MS-OXOCAL] 2.2.1.44.2): which fields the exception overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OverrideFlags(pub u16);

impl OverrideFlags {
    /// 0x0001: Subject (and WideCharSubject) present.
    pub const ARO_SUBJECT: OverrideFlags = OverrideFlags(0x0001);
    /// 0x0002: MeetingType (the exception's PidLidAppointmentStateFlags) present.
    pub const ARO_MEETINGTYPE: OverrideFlags = OverrideFlags(0x0002);
    /// 0x0004: ReminderDelta present.
    pub const ARO_REMINDERDELTA: OverrideFlags = OverrideFlags(0x0004);
    /// 0x0008: ReminderSet present.
    pub const ARO_REMINDER: OverrideFlags = OverrideFlags(0x0008);
    /// 0x0010: Location (and WideCharLocation) present.
    pub const ARO_LOCATION: OverrideFlags = OverrideFlags(0x0010);
    /// 0x0020: BusyStatus present.
    pub const ARO_BUSYSTATUS: OverrideFlags = OverrideFlags(0x0020);
    /// 0x0040: Attachment present.
    pub const ARO_ATTACHMENT: OverrideFlags = OverrideFlags(0x0040);
    /// 0x0080: SubType (all-day flag) present.
    pub const ARO_SUBTYPE: OverrideFlags = OverrideFlags(0x0080);
    /// 0x0100: AppointmentColor present.
    pub const ARO_APPTCOLOR: OverrideFlags = OverrideFlags(0x0100);
    /// 0x0200: the exception has its own body; adds no field.
    pub const ARO_EXCEPTIONAL_BODY: OverrideFlags = OverrideFlags(0x0200);
    /// Every defined bit.
    pub const ALL: OverrideFlags = OverrideFlags(0x03FF);

    /// Names in bit order, as MFCMAPI prints them.
    pub const NAMES: [(OverrideFlags, &'static str); 10] = [
        (Self::ARO_SUBJECT, "ARO_SUBJECT"),
        (Self::ARO_MEETINGTYPE, "ARO_MEETINGTYPE"),
        (Self::ARO_REMINDERDELTA, "ARO_REMINDERDELTA"),
        (Self::ARO_REMINDER, "ARO_REMINDER"),
        (Self::ARO_LOCATION, "ARO_LOCATION"),
        (Self::ARO_BUSYSTATUS, "ARO_BUSYSTATUS"),
        (Self::ARO_ATTACHMENT, "ARO_ATTACHMENT"),
        (Self::ARO_SUBTYPE, "ARO_SUBTYPE"),
        (Self::ARO_APPTCOLOR, "ARO_APPTCOLOR"),
        (Self::ARO_EXCEPTIONAL_BODY, "ARO_EXCEPTIONAL_BODY"),
    ];

    /// True when every bit of `other` is set.
    pub fn contains(self, other: OverrideFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// True when any bit of `other` is set.
    pub fn intersects(self, other: OverrideFlags) -> bool {
        self.0 & other.0 != 0
    }

    /// Bits outside the defined ARO_* set.
    pub fn unknown_bits(self) -> u16 {
        self.0 & !Self::ALL.0
    }

    /// Names of the defined bits that are set.
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .filter(|(f, _)| self.contains(*f))
            .map(|(_, n)| *n)
            .collect()
    }
}

impl core::ops::BitOr for OverrideFlags {
    type Output = OverrideFlags;

    fn bitor(self, rhs: OverrideFlags) -> OverrideFlags {
        OverrideFlags(self.0 | rhs.0)
    }
}

/// An 8-bit string of ExceptionInfo with both of its length fields ([MS-OXOCAL] 2.2.1.44.2).
///
/// Length MUST be Length2 + 1; the decoder reads Length2 bytes and keeps both lengths as
/// stored. The bytes are in the message code page and are not NUL-terminated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AnsiString {
    /// SubjectLength / LocationLength.
    pub length: u16,
    /// SubjectLength2 / LocationLength2: the number of bytes that follow.
    pub length2: u16,
    /// Subject / Location, raw.
    pub bytes: Vec<u8>,
}

impl AnsiString {
    /// A well-formed string (Length = Length2 + 1) holding `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        let length2 = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
        AnsiString {
            length: length2.saturating_add(1),
            length2,
            bytes,
        }
    }

    /// The text in code page `codepage` (1252 when unknown), trailing NULs dropped.
    pub fn text(&self, codepage: u16) -> String {
        decode_string8(&self.bytes, codepage).into()
    }
}

/// A UTF-16LE string of ExtendedException, preceded by its length in code units.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct WideString {
    /// The code units as stored (unpaired surrogates are kept).
    pub units: Vec<u16>,
}

impl WideString {
    /// A string holding the UTF-16 form of `text`.
    pub fn new(text: &str) -> Self {
        WideString {
            units: text.encode_utf16().collect(),
        }
    }

    /// The text, with unpaired surrogates replaced.
    pub fn text(&self) -> String {
        String::from_utf16_lossy(&self.units)
    }
}

/// ExceptionInfo ([MS-OXOCAL] 2.2.1.44.2): one modified instance.
///
/// Each optional field is present exactly when its ARO_* bit is set in [`Self::override_flags`]
/// (the decoder follows the flags; the encoder writes whatever fields are `Some`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ExceptionInfo {
    /// Byte offset of this ExceptionInfo in the blob.
    pub offset: usize,
    /// StartDateTime: new start, local minutes since 1601.
    pub start_date_time: u32,
    /// EndDateTime: new end, local minutes since 1601.
    pub end_date_time: u32,
    /// OriginalStartDate: start of the instance this exception replaces.
    pub original_start_date: u32,
    /// OverrideFlags.
    pub override_flags: OverrideFlags,
    /// SubjectLength, SubjectLength2, Subject (ARO_SUBJECT).
    pub subject: Option<AnsiString>,
    /// MeetingType (ARO_MEETINGTYPE): PidLidAppointmentStateFlags of the exception.
    pub meeting_type: Option<u32>,
    /// ReminderDelta (ARO_REMINDERDELTA), minutes.
    pub reminder_delta: Option<u32>,
    /// ReminderSet (ARO_REMINDER).
    pub reminder_set: Option<u32>,
    /// LocationLength, LocationLength2, Location (ARO_LOCATION).
    pub location: Option<AnsiString>,
    /// BusyStatus (ARO_BUSYSTATUS).
    pub busy_status: Option<u32>,
    /// Attachment (ARO_ATTACHMENT).
    pub attachment: Option<u32>,
    /// SubType (ARO_SUBTYPE): all-day flag.
    pub sub_type: Option<u32>,
    /// AppointmentColor (ARO_APPTCOLOR).
    pub appointment_color: Option<u32>,
}

impl ExceptionInfo {
    /// StartDateTime as a local date and time.
    pub fn start(&self) -> NaiveDateTime {
        minutes_to_naive(self.start_date_time)
    }

    /// EndDateTime as a local date and time.
    pub fn end(&self) -> NaiveDateTime {
        minutes_to_naive(self.end_date_time)
    }

    /// OriginalStartDate as a local date and time.
    pub fn original_start(&self) -> NaiveDateTime {
        minutes_to_naive(self.original_start_date)
    }
}

/// ChangeHighlight ([MS-OXOCAL] 2.2.1.44.3), present when WriterVersion2 >= 0x3009.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ChangeHighlight {
    /// ChangeHighlightSize: bytes of ChangeHighlightValue plus Reserved (4 in practice).
    pub size: u32,
    /// ChangeHighlightValue (PidLidChangeHighlight bits); 0 when the size is below 4.
    pub value: u32,
    /// Reserved: the size − 4 bytes after the value, or all of them when the size is below 4.
    pub reserved: Vec<u8>,
}

/// ExtendedException ([MS-OXOCAL] 2.2.1.44.4), paired by index with an [`ExceptionInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ExtendedException {
    /// Byte offset of this ExtendedException in the blob.
    pub offset: usize,
    /// ChangeHighlight (WriterVersion2 >= 0x3009).
    pub change_highlight: Option<ChangeHighlight>,
    /// ReservedBlockEE1 (its size MUST be 0).
    pub reserved_block_ee1: Vec<u8>,
    /// StartDateTime (ARO_SUBJECT or ARO_LOCATION); MUST equal the ExceptionInfo's.
    pub start_date_time: Option<u32>,
    /// EndDateTime (ARO_SUBJECT or ARO_LOCATION).
    pub end_date_time: Option<u32>,
    /// OriginalStartDate (ARO_SUBJECT or ARO_LOCATION).
    pub original_start_date: Option<u32>,
    /// WideCharSubjectLength, WideCharSubject (ARO_SUBJECT).
    pub wide_char_subject: Option<WideString>,
    /// WideCharLocationLength, WideCharLocation (ARO_LOCATION; formats.md §9.8).
    pub wide_char_location: Option<WideString>,
    /// ReservedBlockEE2 (ARO_SUBJECT or ARO_LOCATION; its size MUST be 0).
    pub reserved_block_ee2: Option<Vec<u8>>,
}

/// The part of the tail at which a short blob stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TailSection {
    /// ReaderVersion2 .. ExceptionCount (18 bytes).
    Header,
    /// The ExceptionInfo array.
    ExceptionInfo,
    /// ReservedBlock1Size and ReservedBlock1.
    ReservedBlock1,
    /// The ExtendedException array.
    ExtendedException,
    /// ReservedBlock2Size and ReservedBlock2.
    ReservedBlock2,
}

/// Where a short AppointmentRecurrencePattern stops.
///
/// Everything before `section` decoded completely; within an array section the complete
/// entries are kept. The blob ends at `offset + partial.len()`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Truncation {
    /// Byte offset of the first missing or incomplete item.
    pub offset: usize,
    /// The section that is missing or incomplete.
    pub section: TailSection,
    /// Bytes of the incomplete item (empty when the blob ends exactly before the item).
    pub partial: Vec<u8>,
}

impl Truncation {
    /// Byte offset at which the blob ends.
    pub fn end(&self) -> usize {
        self.offset + self.partial.len()
    }
}

/// AppointmentRecurrencePattern ([MS-OXOCAL] 2.2.1.44.5), the value of PidLidAppointmentRecur.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppointmentRecurrencePattern {
    /// RecurrencePattern.
    pub pattern: RecurrencePattern,
    /// ReaderVersion2, MUST be 0x3006 (0 when the blob ends before it).
    pub reader_version2: u32,
    /// WriterVersion2: 0x3009, or 0x3008 from older writers (0 when the blob ends before it).
    pub writer_version2: u32,
    /// StartTimeOffset: minutes after midnight at which each occurrence starts.
    pub start_time_offset: u32,
    /// EndTimeOffset: minutes after midnight at which each occurrence ends.
    pub end_time_offset: u32,
    /// ExceptionCount as stored; MUST equal ModifiedInstanceCount.
    pub exception_count: u16,
    /// ExceptionInfo, as many as decoded (ExceptionCount unless truncated).
    pub exception_info: Vec<ExceptionInfo>,
    /// ReservedBlock1 (its size MUST be 0).
    pub reserved_block1: Vec<u8>,
    /// ExtendedException, as many as decoded (ExceptionCount unless truncated).
    pub extended_exception: Vec<ExtendedException>,
    /// ReservedBlock2 (its size MUST be 0).
    pub reserved_block2: Vec<u8>,
    /// Set when the blob stops before ReservedBlock2 ends.
    pub truncated: Option<Truncation>,
    /// Bytes after ReservedBlock2 (not part of the structure).
    pub trailing: Vec<u8>,
}

impl AppointmentRecurrencePattern {
    /// A blob with `pattern`, no exceptions and the current versions (0x3006 / 0x3009).
    pub fn new(pattern: RecurrencePattern, start_time_offset: u32, end_time_offset: u32) -> Self {
        AppointmentRecurrencePattern {
            pattern,
            reader_version2: READER_VERSION2,
            writer_version2: WRITER_VERSION2,
            start_time_offset,
            end_time_offset,
            exception_count: 0,
            exception_info: Vec::new(),
            reserved_block1: Vec::new(),
            extended_exception: Vec::new(),
            reserved_block2: Vec::new(),
            truncated: None,
            trailing: Vec::new(),
        }
    }

    /// True when ExtendedException carries ChangeHighlight (WriterVersion2 >= 0x3009).
    pub fn has_change_highlight(&self) -> bool {
        self.writer_version2 >= WRITER_VERSION2
    }
}

/// Decodes PidLidAppointmentRecur; ANSI exception strings are read as windows-1252.
pub fn decode_appointment_recurrence(data: &[u8]) -> Result<Decoded<AppointmentRecurrencePattern>> {
    decode_appointment_recurrence_with_codepage(data, CP_WINDOWS_1252)
}

/// Decodes PidLidAppointmentRecur, reading ANSI exception strings in `codepage`.
///
/// The code page (PidTagInternetCodepage or PidTagMessageCodepage of the item) only matters for
/// the comparison of ANSI and wide exception strings ([`DiagKind::AnsiWideMismatch`]).
pub fn decode_appointment_recurrence_with_codepage(
    data: &[u8],
    codepage: u16,
) -> Result<Decoded<AppointmentRecurrencePattern>> {
    let mut r = Reader::new(data, super::pattern::STRUCTURE);
    let (pattern, layout) = read_pattern(&mut r)?;
    let pattern_end = r.offset();
    let mut pattern_diags = Diagnostics::new();
    check_pattern(
        &pattern,
        &layout,
        PatternUse::Appointment,
        &mut pattern_diags,
    );
    let mut diags = pattern_diags.into_vec();

    let mut value = AppointmentRecurrencePattern::new(pattern, 0, 0);
    value.reader_version2 = 0;
    value.writer_version2 = 0;
    let mut tail = TailReader {
        r,
        codepage,
        diags: Vec::new(),
        rb1_at: 0,
        rb2_at: 0,
    };
    let cut = tail.read(&mut value);
    diags.append(&mut tail.diags);
    if let Some((truncation, error)) = cut {
        diags.push(truncation_diagnostic(&value, &truncation, error.as_ref()));
        value.truncated = Some(truncation);
    } else {
        value.trailing = tail.r.rest().to_vec();
        if !value.trailing.is_empty() {
            diags.push(trailing_diagnostic(&value.trailing, tail.r.offset()));
        }
    }
    let header_present = !matches!(&value.truncated, Some(t) if t.section == TailSection::Header);
    if header_present {
        check_tail(&value, pattern_end, (tail.rb1_at, tail.rb2_at), &mut diags);
    }
    Ok(Decoded {
        value,
        diagnostics: diags,
    })
}

/// Builds one diagnostic.
fn diag(
    kind: DiagKind,
    severity: DiagSeverity,
    structure: &'static str,
    field: &'static str,
    offset: usize,
    message: String,
) -> Diagnostic {
    Diagnostic {
        kind,
        severity,
        structure,
        field,
        offset,
        message,
    }
}

/// Runs `f` on a copy of the cursor and moves the cursor only when `f` succeeds.
fn attempt<'a, T>(r: &mut Reader<'a>, f: impl FnOnce(&mut Reader<'a>) -> Result<T>) -> Result<T> {
    let mut probe = r.clone();
    let value = f(&mut probe)?;
    *r = probe;
    Ok(value)
}

/// The cursor and settings used while reading the part after the RecurrencePattern.
struct TailReader<'a> {
    r: Reader<'a>,
    codepage: u16,
    diags: Vec<Diagnostic>,
    /// Offset of ReservedBlock1Size, once reached.
    rb1_at: usize,
    /// Offset of ReservedBlock2Size, once reached.
    rb2_at: usize,
}

impl TailReader<'_> {
    /// A cut at the cursor: the rest of the blob becomes the partial item.
    fn cut(&self, section: TailSection, error: Option<Error>) -> (Truncation, Option<Error>) {
        let truncation = Truncation {
            offset: self.r.offset(),
            section,
            partial: self.r.rest().to_vec(),
        };
        (truncation, error)
    }

    /// Reads everything after the RecurrencePattern into `v`; returns where it stopped early.
    fn read(
        &mut self,
        v: &mut AppointmentRecurrencePattern,
    ) -> Option<(Truncation, Option<Error>)> {
        if self.r.is_empty() {
            return Some(self.cut(TailSection::Header, None));
        }
        let header = attempt(&mut self.r, |r| {
            r.set_structure(STRUCTURE);
            Ok((
                r.u32("ReaderVersion2")?,
                r.u32("WriterVersion2")?,
                r.u32("StartTimeOffset")?,
                r.u32("EndTimeOffset")?,
                r.u16("ExceptionCount")?,
            ))
        });
        match header {
            Ok((rv2, wv2, start, end, count)) => {
                v.reader_version2 = rv2;
                v.writer_version2 = wv2;
                v.start_time_offset = start;
                v.end_time_offset = end;
                v.exception_count = count;
            }
            Err(e) => return Some(self.cut(TailSection::Header, Some(e))),
        }

        let count = usize::from(v.exception_count);
        // Each ExceptionInfo takes at least 14 bytes, which bounds the allocation.
        v.exception_info
            .reserve(count.min(self.r.remaining() / EXCEPTION_INFO_FIXED_SIZE));
        for _ in 0..count {
            let mut local = Vec::new();
            match attempt(&mut self.r, |r| read_exception_info(r, &mut local)) {
                Ok(info) => {
                    self.diags.append(&mut local);
                    v.exception_info.push(info);
                }
                Err(e) => {
                    let error = if self.r.is_empty() { None } else { Some(e) };
                    return Some(self.cut(TailSection::ExceptionInfo, error));
                }
            }
        }

        self.rb1_at = self.r.offset();
        if self.r.is_empty() {
            return Some(self.cut(TailSection::ReservedBlock1, None));
        }
        match attempt(&mut self.r, |r| {
            read_reserved_block(r, STRUCTURE, "ReservedBlock1Size", "ReservedBlock1")
        }) {
            Ok(block) => v.reserved_block1 = block,
            Err(e) => return Some(self.cut(TailSection::ReservedBlock1, Some(e))),
        }

        let change_highlight = v.has_change_highlight();
        v.extended_exception
            .reserve(count.min(self.r.remaining() / 4));
        for info in &v.exception_info {
            if self.r.is_empty() {
                return Some(self.cut(TailSection::ExtendedException, None));
            }
            let mut local = Vec::new();
            let codepage = self.codepage;
            let read = attempt(&mut self.r, |r| {
                read_extended_exception(r, info, change_highlight, codepage, &mut local)
            });
            match read {
                Ok(ee) => {
                    self.diags.append(&mut local);
                    v.extended_exception.push(ee);
                }
                Err(e) => return Some(self.cut(TailSection::ExtendedException, Some(e))),
            }
        }

        self.rb2_at = self.r.offset();
        if self.r.is_empty() {
            return Some(self.cut(TailSection::ReservedBlock2, None));
        }
        match attempt(&mut self.r, |r| {
            read_reserved_block(r, STRUCTURE, "ReservedBlock2Size", "ReservedBlock2")
        }) {
            Ok(block) => v.reserved_block2 = block,
            Err(e) => return Some(self.cut(TailSection::ReservedBlock2, Some(e))),
        }
        None
    }
}

/// Reads a u32 size and that many bytes.
fn read_reserved_block(
    r: &mut Reader<'_>,
    structure: &'static str,
    size_field: &'static str,
    field: &'static str,
) -> Result<Vec<u8>> {
    r.set_structure(structure);
    let size = r.u32(size_field)?;
    Ok(r.bytes(size as usize, field)?.to_vec())
}

/// Reads an ANSI string (Length, Length2, bytes) and checks its lengths.
fn read_ansi(
    r: &mut Reader<'_>,
    names: (&'static str, &'static str, &'static str),
    diags: &mut Vec<Diagnostic>,
) -> Result<AnsiString> {
    let (length_field, length2_field, field) = names;
    let at = r.offset();
    let length = r.u16(length_field)?;
    let length2 = r.u16(length2_field)?;
    let bytes = r.bytes(usize::from(length2), field)?.to_vec();
    if u32::from(length) != u32::from(length2) + 1 {
        diags.push(diag(
            DiagKind::StringLengthMismatch,
            DiagSeverity::Error,
            EXCEPTION_INFO,
            length_field,
            at,
            format!("{length_field} is {length} but MUST be {length2_field} ({length2}) + 1"),
        ));
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        // CalCheck 0013: the string readers render is shorter than Length2 says.
        diags.push(diag(
            DiagKind::StringLengthMismatch,
            DiagSeverity::Error,
            EXCEPTION_INFO,
            field,
            at + 4 + pos,
            format!("{field} has a NUL byte at position {pos}, so it reads shorter than {length2_field} ({length2})"),
        ));
    }
    Ok(AnsiString {
        length,
        length2,
        bytes,
    })
}

/// Reads one ExceptionInfo ([MS-OXOCAL] 2.2.1.44.2); diagnostics about its own fields go to `diags`.
fn read_exception_info(r: &mut Reader<'_>, diags: &mut Vec<Diagnostic>) -> Result<ExceptionInfo> {
    r.set_structure(EXCEPTION_INFO);
    let offset = r.offset();
    let start_date_time = r.u32("StartDateTime")?;
    let end_date_time = r.u32("EndDateTime")?;
    let original_start_date = r.u32("OriginalStartDate")?;
    let flags_at = r.offset();
    let override_flags = OverrideFlags(r.u16("OverrideFlags")?);
    if override_flags.unknown_bits() != 0 {
        diags.push(diag(
            DiagKind::UnknownOverrideFlags,
            DiagSeverity::Error,
            EXCEPTION_INFO,
            "OverrideFlags",
            flags_at,
            format!(
                "OverrideFlags {:#06x} has undefined bits {:#06x} (defined: 0x03FF)",
                override_flags.0,
                override_flags.unknown_bits()
            ),
        ));
    }
    let has = |f: OverrideFlags| override_flags.contains(f);
    let u32_if =
        |r: &mut Reader<'_>, f: OverrideFlags, name: &'static str| -> Result<Option<u32>> {
            if has(f) {
                r.u32(name).map(Some)
            } else {
                Ok(None)
            }
        };
    let subject = if has(OverrideFlags::ARO_SUBJECT) {
        Some(read_ansi(
            r,
            ("SubjectLength", "SubjectLength2", "Subject"),
            diags,
        )?)
    } else {
        None
    };
    let meeting_type = u32_if(r, OverrideFlags::ARO_MEETINGTYPE, "MeetingType")?;
    let reminder_delta = u32_if(r, OverrideFlags::ARO_REMINDERDELTA, "ReminderDelta")?;
    let reminder_set = u32_if(r, OverrideFlags::ARO_REMINDER, "ReminderSet")?;
    let location = if has(OverrideFlags::ARO_LOCATION) {
        Some(read_ansi(
            r,
            ("LocationLength", "LocationLength2", "Location"),
            diags,
        )?)
    } else {
        None
    };
    let busy_status = u32_if(r, OverrideFlags::ARO_BUSYSTATUS, "BusyStatus")?;
    let attachment = u32_if(r, OverrideFlags::ARO_ATTACHMENT, "Attachment")?;
    let sub_type = u32_if(r, OverrideFlags::ARO_SUBTYPE, "SubType")?;
    let appointment_color = u32_if(r, OverrideFlags::ARO_APPTCOLOR, "AppointmentColor")?;
    Ok(ExceptionInfo {
        offset,
        start_date_time,
        end_date_time,
        original_start_date,
        override_flags,
        subject,
        meeting_type,
        reminder_delta,
        reminder_set,
        location,
        busy_status,
        attachment,
        sub_type,
        appointment_color,
    })
}

/// Reads one ExtendedException ([MS-OXOCAL] 2.2.1.44.4) paired with `info`, checking it against `info`.
fn read_extended_exception(
    r: &mut Reader<'_>,
    info: &ExceptionInfo,
    change_highlight: bool,
    codepage: u16,
    diags: &mut Vec<Diagnostic>,
) -> Result<ExtendedException> {
    use DiagSeverity::{Error, Warning};
    r.set_structure(EXTENDED_EXCEPTION);
    let offset = r.offset();
    let mut ee = ExtendedException {
        offset,
        ..ExtendedException::default()
    };
    if change_highlight {
        let at = r.offset();
        let size = r.u32("ChangeHighlightSize")?;
        let ch = if size >= 4 {
            let value = r.u32("ChangeHighlightValue")?;
            let reserved = r.bytes(size as usize - 4, "Reserved")?.to_vec();
            ChangeHighlight {
                size,
                value,
                reserved,
            }
        } else {
            diags.push(diag(
                DiagKind::BadChangeHighlightSize,
                Error,
                EXTENDED_EXCEPTION,
                "ChangeHighlightSize",
                at,
                format!(
                    "ChangeHighlightSize is {size}, too small for the 4-byte ChangeHighlightValue"
                ),
            ));
            ChangeHighlight {
                size,
                value: 0,
                reserved: r.bytes(size as usize, "Reserved")?.to_vec(),
            }
        };
        ee.change_highlight = Some(ch);
    }
    let ee1_at = r.offset();
    ee.reserved_block_ee1 = read_reserved_block(
        r,
        EXTENDED_EXCEPTION,
        "ReservedBlockEE1Size",
        "ReservedBlockEE1",
    )?;
    if !ee.reserved_block_ee1.is_empty() {
        diags.push(diag(
            DiagKind::NonZeroReserved,
            Warning,
            EXTENDED_EXCEPTION,
            "ReservedBlockEE1Size",
            ee1_at,
            format!(
                "ReservedBlockEE1Size is {} but MUST be 0",
                ee.reserved_block_ee1.len()
            ),
        ));
    }
    let flags = info.override_flags;
    if !flags.intersects(OverrideFlags::ARO_SUBJECT | OverrideFlags::ARO_LOCATION) {
        return Ok(ee);
    }
    let times = [
        ("StartDateTime", info.start_date_time),
        ("EndDateTime", info.end_date_time),
        ("OriginalStartDate", info.original_start_date),
    ];
    let mut read_times = [0u32; 3];
    for (slot, (name, expected)) in read_times.iter_mut().zip(times) {
        let at = r.offset();
        *slot = r.u32(name)?;
        if *slot != expected {
            diags.push(diag(
                DiagKind::ExtendedExceptionMismatch,
                Error,
                EXTENDED_EXCEPTION,
                name,
                at,
                format!(
                    "{name} {} differs from the ExceptionInfo's {}",
                    format_minutes(*slot),
                    format_minutes(expected)
                ),
            ));
        }
    }
    let [start, end, original] = read_times;
    ee.start_date_time = Some(start);
    ee.end_date_time = Some(end);
    ee.original_start_date = Some(original);
    if flags.contains(OverrideFlags::ARO_SUBJECT) {
        let at = r.offset();
        let len = r.u16("WideCharSubjectLength")?;
        let wide = WideString {
            units: r.utf16(usize::from(len), "WideCharSubject")?,
        };
        if let Some(ansi) = &info.subject {
            compare_strings(ansi, &wide, codepage, "WideCharSubject", at, diags);
        }
        ee.wide_char_subject = Some(wide);
    }
    if flags.contains(OverrideFlags::ARO_LOCATION) {
        let at = r.offset();
        let len = r.u16("WideCharLocationLength")?;
        let wide = WideString {
            units: r.utf16(usize::from(len), "WideCharLocation")?,
        };
        if let Some(ansi) = &info.location {
            compare_strings(ansi, &wide, codepage, "WideCharLocation", at, diags);
        }
        ee.wide_char_location = Some(wide);
    }
    let ee2_at = r.offset();
    let ee2 = read_reserved_block(
        r,
        EXTENDED_EXCEPTION,
        "ReservedBlockEE2Size",
        "ReservedBlockEE2",
    )?;
    if !ee2.is_empty() {
        diags.push(diag(
            DiagKind::NonZeroReserved,
            Warning,
            EXTENDED_EXCEPTION,
            "ReservedBlockEE2Size",
            ee2_at,
            format!("ReservedBlockEE2Size is {} but MUST be 0", ee2.len()),
        ));
    }
    ee.reserved_block_ee2 = Some(ee2);
    Ok(ee)
}

/// Compares an ANSI string with its wide twin after code-page conversion (formats.md §9.25).
///
/// A `?` in the ANSI text stands for a character the code page cannot hold, so it matches any
/// non-ASCII wide character: that loss is what every ANSI copy of such a string shows.
fn compare_strings(
    ansi: &AnsiString,
    wide: &WideString,
    codepage: u16,
    field: &'static str,
    offset: usize,
    diags: &mut Vec<Diagnostic>,
) {
    if ascii_equal(ansi, wide, codepage) == Some(true) {
        return;
    }
    let a = ansi.text(codepage);
    let w = wide.text();
    let lossy_equal = a.chars().count() == w.chars().count()
        && a.chars()
            .zip(w.chars())
            .all(|(ca, cw)| ca == cw || (ca == '?' && !cw.is_ascii()));
    if !lossy_equal {
        diags.push(diag(
            DiagKind::AnsiWideMismatch,
            DiagSeverity::Warning,
            EXTENDED_EXCEPTION,
            field,
            offset,
            format!("{field} {w:?} differs from the ExceptionInfo's ANSI string {a:?} (code page {codepage})"),
        ));
    }
}

/// The comparison of [`compare_strings`] for the common case of two ASCII strings, without decoding
/// either: `None` unless both are ASCII and the code page decodes ASCII bytes as themselves (as every
/// code page does except UTF-16 and the ISO-2022 family). The ANSI string's trailing NULs are not
/// part of its text; the wide string's units are all of its text.
fn ascii_equal(ansi: &AnsiString, wide: &WideString, codepage: u16) -> Option<bool> {
    let bytes = ansi.bytes.as_slice();
    let bytes = bytes
        .get(..bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1))
        .unwrap_or_default();
    let transparent = codepage != crate::props::CP_UTF16LE
        && codepage::to_encoding(codepage)
            .unwrap_or(encoding_rs::WINDOWS_1252)
            .is_ascii_compatible();
    if !transparent || !bytes.is_ascii() || !wide.units.iter().all(|&u| u < 0x80) {
        return None;
    }
    Some(
        bytes.len() == wide.units.len()
            && bytes
                .iter()
                .zip(&wide.units)
                .all(|(&b, &u)| u16::from(b) == u),
    )
}

/// The diagnostic for a blob that stops before ReservedBlock2 ends.
fn truncation_diagnostic(
    v: &AppointmentRecurrencePattern,
    t: &Truncation,
    error: Option<&Error>,
) -> Diagnostic {
    use DiagSeverity::{Error, Warning};
    let detail = error.map(|e| format!(" ({e})")).unwrap_or_default();
    let boundary = t.partial.is_empty();
    let (severity, field, message) = match t.section {
        TailSection::Header if boundary => (
            Error,
            "ReaderVersion2",
            "the blob ends right after the RecurrencePattern: no ReaderVersion2, time offsets or exceptions".to_owned(),
        ),
        TailSection::Header => (
            Error,
            "ReaderVersion2",
            format!("the blob ends inside the 18 bytes after the RecurrencePattern{detail}"),
        ),
        TailSection::ExceptionInfo => (
            Error,
            "ExceptionInfo",
            format!(
                "the blob ends after {} of {} ExceptionInfo entries{detail}",
                v.exception_info.len(),
                v.exception_count
            ),
        ),
        // Readers that stop here (OpenChange, Kopano) still have every exception's times and
        // ANSI strings; only the reserved sizes and the wide strings are missing.
        TailSection::ReservedBlock1 if boundary => (
            Warning,
            "ReservedBlock1Size",
            "the blob ends before ReservedBlock1Size (no ExtendedException data)".to_owned(),
        ),
        TailSection::ReservedBlock1 => (
            Error,
            "ReservedBlock1Size",
            format!("ReservedBlock1 does not fit in the blob{detail}"),
        ),
        TailSection::ExtendedException if boundary => (
            Warning,
            "ExtendedException",
            format!(
                "the blob ends after {} of {} ExtendedException entries",
                v.extended_exception.len(),
                v.exception_count
            ),
        ),
        TailSection::ExtendedException => (
            Error,
            "ExtendedException",
            format!(
                "the blob ends inside ExtendedException[{}]{detail}",
                v.extended_exception.len()
            ),
        ),
        TailSection::ReservedBlock2 if boundary => (
            Warning,
            "ReservedBlock2Size",
            "the blob ends before ReservedBlock2Size".to_owned(),
        ),
        TailSection::ReservedBlock2 => (
            Error,
            "ReservedBlock2Size",
            format!("ReservedBlock2 does not fit in the blob{detail}"),
        ),
    };
    diag(
        DiagKind::TruncatedTail,
        severity,
        STRUCTURE,
        field,
        t.offset,
        message,
    )
}

/// The diagnostic for bytes after ReservedBlock2.
fn trailing_diagnostic(trailing: &[u8], offset: usize) -> Diagnostic {
    // Outlook itself leaves zero padding after the structure (msgreader "7 days everyday");
    // other bytes usually are the remains of an older, longer blob (MFCMAPI vector 2).
    let all_zero = trailing.iter().all(|&b| b == 0);
    let (severity, what) = if all_zero {
        (DiagSeverity::Info, "zero byte(s)")
    } else {
        (DiagSeverity::Warning, "byte(s)")
    };
    diag(
        DiagKind::TrailingBytes,
        severity,
        STRUCTURE,
        "ReservedBlock2",
        offset,
        format!(
            "{} {what} follow the end of the AppointmentRecurrencePattern",
            trailing.len()
        ),
    )
}

/// Cross-field rules of formats.md §3.3 and §3.4, run once the tail header has been read.
fn check_tail(
    v: &AppointmentRecurrencePattern,
    pattern_end: usize,
    (rb1_at, rb2_at): (usize, usize),
    diags: &mut Vec<Diagnostic>,
) {
    use DiagKind as K;
    use DiagSeverity::{Error, Info, Warning};
    let p = &v.pattern;
    let at = pattern_end;
    if v.reader_version2 != READER_VERSION2 {
        diags.push(diag(
            K::BadVersion,
            Error,
            STRUCTURE,
            "ReaderVersion2",
            at,
            format!(
                "ReaderVersion2 is {:#010x}, expected 0x00003006",
                v.reader_version2
            ),
        ));
    }
    match v.writer_version2 {
        WRITER_VERSION2_2003 | WRITER_VERSION2 => {}
        wv if wv < READER_VERSION2 => diags.push(diag(
            K::BadVersion,
            Warning,
            STRUCTURE,
            "WriterVersion2",
            at + 4,
            format!("WriterVersion2 {wv:#010x} is older than ReaderVersion2 0x3006"),
        )),
        // 0x3006 and 0x3007 occur in real crash reports (OpenChange); newer values are read as 0x3009.
        wv => diags.push(diag(
            K::UnusualWriterVersion2,
            Info,
            STRUCTURE,
            "WriterVersion2",
            at + 4,
            format!("WriterVersion2 {wv:#010x} is neither 0x3008 nor 0x3009"),
        )),
    }
    if v.start_time_offset >= MINUTES_PER_DAY {
        diags.push(diag(
            K::OutOfRange,
            Error,
            STRUCTURE,
            "StartTimeOffset",
            at + 8,
            format!(
                "StartTimeOffset {} is not a time of day (0..=1439 minutes)",
                v.start_time_offset
            ),
        ));
    }
    if v.end_time_offset < v.start_time_offset {
        diags.push(diag(
            K::OutOfRange,
            Error,
            STRUCTURE,
            "EndTimeOffset",
            at + 12,
            format!(
                "EndTimeOffset {} is before StartTimeOffset {}",
                v.end_time_offset, v.start_time_offset
            ),
        ));
    }
    let modified = p.modified_instance_dates.len();
    if usize::from(v.exception_count) != modified {
        diags.push(diag(
            K::ExceptionCountMismatch,
            Error,
            STRUCTURE,
            "ExceptionCount",
            at + 16,
            format!(
                "ExceptionCount {} differs from ModifiedInstanceCount {modified}",
                v.exception_count
            ),
        ));
    }
    if !v.reserved_block1.is_empty() {
        diags.push(diag(
            K::NonZeroReserved,
            Warning,
            STRUCTURE,
            "ReservedBlock1Size",
            rb1_at,
            format!(
                "ReservedBlock1Size is {} but MUST be 0",
                v.reserved_block1.len()
            ),
        ));
    }
    if !v.reserved_block2.is_empty() {
        diags.push(diag(
            K::NonZeroReserved,
            Warning,
            STRUCTURE,
            "ReservedBlock2Size",
            rb2_at,
            format!(
                "ReservedBlock2Size is {} but MUST be 0",
                v.reserved_block2.len()
            ),
        ));
    }
    check_exceptions(v, diags);
}

/// Rules about each exception and about the set of exceptions (formats.md §3.4).
fn check_exceptions(v: &AppointmentRecurrencePattern, diags: &mut Vec<Diagnostic>) {
    use DiagKind as K;
    use DiagSeverity::{Error, Info};
    let p = &v.pattern;
    let series_start = u64::from(p.start_date);
    // CalCheck 0015 flags an original start at or after EndDate + EndTimeOffset; a zero-length
    // series keeps its last instance (which starts at EndDate + StartTimeOffset) inside.
    let series_end = u64::from(p.end_date)
        + u64::from(v.end_time_offset.max(v.start_time_offset.saturating_add(1)));
    let mut originals: BTreeMap<u32, usize> = BTreeMap::new();
    for (i, info) in v.exception_info.iter().enumerate() {
        let at = info.offset;
        if info.end_date_time < info.start_date_time {
            diags.push(diag(
                K::ExceptionEndBeforeStart,
                Error,
                EXCEPTION_INFO,
                "EndDateTime",
                at + 4,
                format!(
                    "ExceptionInfo[{i}] ends at {} before it starts at {}",
                    format_minutes(info.end_date_time),
                    format_minutes(info.start_date_time)
                ),
            ));
        }
        let orig = u64::from(info.original_start_date);
        if orig < series_start || orig >= series_end {
            let side = if orig < series_start {
                "before the series starts"
            } else {
                "after the series ends"
            };
            diags.push(diag(
                K::ExceptionOutsideSeries,
                Error,
                EXCEPTION_INFO,
                "OriginalStartDate",
                at + 8,
                format!(
                    "ExceptionInfo[{i}] OriginalStartDate {} is {side}",
                    format_minutes(info.original_start_date)
                ),
            ));
        }
        let orig_day = info.original_start_date - info.original_start_date % MINUTES_PER_DAY;
        if !p.deleted_instance_dates.contains(&orig_day) {
            diags.push(diag(
                K::ExceptionNotDeleted,
                Error,
                EXCEPTION_INFO,
                "OriginalStartDate",
                at + 8,
                format!(
                    "ExceptionInfo[{i}] OriginalStartDate {} is not among the DeletedInstanceDates",
                    format_minutes(info.original_start_date)
                ),
            ));
        }
        if let Some(first) = originals.insert(info.original_start_date, i) {
            diags.push(diag(
                K::DuplicateDates,
                Error,
                EXCEPTION_INFO,
                "OriginalStartDate",
                at + 8,
                format!(
                    "ExceptionInfo[{i}] replaces the same instance ({}) as ExceptionInfo[{first}]",
                    format_minutes(info.original_start_date)
                ),
            ));
        }
    }
    for (i, pair) in v.exception_info.windows(2).enumerate() {
        if let [a, b] = pair {
            if b.start_date_time < a.start_date_time {
                // Real Outlook blobs have this (MFCMAPI vector 4), and readers pair
                // ExtendedException by index, so the order carries no meaning.
                diags.push(diag(
                    K::ExceptionOrder,
                    Info,
                    EXCEPTION_INFO,
                    "StartDateTime",
                    b.offset,
                    format!(
                        "ExceptionInfo[{}] starts {} before ExceptionInfo[{i}] ({})",
                        i + 1,
                        minutes_to_date(b.start_date_time),
                        minutes_to_date(a.start_date_time)
                    ),
                ));
            }
        }
    }
    let complete = v.exception_info.len() == usize::from(v.exception_count);
    // Two empty lists agree; most series have no exception.
    if complete
        && !v.exception_info.is_empty()
        && v.exception_info.len() == p.modified_instance_dates.len()
    {
        let mut starts: Vec<u32> = v
            .exception_info
            .iter()
            .map(|e| e.start_date_time - e.start_date_time % MINUTES_PER_DAY)
            .collect();
        let mut modified = p.modified_instance_dates.clone();
        starts.sort_unstable();
        modified.sort_unstable();
        if starts != modified {
            let missing: Vec<String> = modified
                .iter()
                .filter(|d| !starts.contains(d))
                .map(|&d| minutes_to_date(d).to_string())
                .collect();
            let extra: Vec<String> = starts
                .iter()
                .filter(|d| !modified.contains(d))
                .map(|&d| minutes_to_date(d).to_string())
                .collect();
            diags.push(diag(
                K::ExceptionDatesMismatch,
                Error,
                EXCEPTION_INFO,
                "StartDateTime",
                v.exception_info.first().map_or(0, |e| e.offset),
                format!(
                    "the exceptions' start dates differ from ModifiedInstanceDates (not started by any exception: [{}]; exception dates not listed: [{}])",
                    missing.join(", "),
                    extra.join(", ")
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recurrence::encode::encode_appointment_recurrence;
    use crate::recurrence::pattern::{
        CalendarType, EndType, PatternType, PatternTypeSpecific, RecurFrequency,
    };
    use crate::time::naive_to_minutes;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> u32 {
        let dt = NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(hh, mm, 0)
            .unwrap();
        naive_to_minutes(dt).unwrap()
    }

    /// [MS-OXOCAL] 4.1.1.2 as a value: every Mon/Thu/Fri 10:00-10:30 from 2007-03-26, 12
    /// occurrences; the 2007-04-16 instance moved to 11:00 with a new subject and location.
    /// Offsets are those of the spec's 262-byte blob.
    fn base() -> AppointmentRecurrencePattern {
        let pattern = RecurrencePattern {
            reader_version: 0x3004,
            writer_version: 0x3004,
            recur_frequency: RecurFrequency::Weekly,
            pattern_type: PatternType::Week,
            calendar_type: CalendarType::Default,
            first_date_time: 8640,
            period: 1,
            sliding_flag: 0,
            pattern_type_specific: PatternTypeSpecific::Week { day_mask: 0x32 },
            end_type: EndType::EndAfterNOccurrences,
            occurrence_count: 12,
            first_dow: 0,
            deleted_instance_dates: vec![at(2007, 4, 16, 0, 0)],
            modified_instance_dates: vec![at(2007, 4, 16, 0, 0)],
            start_date: at(2007, 3, 26, 0, 0),
            end_date: at(2007, 4, 20, 0, 0),
        };
        let mut a = AppointmentRecurrencePattern::new(pattern, 600, 630);
        a.exception_count = 1;
        let subject = "Simple Recurrence with exceptions";
        a.exception_info.push(ExceptionInfo {
            offset: 80,
            start_date_time: at(2007, 4, 16, 11, 0),
            end_date_time: at(2007, 4, 16, 11, 30),
            original_start_date: at(2007, 4, 16, 10, 0),
            override_flags: OverrideFlags::ARO_SUBJECT | OverrideFlags::ARO_LOCATION,
            subject: Some(AnsiString::new(subject.as_bytes().to_vec())),
            location: Some(AnsiString::new(b"34/4141".to_vec())),
            ..ExceptionInfo::default()
        });
        a.extended_exception.push(ExtendedException {
            offset: 146,
            change_highlight: Some(ChangeHighlight {
                size: 4,
                value: 0,
                reserved: vec![],
            }),
            reserved_block_ee1: vec![],
            start_date_time: Some(at(2007, 4, 16, 11, 0)),
            end_date_time: Some(at(2007, 4, 16, 11, 30)),
            original_start_date: Some(at(2007, 4, 16, 10, 0)),
            wide_char_subject: Some(WideString::new(subject)),
            wide_char_location: Some(WideString::new("34/4141")),
            reserved_block_ee2: Some(vec![]),
        });
        a
    }

    /// Offsets in the spec blob: pattern 62 bytes, ExceptionInfo at 80, ReservedBlock1Size at
    /// 142, ExtendedException at 146, ReservedBlock2Size at 258, 262 bytes in all.
    const EI: usize = 80;
    const RB1: usize = 142;
    const EE: usize = 146;
    const RB2: usize = 258;

    fn decode(a: &AppointmentRecurrencePattern) -> Decoded<AppointmentRecurrencePattern> {
        decode_appointment_recurrence(&encode_appointment_recurrence(a)).unwrap()
    }

    fn diags(a: &AppointmentRecurrencePattern) -> Vec<Diagnostic> {
        decode(a).diagnostics
    }

    /// The single diagnostic of `a`, which must have `kind`.
    fn only(a: &AppointmentRecurrencePattern, kind: DiagKind) -> Diagnostic {
        let d = diags(a);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].kind, kind, "{d:#?}");
        d[0].clone()
    }

    /// Sets WriterVersion2 and adds or drops ChangeHighlight to match it.
    fn with_writer_version2(
        mut a: AppointmentRecurrencePattern,
        wv2: u32,
    ) -> AppointmentRecurrencePattern {
        a.writer_version2 = wv2;
        let ch = (wv2 >= WRITER_VERSION2).then(|| ChangeHighlight {
            size: 4,
            value: 0,
            reserved: vec![],
        });
        for ee in &mut a.extended_exception {
            ee.change_highlight.clone_from(&ch);
        }
        a
    }

    #[test]
    fn ascii_comparison_agrees_with_decoding_both_strings() {
        // The shortcut may decline (None) but never disagree with decoding both strings and comparing
        // their characters, which is what compare_strings does otherwise.
        let cases: [(&[u8], &str, u16); 8] = [
            (b"Lunch", "Lunch", 1252),
            (b"Lunch\0\0", "Lunch", 1252),
            (b"Lunch", "Lunch\0", 1252),
            (b"Lunch", "lunch", 1252),
            (b"Caf?", "Caf\u{e9}", 1252),
            (b"Room 1", "Room 1", 932),
            (b"\x1b$B", "\x1b$B", 50220),
            (b"ab", "ab", 1200),
        ];
        for (ansi, wide, codepage) in cases {
            let a = AnsiString::new(ansi.to_vec());
            let w = WideString::new(wide);
            let (at, wt) = (a.text(codepage), w.text());
            let decoded = at.chars().count() == wt.chars().count()
                && at
                    .chars()
                    .zip(wt.chars())
                    .all(|(ca, cw)| ca == cw || (ca == '?' && !cw.is_ascii()));
            if let Some(quick) = ascii_equal(&a, &w, codepage) {
                assert_eq!(quick, decoded, "{ansi:?} {wide:?} {codepage}");
            }
        }
        // ISO-2022-JP and UTF-16 do not read ASCII bytes as themselves; non-ASCII text is decoded.
        assert_eq!(
            ascii_equal(
                &AnsiString::new(b"ab".to_vec()),
                &WideString::new("ab"),
                50220
            ),
            None
        );
        assert_eq!(
            ascii_equal(
                &AnsiString::new(b"ab".to_vec()),
                &WideString::new("ab"),
                1200
            ),
            None
        );
        assert_eq!(
            ascii_equal(
                &AnsiString::new(b"Caf?".to_vec()),
                &WideString::new("Caf\u{e9}"),
                1252
            ),
            None
        );
        assert_eq!(
            ascii_equal(
                &AnsiString::new(b"Lunch\0".to_vec()),
                &WideString::new("Lunch"),
                1252
            ),
            Some(true)
        );
    }

    #[test]
    fn appointment_spec_example_round_trips_cleanly() {
        let a = base();
        let bytes = encode_appointment_recurrence(&a);
        assert_eq!(bytes.len(), 262);
        let d = decode_appointment_recurrence(&bytes).unwrap();
        assert_eq!(d.value, a);
        assert!(d.diagnostics.is_empty(), "{:#?}", d.diagnostics);
        // The date helpers: the spec's exception moved 10:00 -> 11:00 on Monday 2007-04-16.
        let e = &d.value.exception_info[0];
        assert_eq!(e.original_start().to_string(), "2007-04-16 10:00:00");
        assert_eq!(e.start().to_string(), "2007-04-16 11:00:00");
        assert_eq!(e.end().to_string(), "2007-04-16 11:30:00");
        let p = &d.value.pattern;
        assert_eq!(p.start(), NaiveDate::from_ymd_opt(2007, 3, 26).unwrap());
        assert_eq!(p.end(), NaiveDate::from_ymd_opt(2007, 4, 20));
        assert_eq!(
            p.deleted_dates().collect::<Vec<_>>(),
            NaiveDate::from_ymd_opt(2007, 4, 16)
                .into_iter()
                .collect::<Vec<_>>()
        );
        assert_eq!(p.modified_dates().count(), 1);
    }

    #[test]
    fn appointment_error_only_when_pattern_unreadable() {
        let bytes = encode_appointment_recurrence(&base());
        let err = decode_appointment_recurrence(&bytes[..61]).unwrap_err();
        assert_eq!(
            (err.structure(), err.field(), err.offset()),
            ("RecurrencePattern", "EndDate", 58)
        );
        // Every longer prefix decodes.
        for len in 62..=bytes.len() {
            assert!(
                decode_appointment_recurrence(&bytes[..len]).is_ok(),
                "prefix {len}"
            );
        }
    }

    #[test]
    fn appointment_truncated_tail_sections_and_severities() {
        use DiagSeverity::{Error, Warning};
        let bytes = encode_appointment_recurrence(&base());
        let cases = [
            (62, TailSection::Header, 62, Error),
            (70, TailSection::Header, 62, Error),
            (80, TailSection::ExceptionInfo, EI, Error),
            (100, TailSection::ExceptionInfo, EI, Error),
            (RB1, TailSection::ReservedBlock1, RB1, Warning),
            (RB1 + 2, TailSection::ReservedBlock1, RB1, Error),
            (EE, TailSection::ExtendedException, EE, Warning),
            (200, TailSection::ExtendedException, EE, Error),
            (RB2, TailSection::ReservedBlock2, RB2, Warning),
            (RB2 + 3, TailSection::ReservedBlock2, RB2, Error),
        ];
        for (len, section, offset, severity) in cases {
            let cut = &bytes[..len];
            let d = decode_appointment_recurrence(cut).unwrap();
            let t = d.value.truncated.clone().unwrap();
            assert_eq!(
                (t.section, t.offset, t.end()),
                (section, offset, len),
                "cut at {len}"
            );
            let tail: Vec<_> = d
                .diagnostics
                .iter()
                .filter(|x| x.kind == DiagKind::TruncatedTail)
                .collect();
            assert_eq!(tail.len(), 1, "cut at {len}: {:#?}", d.diagnostics);
            assert_eq!(
                (tail[0].severity, tail[0].offset),
                (severity, offset),
                "cut at {len}"
            );
            // The truncated value encodes back to exactly the bytes it came from.
            assert_eq!(encode_appointment_recurrence(&d.value), cut, "cut at {len}");
        }
        // No header means no checks on the (absent) header fields.
        let d = decode_appointment_recurrence(&bytes[..62]).unwrap();
        assert_eq!(d.diagnostics.len(), 1);
        assert_eq!(d.value.reader_version2, 0);
    }

    #[test]
    fn appointment_huge_counts_do_not_allocate_or_panic() {
        let mut a = base();
        a.exception_count = u16::MAX;
        let d = decode(&a);
        assert_eq!(
            d.value.truncated.as_ref().map(|t| t.section),
            Some(TailSection::ExceptionInfo)
        );
        // Whatever the bytes after the real entry decode to, at most one ExceptionInfo fits in
        // each 14 bytes, and the capacity reserved follows the same bound.
        assert!(d.value.exception_info.len() <= (262 - EI) / EXCEPTION_INFO_FIXED_SIZE);
        assert!(d.value.exception_info.capacity() <= (262 - EI) / EXCEPTION_INFO_FIXED_SIZE + 1);
        let mut a = base();
        a.extended_exception[0].change_highlight = Some(ChangeHighlight {
            size: u32::MAX,
            value: 0,
            reserved: vec![],
        });
        let d = decode(&a);
        assert_eq!(
            d.value.truncated.as_ref().map(|t| t.section),
            Some(TailSection::ExtendedException)
        );
    }

    #[test]
    fn appointment_trailing_bytes() {
        let mut a = base();
        a.trailing = vec![0; 4];
        let d = only(&a, DiagKind::TrailingBytes);
        assert_eq!((d.severity, d.offset), (DiagSeverity::Info, 262));
        a.trailing = vec![1];
        assert_eq!(
            only(&a, DiagKind::TrailingBytes).severity,
            DiagSeverity::Warning
        );
    }

    #[test]
    fn appointment_versions() {
        let mut a = base();
        a.reader_version2 = 0x3005;
        let d = only(&a, DiagKind::BadVersion);
        assert_eq!(
            (d.severity, d.field, d.offset),
            (DiagSeverity::Error, "ReaderVersion2", 62)
        );
        let d = only(&with_writer_version2(base(), 0x3005), DiagKind::BadVersion);
        assert_eq!(
            (d.severity, d.field, d.offset),
            (DiagSeverity::Warning, "WriterVersion2", 66)
        );
        for wv2 in [0x3006, 0x3007, 0x300A] {
            let d = only(
                &with_writer_version2(base(), wv2),
                DiagKind::UnusualWriterVersion2,
            );
            assert_eq!(d.severity, DiagSeverity::Info);
        }
        // 0x3008 (Outlook 2003, Kopano) is normal and has no ChangeHighlight.
        let a = with_writer_version2(base(), 0x3008);
        let d = decode(&a);
        assert!(d.diagnostics.is_empty(), "{:#?}", d.diagnostics);
        assert_eq!(d.value.extended_exception[0].change_highlight, None);
    }

    #[test]
    fn appointment_time_offsets() {
        let mut a = base();
        a.start_time_offset = 1440;
        a.end_time_offset = 1500;
        let d = diags(&a);
        assert!(
            d.iter()
                .any(|d| d.kind == DiagKind::OutOfRange && d.field == "StartTimeOffset"),
            "{d:#?}"
        );
        let mut a = base();
        a.end_time_offset = 599;
        let d = only(&a, DiagKind::OutOfRange);
        assert_eq!((d.field, d.offset), ("EndTimeOffset", 74));
    }

    #[test]
    fn appointment_exception_count_mismatch() {
        let mut a = base();
        a.pattern.deleted_instance_dates.push(at(2007, 4, 19, 0, 0));
        a.pattern
            .modified_instance_dates
            .push(at(2007, 4, 19, 0, 0));
        let d = only(&a, DiagKind::ExceptionCountMismatch);
        assert_eq!(
            (d.severity, d.field),
            (DiagSeverity::Error, "ExceptionCount")
        );
    }

    #[test]
    fn appointment_reserved_blocks() {
        let mut a = base();
        a.reserved_block1 = vec![1, 2];
        let d = only(&a, DiagKind::NonZeroReserved);
        assert_eq!(
            (d.severity, d.field, d.offset),
            (DiagSeverity::Warning, "ReservedBlock1Size", RB1)
        );
        let mut a = base();
        a.reserved_block2 = vec![1];
        let d = only(&a, DiagKind::NonZeroReserved);
        assert_eq!((d.field, d.offset), ("ReservedBlock2Size", RB2));
        let mut a = base();
        a.extended_exception[0].reserved_block_ee1 = vec![0; 3];
        let d = only(&a, DiagKind::NonZeroReserved);
        assert_eq!((d.field, d.offset), ("ReservedBlockEE1Size", EE + 8));
        let mut a = base();
        a.extended_exception[0].reserved_block_ee2 = Some(vec![9]);
        assert_eq!(
            only(&a, DiagKind::NonZeroReserved).field,
            "ReservedBlockEE2Size"
        );
    }

    #[test]
    fn appointment_string_lengths() {
        let mut a = base();
        a.exception_info[0].subject.as_mut().unwrap().length = 33;
        let d = only(&a, DiagKind::StringLengthMismatch);
        assert_eq!(
            (d.severity, d.field, d.offset),
            (DiagSeverity::Error, "SubjectLength", EI + 14)
        );
        // An embedded NUL (CalCheck 0013): readers render a shorter string than Length2 says.
        let mut a = base();
        a.exception_info[0].location = Some(AnsiString::new(b"34\x004141".to_vec()));
        a.extended_exception[0].wide_char_location = Some(WideString::new("34\u{0}4141"));
        let d = only(&a, DiagKind::StringLengthMismatch);
        assert_eq!((d.field, d.offset), ("Location", EI + 14 + 4 + 33 + 4 + 2));
    }

    #[test]
    fn appointment_unknown_override_flags() {
        let mut a = base();
        a.exception_info[0].override_flags = OverrideFlags(0x0411);
        let d = only(&a, DiagKind::UnknownOverrideFlags);
        assert_eq!((d.severity, d.offset), (DiagSeverity::Error, EI + 12));
        assert_eq!(OverrideFlags(0x0411).unknown_bits(), 0x0400);
        assert_eq!(
            OverrideFlags(0x0282).names(),
            ["ARO_MEETINGTYPE", "ARO_SUBTYPE", "ARO_EXCEPTIONAL_BODY"]
        );
    }

    #[test]
    fn appointment_exception_end_before_start() {
        let mut a = base();
        a.exception_info[0].end_date_time = at(2007, 4, 16, 10, 30);
        a.extended_exception[0].end_date_time = Some(at(2007, 4, 16, 10, 30));
        let d = only(&a, DiagKind::ExceptionEndBeforeStart);
        assert_eq!((d.severity, d.offset), (DiagSeverity::Error, EI + 4));
    }

    /// Moves the exception's original start, keeping DeletedInstanceDates and the
    /// ExtendedException in step so that only the series bounds are in question.
    fn with_original(original: u32) -> AppointmentRecurrencePattern {
        let mut a = base();
        a.exception_info[0].original_start_date = original;
        a.extended_exception[0].original_start_date = Some(original);
        a.pattern.deleted_instance_dates = vec![original - original % MINUTES_PER_DAY];
        a
    }

    #[test]
    fn appointment_exception_outside_series() {
        // CalCheck 0014: before the series starts.
        let d = diags(&with_original(at(2007, 3, 22, 10, 0)));
        let out: Vec<_> = d
            .iter()
            .filter(|d| d.kind == DiagKind::ExceptionOutsideSeries)
            .collect();
        assert_eq!(out.len(), 1, "{d:#?}");
        assert_eq!(
            (out[0].severity, out[0].offset),
            (DiagSeverity::Error, EI + 8)
        );
        assert!(out[0].message.contains("before"));
        // CalCheck 0015: at or after EndDate + EndTimeOffset (2007-04-20 10:30).
        let d = diags(&with_original(at(2007, 4, 20, 10, 30)));
        assert!(
            d.iter()
                .any(|d| d.kind == DiagKind::ExceptionOutsideSeries && d.message.contains("after"))
        );
        // The last instance itself (2007-04-20 10:00) is inside.
        let d = diags(&with_original(at(2007, 4, 20, 10, 0)));
        assert!(
            !d.iter().any(|d| d.kind == DiagKind::ExceptionOutsideSeries),
            "{d:#?}"
        );
    }

    #[test]
    fn appointment_exception_not_deleted() {
        let mut a = base();
        a.pattern.deleted_instance_dates = vec![at(2007, 4, 19, 0, 0)];
        let d = only(&a, DiagKind::ExceptionNotDeleted);
        assert_eq!((d.severity, d.offset), (DiagSeverity::Error, EI + 8));
    }

    /// A second exception (no overrides) starting `start` that replaces the instance `original`.
    fn second(a: &mut AppointmentRecurrencePattern, start: u32, original: u32) {
        a.exception_count = 2;
        a.exception_info.push(ExceptionInfo {
            start_date_time: start,
            end_date_time: start + 30,
            original_start_date: original,
            ..ExceptionInfo::default()
        });
        a.extended_exception.push(ExtendedException {
            change_highlight: Some(ChangeHighlight {
                size: 4,
                value: 0,
                reserved: vec![],
            }),
            ..ExtendedException::default()
        });
    }

    #[test]
    fn appointment_duplicate_original_start() {
        let mut a = base();
        second(&mut a, at(2007, 4, 17, 10, 0), at(2007, 4, 16, 10, 0));
        a.pattern.deleted_instance_dates = vec![at(2007, 4, 16, 0, 0), at(2007, 4, 19, 0, 0)];
        a.pattern.modified_instance_dates = vec![at(2007, 4, 16, 0, 0), at(2007, 4, 17, 0, 0)];
        let d = only(&a, DiagKind::DuplicateDates);
        assert_eq!(
            (d.severity, d.structure, d.field),
            (DiagSeverity::Error, "ExceptionInfo", "OriginalStartDate")
        );
    }

    #[test]
    fn appointment_exception_order_is_info() {
        // The first ExceptionInfo starts 2007-04-16, the second 2007-04-12: out of order, as in
        // MFCMAPI's real vector 4, which Outlook wrote.
        let mut a = base();
        second(&mut a, at(2007, 4, 12, 10, 0), at(2007, 4, 12, 10, 0));
        a.pattern.deleted_instance_dates = vec![at(2007, 4, 12, 0, 0), at(2007, 4, 16, 0, 0)];
        a.pattern.modified_instance_dates = vec![at(2007, 4, 12, 0, 0), at(2007, 4, 16, 0, 0)];
        let d = only(&a, DiagKind::ExceptionOrder);
        assert_eq!(d.severity, DiagSeverity::Info);
    }

    #[test]
    fn appointment_exception_dates_mismatch() {
        let mut a = base();
        a.pattern.modified_instance_dates = vec![at(2007, 4, 17, 0, 0)];
        let d = only(&a, DiagKind::ExceptionDatesMismatch);
        assert_eq!(d.severity, DiagSeverity::Error);
        assert!(
            d.message.contains("2007-04-17") && d.message.contains("2007-04-16"),
            "{}",
            d.message
        );
    }

    #[test]
    fn appointment_extended_exception_mismatch() {
        let mut a = base();
        a.extended_exception[0].start_date_time = Some(at(2007, 4, 16, 12, 0));
        let d = only(&a, DiagKind::ExtendedExceptionMismatch);
        assert_eq!(
            (d.severity, d.field, d.offset),
            (DiagSeverity::Error, "StartDateTime", EE + 12)
        );
    }

    #[test]
    fn appointment_change_highlight_size_below_4() {
        let mut a = base();
        a.extended_exception[0].change_highlight = Some(ChangeHighlight {
            size: 2,
            value: 0,
            reserved: vec![0x80, 0],
        });
        let d = decode(&a);
        assert_eq!(d.diagnostics.len(), 1, "{:#?}", d.diagnostics);
        let x = &d.diagnostics[0];
        assert_eq!(
            (x.kind, x.severity, x.offset),
            (DiagKind::BadChangeHighlightSize, DiagSeverity::Error, EE)
        );
        assert_eq!(
            d.value.extended_exception[0]
                .change_highlight
                .as_ref()
                .unwrap()
                .reserved,
            [0x80, 0]
        );
        assert_eq!(
            encode_appointment_recurrence(&d.value),
            encode_appointment_recurrence(&a)
        );
    }

    #[test]
    fn appointment_ansi_wide_mismatch() {
        let mut a = base();
        a.extended_exception[0].wide_char_subject = Some(WideString::new("Other subject"));
        let d = only(&a, DiagKind::AnsiWideMismatch);
        assert_eq!(
            (d.severity, d.field),
            (DiagSeverity::Warning, "WideCharSubject")
        );
        // Characters the code page cannot hold become '?' in the ANSI copy: not a mismatch.
        let mut a = base();
        a.exception_info[0].location = Some(AnsiString::new(b"Tokyo ??".to_vec()));
        a.extended_exception[0].wide_char_location =
            Some(WideString::new("Tokyo \u{6771}\u{4EAC}"));
        assert!(diags(&a).is_empty());
        // The same place in Shift-JIS matches only when decoded with code page 932.
        let mut a = base();
        a.exception_info[0].location = Some(AnsiString::new(vec![0x93, 0x8C, 0x8B, 0x9E]));
        a.extended_exception[0].wide_char_location = Some(WideString::new("\u{6771}\u{4EAC}"));
        let bytes = encode_appointment_recurrence(&a);
        let sjis = decode_appointment_recurrence_with_codepage(&bytes, 932).unwrap();
        assert!(sjis.diagnostics.is_empty(), "{:#?}", sjis.diagnostics);
        assert_eq!(
            sjis.value.exception_info[0]
                .location
                .as_ref()
                .unwrap()
                .text(932),
            "\u{6771}\u{4EAC}"
        );
        let latin = decode_appointment_recurrence(&bytes).unwrap();
        assert_eq!(latin.diagnostics.len(), 1);
        assert_eq!(latin.diagnostics[0].kind, DiagKind::AnsiWideMismatch);
    }

    #[test]
    fn appointment_every_override_field_round_trips() {
        let mut a = base();
        let e = &mut a.exception_info[0];
        e.override_flags = OverrideFlags::ALL;
        e.meeting_type = Some(1);
        e.reminder_delta = Some(15);
        e.reminder_set = Some(1);
        e.busy_status = Some(3);
        e.attachment = Some(1);
        e.sub_type = Some(0);
        e.appointment_color = Some(5);
        let d = decode(&a);
        assert!(d.diagnostics.is_empty(), "{:#?}", d.diagnostics);
        assert_eq!(d.value.exception_info[0], a.exception_info[0]);
    }
}
