//! Graph's own event fields mapped into the MAPI model, marked [`Provenance::Derived`].
//!
//! A Graph event carries the organizer and the attendees as JSON fields, not as the recipient table
//! (Graph `event`, `attendee`, `responseStatus` resources). calcheck maps them the way Exchange stores the
//! same facts ([MS-OXOCAL] 2.2.4.10, [MS-OXOMSG] 2.2.3): the organizer to PR_SENT_REPRESENTING_* (unless
//! the input carries those properties) and to an organizer row (recipSendable | recipOrganizer), and each
//! attendee to a row with PR_RECIPIENT_TYPE (required 1, optional 2, resource 3),
//! PR_RECIPIENT_TRACKSTATUS (none 0, organizer 1, tentativelyAccepted 2, accepted 3, declined 4,
//! notResponded 5) and PR_RECIPIENT_TRACKSTATUS_TIME. Graph writes `0001-01-01T00:00:00Z` for "no
//! response time"; that is an absent value, while a real 1601-01-01 is kept, so CC408 sees it.

use calcheck_format::props::{PropType, PropValue};
use serde_json::Value;

use super::value::parse_time;
use crate::bag::{Property, PropertyBag, Provenance};
use crate::item::Recipient;
use crate::names::{self, PropDef};

/// recipSendable | recipOrganizer ([MS-OXOCAL] 2.2.4.10.1).
const ORGANIZER_ROW_FLAGS: i32 = 0x3;
/// recipSendable.
const ATTENDEE_ROW_FLAGS: i32 = 0x1;

/// A derived property of `def` with `value`.
fn derived(def: &PropDef, value: PropValue, location: String) -> Property {
    let type_code = match &value {
        PropValue::Unicode(_) => PropType::Unicode.code(),
        PropValue::I32(_) => PropType::Integer32.code(),
        PropValue::Time(_) => PropType::Time.code(),
        _ => def.ty.code(),
    };
    let mut p = Property::new(def.key.to_key(), type_code, value);
    p.provenance = Provenance::Derived;
    p.location = Some(location.into());
    p
}

/// Inserts a derived property unless the bag already has the property.
fn fill(bag: &mut PropertyBag, def: &PropDef, value: PropValue, location: String) {
    if bag.get(def).is_none() {
        bag.insert(derived(def, value, location));
    }
}

/// `emailAddress.name` and `emailAddress.address` of a Graph recipient.
fn email(v: &Value) -> (Option<&str>, Option<&str>) {
    let e = v.get("emailAddress");
    (
        e.and_then(|e| e.get("name")).and_then(Value::as_str),
        e.and_then(|e| e.get("address")).and_then(Value::as_str),
    )
}

/// Maps Graph's `organizer` to PR_SENT_REPRESENTING_* of the item.
pub fn map_organizer(organizer: &Value, props: &mut PropertyBag, pointer: &str) {
    let at = format!("json {pointer}/organizer");
    let (name, address) = email(organizer);
    if let Some(name) = name {
        fill(
            props,
            &names::SENT_REPRESENTING_NAME,
            PropValue::Unicode(name.into()),
            at.clone(),
        );
    }
    if let Some(address) = address {
        for def in [
            &names::SENT_REPRESENTING_EMAIL_ADDRESS,
            &names::SENT_REPRESENTING_SMTP_ADDRESS,
        ] {
            fill(props, def, PropValue::Unicode(address.into()), at.clone());
        }
        fill(
            props,
            &names::SENT_REPRESENTING_ADDRESS_TYPE,
            PropValue::Unicode("SMTP".into()),
            at,
        );
    }
}

/// One derived recipient row for a person with a name and an SMTP address.
fn person_row(
    row: u32,
    name: Option<&str>,
    address: Option<&str>,
    at: &str,
) -> (Recipient, String) {
    let mut props = PropertyBag::new();
    if let Some(name) = name {
        for def in [&names::DISPLAY_NAME, &names::RECIPIENT_DISPLAY_NAME] {
            props.insert(derived(def, PropValue::Unicode(name.into()), at.to_owned()));
        }
    }
    if let Some(address) = address {
        for def in [&names::EMAIL_ADDRESS, &names::SMTP_ADDRESS] {
            props.insert(derived(
                def,
                PropValue::Unicode(address.into()),
                at.to_owned(),
            ));
        }
        props.insert(derived(
            &names::ADDRESS_TYPE,
            PropValue::Unicode("SMTP".into()),
            at.to_owned(),
        ));
    }
    (Recipient { row, props }, at.to_owned())
}

/// The track status Graph's `status.response` stands for.
fn track_status(response: &str) -> Option<i32> {
    const RESPONSES: [(&str, i32); 6] = [
        ("none", 0),
        ("organizer", 1),
        ("tentativelyAccepted", 2),
        ("accepted", 3),
        ("declined", 4),
        ("notResponded", 5),
    ];
    RESPONSES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(response))
        .map(|(_, v)| *v)
}

/// The recipient type Graph's `type` stands for.
fn recipient_type(kind: &str) -> Option<i32> {
    match kind.to_ascii_lowercase().as_str() {
        "required" => Some(1),
        "optional" => Some(2),
        "resource" => Some(3),
        _ => None,
    }
}

/// Builds recipient rows from `organizer` and `attendees[]`; problems go to `issues` as (what, reason).
pub fn map_attendees(
    organizer: Option<&Value>,
    attendees: &[Value],
    pointer: &str,
    issues: &mut Vec<(String, String)>,
) -> Vec<Recipient> {
    let mut rows = Vec::new();
    if let Some(org) = organizer {
        let (name, address) = email(org);
        let at = format!("json {pointer}/organizer");
        let (mut r, at) = person_row(0, name, address, &at);
        r.props.insert(derived(
            &names::RECIPIENT_FLAGS,
            PropValue::I32(ORGANIZER_ROW_FLAGS),
            at.clone(),
        ));
        r.props.insert(derived(
            &names::RECIPIENT_TYPE,
            PropValue::I32(1),
            at.clone(),
        ));
        r.props.insert(derived(
            &names::RECIPIENT_TRACK_STATUS,
            PropValue::I32(1),
            at,
        ));
        rows.push(r);
    }
    for (i, a) in attendees.iter().enumerate() {
        let at = format!("json {pointer}/attendees/{i}");
        let (name, address) = email(a);
        let row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        let (mut r, at) = person_row(row, name, address, &at);
        r.props.insert(derived(
            &names::RECIPIENT_FLAGS,
            PropValue::I32(ATTENDEE_ROW_FLAGS),
            at.clone(),
        ));
        if let Some(kind) = a.get("type").and_then(Value::as_str) {
            match recipient_type(kind) {
                Some(t) => r.props.insert(derived(
                    &names::RECIPIENT_TYPE,
                    PropValue::I32(t),
                    format!("{at}/type"),
                )),
                None => issues.push((
                    format!("attendee {i}"),
                    format!("the attendee type {kind:?} is not required, optional or resource"),
                )),
            }
        }
        let status = a.get("status");
        if let Some(resp) = status
            .and_then(|s| s.get("response"))
            .and_then(Value::as_str)
        {
            match track_status(resp) {
                Some(t) => r.props.insert(derived(
                    &names::RECIPIENT_TRACK_STATUS,
                    PropValue::I32(t),
                    format!("{at}/status/response"),
                )),
                None => issues.push((
                    format!("attendee {i}"),
                    format!("the response {resp:?} is not one Graph defines"),
                )),
            }
        }
        if let Some(time) = status.and_then(|s| s.get("time")).and_then(Value::as_str) {
            // Graph's "no time" is the .NET DateTime minimum, which lies before 1601: not a value.
            if !time.trim_start().starts_with("0001-01-01") {
                match parse_time(time) {
                    Ok(t) => r.props.insert(derived(
                        &names::RECIPIENT_TRACK_STATUS_TIME,
                        PropValue::Time(t),
                        format!("{at}/status/time"),
                    )),
                    Err(e) => issues.push((format!("attendee {i}"), e)),
                }
            }
        }
        rows.push(r);
    }
    rows
}
