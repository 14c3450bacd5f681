//! CC302 empty-timezone-key-name: a TZDEFINITION property has a null, empty or blank key name (the KB 2553248 crash).

use calcheck_format::tzdef::KeyNameState;
use calcheck_model::{CalendarItem, names};

use crate::checks::series::{exception_prefix, is_recurring, item_and_exceptions, tz_definitions};
use crate::context::{ItemCx, describe};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// The time-zone key name (`szKeyName`) of PidLidAppointmentTimeZoneDefinitionStartDisplay,
    /// PidLidAppointmentTimeZoneDefinitionEndDisplay and PidLidAppointmentTimeZoneDefinitionRecur, on every
    /// item, single or recurring, and on every embedded exception message. It fires when the key name is
    /// missing (wFlags lacks TZDEFINITION_FLAG_VALID_KEYNAME, so there is no cchKeyName), empty (cchKeyName
    /// 0, which MFCMAPI prints as `szKeyName = (null)`), or made only of NUL or blank characters. A
    /// definition that cannot be decoded at all is CC303's or CC306's.
    ///
    /// CalCheck tested only PidLidAppointmentTimeZoneDefinitionRecur, and only on recurring items (0055);
    /// the crash that made this test necessary came from StartDisplay on single meetings. Findings on the
    /// Recur property of a recurring item carry CalCheck's number 0055; the others have none.
    ///
    /// ## Why it matters
    /// Outlook 2010 with update KB 2553248 installed crashed on meetings whose TZDEFINITION had no key name:
    /// selecting the meeting request, opening the organizer's item, selecting the attendee's response and
    /// dismissing the reminder all crashed Outlook. Such meetings were typically created through Exchange
    /// Web Services by code that set a time zone without a name. The June 2012 cumulative update for Office
    /// 2010 fixed the client, but the items stay malformed, and other clients read the key name to find the
    /// zone.
    ///
    /// ## How to fix
    /// Have the organizer update the meeting from Outlook (any change, such as the time zone, rewrites the
    /// property with the zone's name), or recreate it. Fix the EWS code that creates meetings so that it
    /// sets a named time zone (for example `StartTimeZone` from a `TimeZoneInfo` with an Id).
    ///
    /// ## Example
    /// The 76-byte StartDisplay definition of the KB 2553248 reports: bMajorVersion 2, bMinorVersion 1,
    /// cbHeader 6, wReserved 2, cchKeyName 0, one rule flagged TZRULE_FLAG_EFFECTIVE_TZREG.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.41, 2.2.1.42, 2.2.1.43; KB 2553248 and the MSDN blog "After installing KB 2553248,
    /// Outlook 2010 starts to crash when we open Meetings" (2012). CalCheck 0055: `ERROR: Missing required
    /// data in prop dispidApptTZDefRecur. Please check this item.`
    pub EmptyTimezoneKeyName,
    code: "CC302", name: "empty-timezone-key-name", severity: Error, category: TimeZones,
    calcheck: ["0055"],
    summary: "A time-zone definition has a null, empty or blank key name",
}

impl Check for EmptyTimezoneKeyName {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let recurring = is_recurring(item);
        for (attachment, it) in item_and_exceptions(item) {
            for (def, view) in tz_definitions(it) {
                let Some(Ok(tz)) = view else { continue };
                let state = tz.value.key_name_state();
                let what = match state {
                    KeyNameState::Present => continue,
                    KeyNameState::Missing => {
                        "missing (wFlags lacks TZDEFINITION_FLAG_VALID_KEYNAME)"
                    }
                    KeyNameState::Empty => "empty (cchKeyName is 0, szKeyName is null)",
                    KeyNameState::Blank => "blank (only NUL or white-space characters)",
                };
                let f = cx.report(
                    self,
                    format!(
                        "{}Missing required data in prop {}: the time zone key name is {what}",
                        exception_prefix(attachment),
                        def.alt_name
                    ),
                );
                let is_recur = def.name == names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR.name;
                if is_recur && recurring && attachment.is_none() {
                    f.calcheck("0055");
                } else {
                    f.calcheck = None;
                }
                f.detail(
                    "Outlook 2010 with KB 2553248 crashes when it selects or opens such a meeting or dismisses its reminder; other clients cannot tell which time zone is meant",
                );
                f.evidence("wFlags", format!("{:#06X}", tz.value.flags));
                f.evidence(
                    "cchKeyName",
                    tz.value
                        .cch_key_name
                        .map_or_else(|| "(absent)".to_owned(), |c| c.to_string()),
                );
                f.evidence(
                    "szKeyName",
                    match (&tz.value.key_name, tz.value.cch_key_name) {
                        (Some(k), Some(c)) if c > 0 => format!("{k:?}"),
                        _ => "(null)".to_owned(),
                    },
                );
                if let Some(p) = it.props.get(def) {
                    f.evidence(def.name, describe(p));
                }
            }
        }
    }
}
