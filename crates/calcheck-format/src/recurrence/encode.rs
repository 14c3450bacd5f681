//! Encoders for RecurrencePattern and AppointmentRecurrencePattern ([MS-OXOCAL] 2.2.1.44.1, 2.2.1.44.5).
//!
//! The encoders write exactly the fields they are given, in spec order, and check nothing:
//! fixture writers use them to produce broken blobs too (Length != Length2 + 1, flags without
//! their fields, ExceptionCount different from the number of entries, a truncated tail).
//! What decides the layout is the value, not the flags: an optional field is written when it is
//! `Some`, PatternTypeSpecific follows its variant, ChangeHighlight is written when present.
//! For values the decoder produced, `encode(decode(bytes)) == bytes`.

use super::appointment::{
    AnsiString, AppointmentRecurrencePattern, ExceptionInfo, ExtendedException, TailSection,
    WideString,
};
use super::pattern::{PatternTypeSpecific, RecurrencePattern};

/// Writes a little-endian `u16`.
fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Writes a little-endian `u32`.
fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Writes a length as `u32`, saturating (a longer vector cannot be expressed in the format).
fn put_len32(out: &mut Vec<u8>, len: usize) {
    put_u32(out, u32::try_from(len).unwrap_or(u32::MAX));
}

/// Writes a u32 size followed by the bytes.
fn put_block(out: &mut Vec<u8>, block: &[u8]) {
    put_len32(out, block.len());
    out.extend_from_slice(block);
}

/// Encodes a RecurrencePattern ([MS-OXOCAL] 2.2.1.44.1), the value of PidLidTaskRecurrence.
pub fn encode_recurrence_pattern(p: &RecurrencePattern) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        58 + 4 * (p.deleted_instance_dates.len() + p.modified_instance_dates.len()),
    );
    write_pattern(&mut out, p);
    out
}

/// Appends the RecurrencePattern fields.
fn write_pattern(out: &mut Vec<u8>, p: &RecurrencePattern) {
    put_u16(out, p.reader_version);
    put_u16(out, p.writer_version);
    put_u16(out, p.recur_frequency.into());
    put_u16(out, p.pattern_type.into());
    put_u16(out, p.calendar_type.into());
    put_u32(out, p.first_date_time);
    put_u32(out, p.period);
    put_u32(out, p.sliding_flag);
    match p.pattern_type_specific {
        PatternTypeSpecific::None => {}
        PatternTypeSpecific::Week { day_mask } => put_u32(out, day_mask),
        PatternTypeSpecific::Month { day } => put_u32(out, day),
        PatternTypeSpecific::MonthNth { day_mask, n } => {
            put_u32(out, day_mask);
            put_u32(out, n);
        }
    }
    put_u32(out, p.end_type.into());
    put_u32(out, p.occurrence_count);
    put_u32(out, p.first_dow);
    put_len32(out, p.deleted_instance_dates.len());
    for &d in &p.deleted_instance_dates {
        put_u32(out, d);
    }
    put_len32(out, p.modified_instance_dates.len());
    for &d in &p.modified_instance_dates {
        put_u32(out, d);
    }
    put_u32(out, p.start_date);
    put_u32(out, p.end_date);
}

/// Encodes an AppointmentRecurrencePattern ([MS-OXOCAL] 2.2.1.44.5), the value of PidLidAppointmentRecur.
///
/// When [`AppointmentRecurrencePattern::truncated`] is set, writing stops at its section: the
/// complete entries of that section are written, then its partial bytes. Otherwise the
/// trailing bytes follow ReservedBlock2.
pub fn encode_appointment_recurrence(a: &AppointmentRecurrencePattern) -> Vec<u8> {
    let mut out = Vec::new();
    write_pattern(&mut out, &a.pattern);
    let stop = a
        .truncated
        .as_ref()
        .map(|t| (t.section, t.partial.as_slice()));
    let stops_at = |section: TailSection| match stop {
        Some((s, partial)) if s == section => Some(partial),
        _ => None,
    };

    if let Some(partial) = stops_at(TailSection::Header) {
        out.extend_from_slice(partial);
        return out;
    }
    put_u32(&mut out, a.reader_version2);
    put_u32(&mut out, a.writer_version2);
    put_u32(&mut out, a.start_time_offset);
    put_u32(&mut out, a.end_time_offset);
    put_u16(&mut out, a.exception_count);
    for info in &a.exception_info {
        write_exception_info(&mut out, info);
    }
    if let Some(partial) = stops_at(TailSection::ExceptionInfo) {
        out.extend_from_slice(partial);
        return out;
    }
    if let Some(partial) = stops_at(TailSection::ReservedBlock1) {
        out.extend_from_slice(partial);
        return out;
    }
    put_block(&mut out, &a.reserved_block1);
    for ee in &a.extended_exception {
        write_extended_exception(&mut out, ee);
    }
    if let Some(partial) = stops_at(TailSection::ExtendedException) {
        out.extend_from_slice(partial);
        return out;
    }
    if let Some(partial) = stops_at(TailSection::ReservedBlock2) {
        out.extend_from_slice(partial);
        return out;
    }
    put_block(&mut out, &a.reserved_block2);
    out.extend_from_slice(&a.trailing);
    out
}

/// Appends an ANSI string: Length, Length2, then the bytes as given.
fn write_ansi(out: &mut Vec<u8>, s: &AnsiString) {
    put_u16(out, s.length);
    put_u16(out, s.length2);
    out.extend_from_slice(&s.bytes);
}

/// Appends a wide string: its length in code units, then the units.
fn write_wide(out: &mut Vec<u8>, s: &WideString) {
    put_u16(out, u16::try_from(s.units.len()).unwrap_or(u16::MAX));
    for &u in &s.units {
        put_u16(out, u);
    }
}

/// Appends one ExceptionInfo ([MS-OXOCAL] 2.2.1.44.2).
fn write_exception_info(out: &mut Vec<u8>, e: &ExceptionInfo) {
    put_u32(out, e.start_date_time);
    put_u32(out, e.end_date_time);
    put_u32(out, e.original_start_date);
    put_u16(out, e.override_flags.0);
    if let Some(s) = &e.subject {
        write_ansi(out, s);
    }
    for v in [e.meeting_type, e.reminder_delta, e.reminder_set]
        .into_iter()
        .flatten()
    {
        put_u32(out, v);
    }
    if let Some(s) = &e.location {
        write_ansi(out, s);
    }
    for v in [e.busy_status, e.attachment, e.sub_type, e.appointment_color]
        .into_iter()
        .flatten()
    {
        put_u32(out, v);
    }
}

/// Appends one ExtendedException ([MS-OXOCAL] 2.2.1.44.4).
fn write_extended_exception(out: &mut Vec<u8>, e: &ExtendedException) {
    if let Some(ch) = &e.change_highlight {
        put_u32(out, ch.size);
        // A size below 4 has no room for the value; the decoder keeps those bytes as reserved.
        if ch.size >= 4 {
            put_u32(out, ch.value);
        }
        out.extend_from_slice(&ch.reserved);
    }
    put_block(out, &e.reserved_block_ee1);
    for v in [e.start_date_time, e.end_date_time, e.original_start_date]
        .into_iter()
        .flatten()
    {
        put_u32(out, v);
    }
    if let Some(s) = &e.wide_char_subject {
        write_wide(out, s);
    }
    if let Some(s) = &e.wide_char_location {
        write_wide(out, s);
    }
    if let Some(block) = &e.reserved_block_ee2 {
        put_block(out, block);
    }
}
