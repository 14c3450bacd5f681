//! What a CI job must request from Graph or EWS so that calcheck sees every item property its checks
//! read (`calcheck ci-props`), generated from the property registry ([`crate::names`]).
//!
//! Graph returns extended properties only when asked by id, in `$expand=singleValueExtendedProperties(
//! $filter=id eq '...' or ...)` (and `multiValueExtendedProperties` for arrays). The ids of every
//! message-level property of the registry make a URL longer than servers accept, so the request is split
//! into several, each below [`DEFAULT_MAX_QUERY_LEN`] bytes once percent-encoded; the reader merges the
//! responses by event id. EWS takes the same list as `<t:ExtendedFieldURI>` elements of
//! `<t:AdditionalProperties>` (EWS `ExtendedFieldURI`: `DistinguishedPropertySetId` or `PropertySetId`
//! with a decimal `PropertyId` or a `PropertyName`, or a `PropertyTag`, and a `PropertyType`).
//!
//! Recipient-row and attachment properties cannot be requested on an event: Graph's `attendees` stand in
//! for the recipient table (mapped as derived values), and checks that need exception attachments report
//! CC903 unless the input is a fast-transfer export.

use calcheck_format::props::PropType;

use super::id::{format_id, type_name};
use crate::key::{NamedId, PropKey};
use crate::names::{self, PropDef};

/// The default budget for one request's `$expand` parameter, percent-encoded. Graph and Exchange reject
/// URLs past about 2,000 bytes; this leaves room for the host, the path and an event id of ~150 bytes.
pub const DEFAULT_MAX_QUERY_LEN: usize = 1500;

/// Where a registered property lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// On the message: requestable as an extended property.
    Item,
    /// On recipient rows.
    Recipient,
    /// On attachment objects.
    Attachment,
    /// On the message store or a folder.
    Store,
}

/// Recipient-row properties ([MS-OXOCAL] 2.2.4.10, [MS-OXOMSG] 2.2.3).
const RECIPIENT: &[&PropDef] = &[
    &names::RECIPIENT_TYPE,
    &names::RECIPIENT_ORDER,
    &names::RECIPIENT_PROPOSED,
    &names::RECIPIENT_PROPOSED_START_TIME,
    &names::RECIPIENT_PROPOSED_END_TIME,
    &names::RECIPIENT_DISPLAY_NAME,
    &names::RECIPIENT_ENTRY_ID,
    &names::RECIPIENT_TRACK_STATUS_TIME,
    &names::RECIPIENT_FLAGS,
    &names::RECIPIENT_TRACK_STATUS,
    &names::DISPLAY_NAME,
    &names::ADDRESS_TYPE,
    &names::EMAIL_ADDRESS,
    &names::SMTP_ADDRESS,
    &names::SEARCH_KEY,
    &names::INSTANCE_KEY,
];

/// Attachment properties ([MS-OXCMSG] 2.2.2, [MS-OXOCAL] 2.2.10.1).
const ATTACHMENT: &[&PropDef] = &[
    &names::ATTACH_NUMBER,
    &names::ATTACH_DATA_OBJECT,
    &names::ATTACH_FILENAME,
    &names::ATTACH_METHOD,
    &names::ATTACH_LONG_FILENAME,
    &names::RENDERING_POSITION,
    &names::ATTACH_FLAGS,
    &names::ATTACH_SIZE,
    &names::EXCEPTION_REPLACE_TIME_ATTACH,
    &names::ATTACHMENT_LINK_ID,
    &names::EXCEPTION_START_TIME,
    &names::EXCEPTION_END_TIME,
    &names::ATTACHMENT_FLAGS,
    &names::ATTACHMENT_HIDDEN,
];

/// Message-store and folder properties.
const STORE: &[&PropDef] = &[
    &names::IPM_SUBTREE_ENTRY_ID,
    &names::MAILBOX_OWNER_NAME,
    &names::MAILBOX_OWNER_ENTRY_ID,
    &names::PST_PASSWORD,
    &names::CONTAINER_CLASS,
];

/// Where `def` lives.
pub fn scope(def: &PropDef) -> Scope {
    let is = |list: &[&PropDef]| list.iter().any(|d| d.name == def.name);
    if is(RECIPIENT) {
        Scope::Recipient
    } else if is(ATTACHMENT) {
        Scope::Attachment
    } else if is(STORE) {
        Scope::Store
    } else {
        Scope::Item
    }
}

/// The registered message-level properties a CI job requests, in registry order, without PtypObject, which
/// neither API returns. A tag registered with two types (PR_MESSAGE_SIZE as Integer and Long) is requested
/// in both, because checks read either.
pub fn item_properties() -> Vec<&'static PropDef> {
    let mut out: Vec<&'static PropDef> = Vec::new();
    for def in names::ALL.iter().copied() {
        if scope(def) != Scope::Item || def.ty == PropType::Object {
            continue;
        }
        if out.iter().any(|d| d.key == def.key && d.ty == def.ty) {
            continue;
        }
        out.push(def);
    }
    out
}

/// The Graph id of a registered property.
pub fn graph_id(def: &PropDef) -> String {
    format_id(&def.key.to_key(), def.ty)
}

/// The length of `text` once percent-encoded as a query value (RFC 3986 unreserved characters stay).
fn encoded_len(text: &str) -> usize {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                1
            } else {
                3
            }
        })
        .sum()
}

/// One `$expand=...` parameter for the given single- and multi-valued ids.
fn expand(single: &[String], multi: &[String]) -> String {
    let filter = |ids: &[String]| {
        ids.iter()
            .map(|i| format!("id eq '{i}'"))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    let mut parts = Vec::new();
    if !single.is_empty() {
        parts.push(format!(
            "singleValueExtendedProperties($filter={})",
            filter(single)
        ));
    }
    if !multi.is_empty() {
        parts.push(format!(
            "multiValueExtendedProperties($filter={})",
            filter(multi)
        ));
    }
    format!("$expand={}", parts.join(","))
}

/// The `$expand` parameters a CI job sends, one per request, each at most `max_len` bytes once
/// percent-encoded (at least one id per request, whatever the budget).
pub fn graph_expand_requests(max_len: usize) -> Vec<String> {
    let mut requests = Vec::new();
    let (mut single, mut multi): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for def in item_properties() {
        let id = graph_id(def);
        let is_multi = matches!(def.ty, PropType::Multiple(_));
        let (mut s, mut m) = (single.clone(), multi.clone());
        if is_multi {
            m.push(id.clone());
        } else {
            s.push(id.clone());
        }
        let fits = encoded_len(&expand(&s, &m)) <= max_len;
        if fits || (single.is_empty() && multi.is_empty()) {
            (single, multi) = (s, m);
        } else {
            requests.push(expand(&single, &multi));
            (single, multi) = if is_multi {
                (Vec::new(), vec![id])
            } else {
                (vec![id], Vec::new())
            };
        }
    }
    if !single.is_empty() || !multi.is_empty() {
        requests.push(expand(&single, &multi));
    }
    requests
}

/// EWS's distinguished name of a property set, where it has one.
fn ews_set_name(set: &calcheck_format::Guid) -> Option<&'static str> {
    const EWS_SETS: [&str; 8] = [
        "Meeting",
        "Appointment",
        "Common",
        "PublicStrings",
        "Address",
        "InternetHeaders",
        "CalendarAssistant",
        "Task",
    ];
    crate::key::property_set_name(set).filter(|n| EWS_SETS.contains(n))
}

/// One `<t:ExtendedFieldURI .../>` element.
pub fn ews_field_uri(def: &PropDef) -> String {
    let ty = type_name(def.ty);
    match def.key.to_key() {
        PropKey::Tagged(id) => {
            format!(r#"<t:ExtendedFieldURI PropertyTag="0x{id:04X}" PropertyType="{ty}" />"#)
        }
        PropKey::Named { set, id } => {
            let set_attr = if let Some(n) = ews_set_name(&set) {
                format!(r#"DistinguishedPropertySetId="{n}""#)
            } else {
                let g = set.to_string();
                let bare = g.trim_start_matches('{').trim_end_matches('}');
                format!(r#"PropertySetId="{bare}""#)
            };
            let id_attr = match id {
                NamedId::Lid(lid) => format!(r#"PropertyId="{lid}""#),
                NamedId::Name(name) => format!(r#"PropertyName="{name}""#),
            };
            format!(r#"<t:ExtendedFieldURI {set_attr} {id_attr} PropertyType="{ty}" />"#)
        }
    }
}

/// The EWS `<t:AdditionalProperties>` block, one element per line.
pub fn ews_additional_properties() -> String {
    let mut out = String::from("<t:AdditionalProperties>\n");
    for def in item_properties() {
        out.push_str("  ");
        out.push_str(&ews_field_uri(def));
        out.push('\n');
    }
    out.push_str("</t:AdditionalProperties>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_stay_under_the_budget_and_cover_every_item_property() {
        let reqs = graph_expand_requests(DEFAULT_MAX_QUERY_LEN);
        assert!(reqs.len() > 1, "the registry needs several requests");
        for r in &reqs {
            assert!(encoded_len(r) <= DEFAULT_MAX_QUERY_LEN, "{r}");
            assert!(r.starts_with("$expand="));
        }
        let all = reqs.join("\n");
        for def in item_properties() {
            assert!(
                all.contains(&format!("'{}'", graph_id(def))),
                "{}",
                def.name
            );
        }
        assert!(all.contains("'Binary {00062002-0000-0000-C000-000000000046} Id 0x8216'"));
        assert!(
            !all.contains("0x5FFB"),
            "recipient-row properties are not requested"
        );
    }

    #[test]
    fn ews_elements_use_distinguished_sets_and_decimal_ids() {
        assert_eq!(
            ews_field_uri(&names::APPOINTMENT_RECUR),
            r#"<t:ExtendedFieldURI DistinguishedPropertySetId="Appointment" PropertyId="33302" PropertyType="Binary" />"#
        );
        assert_eq!(
            ews_field_uri(&names::SUBJECT),
            r#"<t:ExtendedFieldURI PropertyTag="0x0037" PropertyType="String" />"#
        );
        assert_eq!(
            ews_field_uri(&names::NON_SEND_TO_TRACK_STATUS),
            r#"<t:ExtendedFieldURI DistinguishedPropertySetId="Common" PropertyId="34115" PropertyType="IntegerArray" />"#
        );
    }
}
