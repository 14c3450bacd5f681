//! The .msg reader against HiraokaHyperTools/msgreader's published decoding of its 13 test files
//! (`shared/vectors/msg/msgreader/*.expected.json`, Apache-2.0; see that folder's NOTES.md).
//!
//! Every field msgreader prints is compared, by the property it comes from: message class,
//! subjects, sender, body, times, code page, recipients with their recipient type, attachments
//! with their embedded exception messages (recursively), PidLidAppointmentRecur (pattern, time
//! offsets, every ExceptionInfo with its ExtendedException strings), the three TZDEFINITION
//! properties, PidLidTimeZoneStruct and PidLidGlobalObjectId, each decoded with calcheck-format.

mod msg_support;

use calcheck_format::Guid;
use calcheck_format::recurrence::{PatternTypeSpecific, WideString, decode_appointment_recurrence};
use calcheck_format::tzdef::{SystemTime, decode_tz_definition};
use calcheck_format::tzreg::decode_tzreg;
use calcheck_model::key::{PSETID_COMMON, PropKey};
use calcheck_model::names::{self, PropDef};
use calcheck_model::{CalendarItem, PropertyBag};
use serde_json::{Map, Value};

use msg_support::{hex, msgreader_files, read, rfc1123_to_filetime, shared};

/// Keys of msgreader's output that are not properties of the file (its own bookkeeping).
const BOOKKEEPING: &[&str] = &["dataType", "folderId", "dataId", "innerMsgContent"];

#[test]
fn msg_reader_matches_msgreader_expected_json() {
    let mut compared = 0usize;
    for path in msgreader_files() {
        let slug = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let json_path = shared().join(format!("vectors/msg/msgreader/{slug}.expected.json"));
        let expected: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
        let item = read(&path);
        assert!(item.issues.is_empty(), "{slug}: {:?}", item.issues);
        compared += compare_message(&slug, &item, expected.as_object().unwrap());
    }
    // Sanity: the comparison really looked at hundreds of values.
    assert!(compared > 400, "only {compared} values compared");
}

/// Compares one message; returns the number of values compared.
fn compare_message(ctx: &str, item: &CalendarItem, exp: &Map<String, Value>) -> usize {
    let props = &item.props;
    let mut n = 0;
    for (key, value) in exp {
        if BOOKKEEPING.contains(&key.as_str()) {
            continue;
        }
        let ctx = format!("{ctx}: {key}");
        n += match key.as_str() {
            "messageClass" => string(&ctx, props, &names::MESSAGE_CLASS, value),
            "subject" => string(&ctx, props, &names::SUBJECT, value),
            "conversationTopic" => string(&ctx, props, &names::CONVERSATION_TOPIC, value),
            "normalizedSubject" => string(&ctx, props, &names::NORMALIZED_SUBJECT, value),
            "senderName" => string(&ctx, props, &names::SENDER_NAME, value),
            "senderAddressType" => string(&ctx, props, &names::SENDER_ADDRESS_TYPE, value),
            "senderEmail" => string(&ctx, props, &names::SENDER_EMAIL_ADDRESS, value),
            "body" => string(&ctx, props, &names::BODY, value),
            "apptLocation" => string(&ctx, props, &names::LOCATION, value),
            "timeZoneDesc" => string(&ctx, props, &names::TIME_ZONE_DESCRIPTION, value),
            // PR_LAST_MODIFIER_NAME (0x3FFA) and PidLidInternetAccountName (Common 0x8580) are not
            // in calcheck's registry: compare them by key.
            "lastModifierName" => key_string(&ctx, props, &PropKey::Tagged(0x3FFA), value),
            "inetAcctName" => key_string(&ctx, props, &PropKey::lid(PSETID_COMMON, 0x8580), value),
            "creationTime" => time(&ctx, props, &names::CREATION_TIME, value),
            "lastModificationTime" => time(&ctx, props, &names::LAST_MODIFICATION_TIME, value),
            "clientSubmitTime" => time(&ctx, props, &names::CLIENT_SUBMIT_TIME, value),
            "messageDeliveryTime" => time(&ctx, props, &names::MESSAGE_DELIVERY_TIME, value),
            "apptStartWhole" => time(&ctx, props, &names::APPOINTMENT_START_WHOLE, value),
            "apptEndWhole" => time(&ctx, props, &names::APPOINTMENT_END_WHOLE, value),
            "clipStart" => time(&ctx, props, &names::CLIP_START, value),
            "clipEnd" => time(&ctx, props, &names::CLIP_END, value),
            "messageFlags" => int(&ctx, props.i32(&names::MESSAGE_FLAGS), value),
            "internetCodepage" => int(&ctx, props.i32(&names::INTERNET_CODEPAGE), value),
            // PR_MESSAGE_LOCALE_ID (0x3FF1), not in the registry.
            "messageLocaleId" => int(
                &ctx,
                props
                    .get_key(&PropKey::Tagged(0x3FF1))
                    .and_then(|p| p.value.as_i32()),
                value,
            ),
            "globalAppointmentID" => {
                let ours = props.binary(&names::GLOBAL_OBJECT_ID).map(hex);
                assert_eq!(ours.as_deref(), value.as_str(), "{ctx}");
                1
            }
            "apptTZDefStartDisplay" => tzdef(
                &ctx,
                props,
                &names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY,
                value,
            ),
            "apptTZDefEndDisplay" => tzdef(
                &ctx,
                props,
                &names::APPOINTMENT_TIME_ZONE_DEFINITION_END_DISPLAY,
                value,
            ),
            "apptTZDefRecur" => tzdef(
                &ctx,
                props,
                &names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR,
                value,
            ),
            "timeZoneStruct" => tzstruct(&ctx, props, value),
            "apptRecur" => appt_recur(&ctx, item, value),
            "recipients" => recipients(&ctx, item, value),
            "attachments" => attachments(&ctx, item, value),
            other => panic!("{ctx}: msgreader field {other:?} is not compared yet"),
        };
    }
    n
}

fn string(ctx: &str, props: &PropertyBag, def: &PropDef, exp: &Value) -> usize {
    assert_eq!(
        props.str(def),
        Some(exp.as_str().unwrap()),
        "{ctx} ({})",
        def.name
    );
    1
}

fn key_string(ctx: &str, props: &PropertyBag, key: &PropKey, exp: &Value) -> usize {
    let ours = props.get_key(key).and_then(|p| p.value.as_str());
    assert_eq!(ours, Some(exp.as_str().unwrap()), "{ctx} ({key})");
    1
}

fn time(ctx: &str, props: &PropertyBag, def: &PropDef, exp: &Value) -> usize {
    // msgreader prints whole seconds; drop the sub-second ticks of ours.
    let ours = props.time(def).map(|t| t - t % 10_000_000);
    assert_eq!(
        ours,
        Some(rfc1123_to_filetime(exp.as_str().unwrap())),
        "{ctx} ({})",
        def.name
    );
    1
}

fn int(ctx: &str, ours: Option<i32>, exp: &Value) -> usize {
    assert_eq!(ours.map(i64::from), exp.as_i64(), "{ctx}");
    1
}

fn systemtime(ctx: &str, ours: &SystemTime, exp: &Value) -> usize {
    for (key, v) in [
        ("year", ours.w_year),
        ("month", ours.w_month),
        ("dayOfWeek", ours.w_day_of_week),
        ("day", ours.w_day),
        ("hour", ours.w_hour),
        ("minute", ours.w_minute),
    ] {
        assert_eq!(Some(i64::from(v)), exp[key].as_i64(), "{ctx}.{key}");
    }
    6
}

fn tzdef(ctx: &str, props: &PropertyBag, def: &PropDef, exp: &Value) -> usize {
    let blob = props
        .binary(def)
        .unwrap_or_else(|| panic!("{ctx}: no {}", def.name));
    let tz = decode_tz_definition(blob).unwrap().value;
    assert_eq!(
        tz.key_name.as_deref(),
        exp["keyName"].as_str(),
        "{ctx}.keyName"
    );
    let rules = exp["rules"].as_array().unwrap();
    assert_eq!(tz.rules.len(), rules.len(), "{ctx}.rules");
    let mut n = 2;
    for (i, (r, e)) in tz.rules.iter().zip(rules).enumerate() {
        let ctx = format!("{ctx}.rules[{i}]");
        assert_eq!(Some(i64::from(r.flags)), e["flags"].as_i64(), "{ctx}.flags");
        assert_eq!(Some(i64::from(r.l_bias)), e["bias"].as_i64(), "{ctx}.bias");
        assert_eq!(
            Some(i64::from(r.l_standard_bias)),
            e["standardBias"].as_i64(),
            "{ctx}.standardBias"
        );
        assert_eq!(
            Some(i64::from(r.l_daylight_bias)),
            e["daylightBias"].as_i64(),
            "{ctx}.daylightBias"
        );
        // msgreader prints stStart as a date: January 1 of the rule's year.
        let start = e["start"].as_str().unwrap();
        assert!(
            start.contains(&format!(" {:02} ", r.st_start.w_day))
                && start.contains(&r.st_start.w_year.to_string()),
            "{ctx}.start {start} vs {:?}",
            r.st_start
        );
        n += 5;
        n += systemtime(
            &format!("{ctx}.standardDate"),
            &r.st_standard_date,
            &e["standardDate"],
        );
        n += systemtime(
            &format!("{ctx}.daylightDate"),
            &r.st_daylight_date,
            &e["daylightDate"],
        );
    }
    n
}

fn tzstruct(ctx: &str, props: &PropertyBag, exp: &Value) -> usize {
    let blob = props.binary(&names::TIME_ZONE_STRUCT).unwrap();
    let tz = decode_tzreg(blob).unwrap().value;
    assert_eq!(
        Some(i64::from(tz.l_bias)),
        exp["bias"].as_i64(),
        "{ctx}.bias"
    );
    assert_eq!(
        Some(i64::from(tz.l_standard_bias)),
        exp["standardBias"].as_i64(),
        "{ctx}.standardBias"
    );
    assert_eq!(
        Some(i64::from(tz.l_daylight_bias)),
        exp["daylightBias"].as_i64(),
        "{ctx}.daylightBias"
    );
    assert_eq!(
        Some(i64::from(tz.w_standard_year)),
        exp["standardYear"].as_i64(),
        "{ctx}.standardYear"
    );
    assert_eq!(
        Some(i64::from(tz.w_daylight_year)),
        exp["daylightYear"].as_i64(),
        "{ctx}.daylightYear"
    );
    5 + systemtime(
        &format!("{ctx}.standardDate"),
        &tz.st_standard_date,
        &exp["standardDate"],
    ) + systemtime(
        &format!("{ctx}.daylightDate"),
        &tz.st_daylight_date,
        &exp["daylightDate"],
    )
}

/// PidLidAppointmentRecur decoded by calcheck-format against msgreader's decoding.
fn appt_recur(ctx: &str, item: &CalendarItem, exp: &Value) -> usize {
    let blob = item.props.binary(&names::APPOINTMENT_RECUR).unwrap();
    let decoded = decode_appointment_recurrence(blob).unwrap().value;
    let p = &decoded.pattern;
    let rp = &exp["recurrencePattern"];
    let mut n = 0;
    for (key, ours) in [
        ("recurFrequency", i64::from(p.recur_frequency.value())),
        ("patternType", i64::from(p.pattern_type.value())),
        ("calendarType", i64::from(p.calendar_type.value())),
        ("firstDateTime", i64::from(p.first_date_time)),
        ("period", i64::from(p.period)),
        ("slidingFlag", i64::from(p.sliding_flag)),
        ("endType", i64::from(p.end_type.value())),
        ("occurrenceCount", i64::from(p.occurrence_count)),
        ("firstDOW", i64::from(p.first_dow)),
        ("startDate", i64::from(p.start_date)),
        ("endDate", i64::from(p.end_date)),
    ] {
        assert_eq!(
            Some(ours),
            rp[key].as_i64(),
            "{ctx}.recurrencePattern.{key}"
        );
        n += 1;
    }
    for (key, ours) in [
        ("deletedInstanceDates", &p.deleted_instance_dates),
        ("modifiedInstanceDates", &p.modified_instance_dates),
    ] {
        assert_eq!(
            Value::from(ours.clone()),
            rp[key],
            "{ctx}.recurrencePattern.{key}"
        );
        n += 1;
    }
    match p.pattern_type_specific {
        PatternTypeSpecific::Week { day_mask } => {
            assert_eq!(
                Some(i64::from(day_mask)),
                rp["patternTypeWeek"]["dayOfWeekBits"].as_i64(),
                "{ctx}"
            );
        }
        PatternTypeSpecific::Month { day } => {
            assert_eq!(
                Some(i64::from(day)),
                rp["patternTypeMonth"]["day"].as_i64(),
                "{ctx}"
            );
        }
        PatternTypeSpecific::None => {
            assert!(
                rp.get("patternTypeWeek").is_none() && rp.get("patternTypeMonth").is_none(),
                "{ctx}"
            );
        }
        other @ PatternTypeSpecific::MonthNth { .. } => {
            panic!("{ctx}: msgreader has no {other:?} pattern among its files")
        }
    }
    assert_eq!(
        Some(i64::from(decoded.start_time_offset)),
        exp["startTimeOffset"].as_i64(),
        "{ctx}"
    );
    assert_eq!(
        Some(i64::from(decoded.end_time_offset)),
        exp["endTimeOffset"].as_i64(),
        "{ctx}"
    );
    n += 3;

    let infos = exp["exceptionInfo"].as_array().unwrap();
    assert_eq!(
        decoded.exception_info.len(),
        infos.len(),
        "{ctx}.exceptionInfo"
    );
    for (i, (info, e)) in decoded.exception_info.iter().zip(infos).enumerate() {
        let ctx = format!("{ctx}.exceptionInfo[{i}]");
        let ext = decoded.extended_exception.get(i);
        for (key, ours) in [
            ("startDateTime", Some(info.start_date_time)),
            ("endDateTime", Some(info.end_date_time)),
            ("originalStartTime", Some(info.original_start_date)),
            ("overrideFlags", Some(u32::from(info.override_flags.0))),
            ("busyStatus", info.busy_status),
            ("reminderDelta", info.reminder_delta),
            ("reminderSet", info.reminder_set),
            ("meetingType", info.meeting_type),
            ("attachment", info.attachment),
            ("subType", info.sub_type),
            ("appointmentColor", info.appointment_color),
            // msgreader prints the ExtendedException's ChangeHighlightValue.
            (
                "changeHighlight",
                ext.and_then(|x| x.change_highlight.as_ref())
                    .map(|c| c.value),
            ),
        ] {
            assert_eq!(
                ours.map(i64::from),
                e.get(key).and_then(Value::as_i64),
                "{ctx}.{key}"
            );
            n += 1;
        }
        // Both string forms must say what msgreader says: the 8-bit ExceptionInfo string and the
        // UTF-16 ExtendedException string.
        for (key, ansi, wide) in [
            (
                "subject",
                &info.subject,
                ext.and_then(|x| x.wide_char_subject.as_ref()),
            ),
            (
                "location",
                &info.location,
                ext.and_then(|x| x.wide_char_location.as_ref()),
            ),
        ] {
            let expected = e.get(key).and_then(Value::as_str);
            assert_eq!(
                ansi.as_ref().map(|a| a.text(1252)).as_deref(),
                expected,
                "{ctx}.{key} (ANSI)"
            );
            assert_eq!(
                wide.map(WideString::text).as_deref(),
                expected,
                "{ctx}.{key} (wide)"
            );
            n += 2;
        }
    }
    n
}

fn recipients(ctx: &str, item: &CalendarItem, exp: &Value) -> usize {
    let exp = exp.as_array().unwrap();
    assert_eq!(item.recipients.len(), exp.len(), "{ctx}: count");
    let mut n = 1;
    for (r, e) in item.recipients.iter().zip(exp) {
        let ctx = format!("{ctx}[{}]", r.row);
        for (key, value) in e.as_object().unwrap() {
            n += match key.as_str() {
                "dataType" => 0,
                "name" => string(&ctx, &r.props, &names::DISPLAY_NAME, value),
                "addressType" => string(&ctx, &r.props, &names::ADDRESS_TYPE, value),
                "email" => string(&ctx, &r.props, &names::EMAIL_ADDRESS, value),
                "smtpAddress" => string(&ctx, &r.props, &names::SMTP_ADDRESS, value),
                "recipType" => {
                    // msgreader names PR_RECIPIENT_TYPE 1/2/3 to/cc/bcc ([MS-OXOMSG] 2.2.3.1).
                    let ours = match r.props.i32(&names::RECIPIENT_TYPE) {
                        Some(1) => "to",
                        Some(2) => "cc",
                        Some(3) => "bcc",
                        other => panic!("{ctx}: recipient type {other:?}"),
                    };
                    assert_eq!(Some(ours), value.as_str(), "{ctx}.recipType");
                    1
                }
                other => panic!("{ctx}: recipient field {other:?} is not compared yet"),
            };
        }
    }
    n
}

fn attachments(ctx: &str, item: &CalendarItem, exp: &Value) -> usize {
    let exp = exp.as_array().unwrap();
    assert_eq!(item.attachments.len(), exp.len(), "{ctx}: count");
    let mut n = 1;
    for (a, e) in item.attachments.iter().zip(exp) {
        let ctx = format!("{ctx}[{}]", a.index);
        let e = e.as_object().unwrap();
        assert_eq!(
            a.embedded.is_some(),
            e.get("innerMsgContent")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            "{ctx}.innerMsgContent"
        );
        for (key, value) in e {
            if BOOKKEEPING.contains(&key.as_str()) {
                continue;
            }
            n += match key.as_str() {
                "name" => string(&ctx, &a.props, &names::DISPLAY_NAME, value),
                "fileNameShort" => string(&ctx, &a.props, &names::ATTACH_FILENAME, value),
                "fileName" => string(&ctx, &a.props, &names::ATTACH_LONG_FILENAME, value),
                // PR_ATTACH_EXTENSION (0x3703), not in the registry.
                "extension" => key_string(&ctx, &a.props, &PropKey::Tagged(0x3703), value),
                "contentLength" => {
                    // The size of PR_ATTACH_DATA_BIN (0x37010102).
                    let data = a.props.binary(&names::ATTACH_DATA_OBJECT).unwrap();
                    assert_eq!(
                        Some(data.len() as u64),
                        value.as_u64(),
                        "{ctx}.contentLength"
                    );
                    1
                }
                "creationTime" => time(&ctx, &a.props, &names::CREATION_TIME, value),
                "lastModificationTime" => {
                    time(&ctx, &a.props, &names::LAST_MODIFICATION_TIME, value)
                }
                "attachmentHidden" => {
                    assert_eq!(
                        a.props.bool(&names::ATTACHMENT_HIDDEN),
                        value.as_bool(),
                        "{ctx}.attachmentHidden"
                    );
                    1
                }
                "innerMsgContentFields" => {
                    let embedded = a.embedded.as_deref().unwrap();
                    compare_message(
                        &format!("{ctx} > embedded"),
                        embedded,
                        value.as_object().unwrap(),
                    )
                }
                other => panic!("{ctx}: attachment field {other:?} is not compared yet"),
            };
        }
    }
    n
}

#[test]
fn msg_exception_attachments_follow_oxocal() {
    // NOTES.md (observed in these real Outlook files): exception attachments carry PR_ATTACH_METHOD 5,
    // PR_ATTACHMENT_FLAGS 0x2, PR_ATTACHMENT_HIDDEN TRUE, PR_RENDERING_POSITION 0xFFFFFFFF, and the
    // embedded message class IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}.
    let path = shared().join("vectors/msg/msgreader/friday-lunch.msg");
    let item = read(&path);
    let ole_class: Guid = "{00061055-0000-0000-C000-000000000046}".parse().unwrap();
    assert_eq!(item.exception_items().count(), 2);
    for (a, e) in item.exception_items() {
        assert!(a.is_exception());
        assert_eq!(a.props.i32(&names::ATTACH_METHOD), Some(5));
        assert_eq!(a.props.i32(&names::RENDERING_POSITION), Some(-1));
        assert_eq!(e.message_class(), format!("IPM.OLE.CLASS.{ole_class}"));
        // Embedded items are located by their storage below the attachment, inside the file.
        assert_eq!(
            e.item_ref.locator,
            calcheck_model::Locator::MsgStorage(format!(
                "__attach_version1.0_#{:08X}/__substg1.0_3701000D",
                a.index
            ))
        );
        assert_eq!(e.item_ref.parents, vec![calcheck_model::Locator::MsgFile]);
        assert_eq!(e.item_ref.file, item.item_ref.file);
    }
    // The first exception moved the Friday lunch to Monday 2023-01-09 03:00 UTC with a new subject
    // (msgreader friday-lunch.expected.json, attachments[0].innerMsgContentFields).
    let (_, moved) = item.exception_items().next().unwrap();
    assert_eq!(moved.item_ref.subject.as_deref(), Some("Monday Lunch"));
    assert_eq!(
        moved.item_ref.start,
        Some(rfc1123_to_filetime("Mon, 09 Jan 2023 03:00:00 GMT"))
    );
}
