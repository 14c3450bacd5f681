//! CC306 malformed-timezone-definition: every other rule a TZDEFINITION or TZREG breaks, one finding per decoder diagnostic.

use calcheck_format::{DiagKind, DiagSeverity, Diagnostic, Error};
use calcheck_model::{CalendarItem, PropDef, names};

use crate::checks::series::{
    diag_evidence, exception_prefix, is_recurring, item_and_exceptions, severity_of, tz_definitions,
};
use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::meta::Severity;

declare_check! {
    /// ## What it checks
    /// Every structural rule the decoders check in the time-zone properties of an item and of its embedded
    /// exception messages: PidLidAppointmentTimeZoneDefinitionStartDisplay, ...EndDisplay and ...Recur
    /// (TZDEFINITION) and PidLidTimeZoneStruct (TZREG). Each diagnostic becomes one finding with its byte
    /// offset, `structure.field` and rule, and keeps the decoder's rating (Info, Warning or Error): versions,
    /// cbHeader and cbRule, reserved flag bits, cRules 0 or above 1024, no or several effective rules,
    /// unsorted rules, invalid transition dates, bytes after the last rule. A key name that is missing or
    /// empty is CC302's. A definition or structure that cannot be decoded at all is reported here as an
    /// error (a warning for PidLidTimeZoneStruct on single items, which do not use it), except
    /// PidLidAppointmentTimeZoneDefinitionRecur on recurring items, which is CC303's.
    ///
    /// Version problems that make Outlook's reader reject PidLidAppointmentTimeZoneDefinitionRecur on a
    /// recurring item (a minor version below 1, a rule whose version is not 2.1) are what CalCheck
    /// reported as 0055, and carry that number.
    ///
    /// ## Why it matters
    /// Outlook and other clients convert every time of a meeting with these properties. A broken definition
    /// is ignored by some readers and misread by others, so the meeting shows at different times in
    /// different clients, or an hour off around daylight-saving changes.
    ///
    /// ## How to fix
    /// Open the item in Outlook, set its time zone again (for a series, in the recurrence dialog) and save;
    /// for a meeting, have the organizer send an update.
    ///
    /// ## Example
    /// A definition with cRules 0 followed by the bytes of two rules (MFCMAPI's TIMEZONEDEFINITION test 3).
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.39 (TZREG), 2.2.1.41 (TZDEFINITION, TZRULE); Outlook's "About persisting
    /// TZDEFINITION to a stream". CalCheck 0055 for the versions of dispidApptTZDefRecur: `ERROR: Missing
    /// required data in prop dispidApptTZDefRecur. Please check this item.`
    pub MalformedTimezoneDefinition,
    code: "CC306", name: "malformed-timezone-definition", severity: Warning, category: TimeZones,
    calcheck: [],
    summary: "A time-zone property breaks a structural rule (severity from the decoder)",
}

impl Check for MalformedTimezoneDefinition {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let recurring = is_recurring(item);
        for (attachment, it) in item_and_exceptions(item) {
            let top = attachment.is_none();
            for (def, view) in tz_definitions(it) {
                let is_recur = def.name == names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR.name;
                match view {
                    None => {}
                    Some(Ok(tz)) => {
                        for d in tz
                            .diagnostics
                            .iter()
                            .filter(|d| d.kind != DiagKind::EmptyKeyName)
                        {
                            let rejected =
                                d.kind == DiagKind::BadVersion && d.severity == DiagSeverity::Error;
                            self.report_diag(
                                cx,
                                attachment,
                                def,
                                d,
                                is_recur && recurring && top && rejected,
                            );
                        }
                    }
                    Some(Err(e)) => {
                        if is_recur && recurring && top {
                            continue;
                        }
                        self.report_error(cx, it, attachment, def, e, Severity::Error);
                    }
                }
            }
            let def = &names::TIME_ZONE_STRUCT;
            match &it.decoded().tz_struct {
                None => {}
                Some(Ok(reg)) => {
                    for d in &reg.diagnostics {
                        self.report_diag(cx, attachment, def, d, false);
                    }
                }
                Some(Err(e)) => {
                    let severity = if recurring && top {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    self.report_error(cx, it, attachment, def, e, severity);
                }
            }
        }
    }
}

impl MalformedTimezoneDefinition {
    fn report_diag(
        &self,
        cx: &mut ItemCx<'_>,
        attachment: Option<u32>,
        def: &PropDef,
        d: &Diagnostic,
        calcheck_0055: bool,
    ) {
        let f = cx.report(
            self,
            format!(
                "{}{} ({}.{}): {}",
                exception_prefix(attachment),
                def.alt_name,
                d.structure,
                d.field,
                d.message
            ),
        );
        f.severity(severity_of(d));
        if calcheck_0055 {
            f.calcheck("0055");
        }
        diag_evidence(f, def.name, d);
    }

    fn report_error(
        &self,
        cx: &mut ItemCx<'_>,
        it: &CalendarItem,
        attachment: Option<u32>,
        def: &'static PropDef,
        e: &Error,
        severity: Severity,
    ) {
        let f = cx.report(
            self,
            format!(
                "{}{} cannot be decoded: {e}",
                exception_prefix(attachment),
                def.alt_name
            ),
        );
        f.severity(severity);
        f.detail("No reader can use this time-zone property; clients fall back to other properties or to the local time zone");
        f.evidence("offset", format!("{} ({:#X})", e.offset(), e.offset()));
        f.evidence("field", format!("{}.{}", e.structure(), e.field()));
        prop_evidence(f, it, def);
    }
}
