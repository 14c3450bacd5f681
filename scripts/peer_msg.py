#!/usr/bin/env python3
"""Prints what the peer tool extract-msg (PyPI, 0.57.0) reads from one .msg/.oft file, as JSON.

Used by crates/calcheck-model/tests/msg_peer.rs to compare calcheck's .msg reader with an independent
implementation. Every field is read on its own: when extract-msg fails on one (it crashes on Month-family
recurrence patterns, see shared/docs/peers.md), that field becomes {"error": "..."} and the others are
still printed. Values are printed raw where extract-msg offers them raw (recipient type, attachment flags),
because some of its decoded enums are wrong (required attendees print as ORGANIZER, weekday names are
bit-reversed).

Usage: peer_msg.py FILE.msg...
Prints {"extract_msg_version": "...", "files": {path: fields or {"open_error": "..."}}}.
Exit codes: 0 printed, 2 usage error or extract_msg missing (message on stderr).
"""

import datetime
import json
import sys

try:
    import extract_msg
    from extract_msg.constants import ps
    from extract_msg.structures.recurrence_pattern import RecurrencePattern
    from extract_msg.structures.time_zone_definition import TimeZoneDefinition
except ImportError as e:  # pragma: no cover - reported to the Rust test verbatim
    print(f"peer_msg: python module extract_msg is missing ({e}); run scripts/ci-deps.sh", file=sys.stderr)
    sys.exit(2)

EPOCH_1601 = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)


def micros_since_1601(value):
    """A datetime as microseconds since 1601-01-01 UTC (FILETIME / 10), or None."""
    if value is None:
        return None
    # extract-msg turns the "no date" FILETIMEs into NullDate objects that remember the raw value.
    raw = getattr(value, "filetime", None)
    if raw is not None:
        return raw // 10
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    delta = value - EPOCH_1601
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def field(fn):
    """Runs one extraction, turning an exception into {"error": text}."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - a peer crash is data for the test
        return {"error": f"{type(e).__name__}: {e}"}


def as_int(value):
    if value is None:
        return None
    return int(value)


def recurrence(msg):
    rec = msg.getNamedAs("8216", ps.PSETID_APPOINTMENT, RecurrencePattern)
    if rec is None:
        return None
    return {
        "recur_frequency": as_int(rec.recurFrequency),
        "pattern_type": as_int(rec.patternType),
        "calendar_type": as_int(rec.calendarType),
        "first_date_time": as_int(rec.firstDateTime),
        "period": as_int(rec.period),
        "end_type": as_int(rec.endType),
        "occurrence_count": as_int(rec.occurrenceCount),
        "first_dow": as_int(rec.firstDayOfWeek),
        "sliding_flag": as_int(rec.slidingFlag),
        # The pattern-specific value as the raw integer (a weekday mask for Week patterns): extract-msg's
        # weekday names are bit-reversed, the integer is right.
        "pattern_type_specific": pattern_specific(rec.patternTypeSpecific),
        # Dates are minutes since 1601 (local wall clock), as the blob stores them.
        "start_date": as_int(rec.startDate),
        "end_date": as_int(rec.endDate),
        "deleted_instance_dates": [int(d) for d in rec.deletedInstanceDates],
        "modified_instance_dates": [int(d) for d in rec.modifiedInstanceDates],
    }


def pattern_specific(value):
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        return [int(v) for v in value]
    return int(value)


def tz_key(msg, lid):
    tz = msg.getNamedAs(lid, ps.PSETID_APPOINTMENT, TimeZoneDefinition)
    return None if tz is None else tz.keyName


def string_stream(obj, tag_id):
    """The raw string of a tagged property, whichever of PtypString/PtypString8 it was stored as."""
    return obj.getStringStream(f"__substg1.0_{tag_id}")


def recipient(r):
    return {
        "type": as_int(r.getPropertyVal("0C150003")),
        "display_name": string_stream(r, "3001"),
        "address_type": string_stream(r, "3002"),
        "email": string_stream(r, "3003"),
        "smtp": string_stream(r, "39FE"),
    }


def attachment(a):
    out = {
        "method": as_int(a.getPropertyVal("37050003")),
        "flags": as_int(a.getPropertyVal("7FFD0003")),
        "hidden": a.getPropertyVal("7FFE000B"),
        "embedded": None,
    }
    data = getattr(a, "data", None)
    if data is not None and hasattr(data, "getStringStream"):
        out["embedded"] = message(data)
    return out


def message(msg):
    return {
        "message_class": field(lambda: string_stream(msg, "001A")),
        "subject": field(lambda: string_stream(msg, "0037")),
        "start_whole_us": field(lambda: micros_since_1601(msg.getNamedProp("820D", ps.PSETID_APPOINTMENT))),
        "end_whole_us": field(lambda: micros_since_1601(msg.getNamedProp("820E", ps.PSETID_APPOINTMENT))),
        "has_recur_blob": field(lambda: msg.getNamedProp("8216", ps.PSETID_APPOINTMENT) is not None),
        "recurrence": field(lambda: recurrence(msg)),
        "tz_start_display": field(lambda: tz_key(msg, "825E")),
        "tz_end_display": field(lambda: tz_key(msg, "825F")),
        "tz_recur": field(lambda: tz_key(msg, "8260")),
        "recipients": field(lambda: [recipient(r) for r in msg.recipients]),
        "attachments": field(lambda: [attachment(a) for a in msg.attachments]),
    }


def main():
    if len(sys.argv) < 2:
        print("usage: peer_msg.py FILE.msg...", file=sys.stderr)
        return 2
    files = {}
    for path in sys.argv[1:]:
        try:
            msg = extract_msg.openMsg(path, strict=False)
        except Exception as e:  # noqa: BLE001 - reported per file
            files[path] = {"open_error": f"{type(e).__name__}: {e}"}
            continue
        files[path] = message(msg)
        msg.close()
    out = {"extract_msg_version": extract_msg.__version__, "files": files}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
