//! CC214 exception-attachment-mismatch: the exception attachments do not match the exceptions of PidLidAppointmentRecur.

use calcheck_format::recurrence::{ExceptionInfo, TailSection};
use calcheck_format::time::format_filetime;
use calcheck_model::{Attachment, CalendarItem, names};

use crate::checks::series::{
    EXCEPTION_CLASS_PREFIX, SeriesZones, filetime_minutes, format_local, minutes_evidence,
    recurrence,
};
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;
use crate::finding::Finding;
use crate::meta::Severity;

/// Above this many exceptions without attachment, one finding lists them all.
const MAX_SINGLE_FINDINGS: usize = 10;
/// afEmbeddedMessage in PR_ATTACH_METHOD.
const ATTACH_EMBEDDED_MSG: i32 = 5;

declare_check! {
    /// ## What it checks
    /// That the exception attachments of a series and the ExceptionInfo entries of its
    /// PidLidAppointmentRecur describe the same exceptions:
    ///
    /// - every ExceptionInfo (a modified instance) has one exception attachment;
    /// - every exception attachment belongs to an ExceptionInfo (no orphans, no two for one instance);
    /// - the embedded message's PidLidAppointmentStartWhole / EndWhole (UTC) are the ExceptionInfo's
    ///   StartDateTime / EndDateTime (local) converted with the series' time zone, and the attachment's
    ///   PR_EXCEPTION_STARTTIME / ENDTIME (local) equal them;
    /// - each exception attachment has afException in PR_ATTACHMENT_FLAGS, PR_ATTACH_METHOD 5 (embedded
    ///   message) and PR_ATTACHMENT_HIDDEN true.
    ///
    /// An attachment is matched to the ExceptionInfo whose OriginalStartDate (local) converts to the
    /// embedded message's PidLidExceptionReplaceTime (UTC); PR_EXCEPTION_REPLACETIME on the attachment is
    /// the fallback, compared as local time (real Outlook files store local time there although the spec
    /// says UTC) and as UTC. The series' time zones are PidLidAppointmentTimeZoneDefinitionRecur and
    /// PidLidTimeZoneStruct, and a time matches when it agrees under either; without both,
    /// TZDefStartDisplay, and without any time zone the offset between PidLidAppointmentStartWhole and the
    /// blob's first start. An attachment counts as an exception attachment when it has afException,
    /// PR_EXCEPTION_REPLACETIME, or an embedded message of class `IPM.OLE.CLASS.{00061055-...}` or with
    /// PidLidExceptionReplaceTime.
    ///
    /// Deleted occurrences have no attachment, so they are not counted. When more than ten exceptions lack
    /// an attachment, one finding lists them all instead of one finding each. When the blob is cut short inside
    /// its ExceptionInfo array, attachments of the lost entries cannot be told from orphans and are not
    /// reported as such.
    ///
    /// ## Why it matters
    /// Outlook draws an exception from the blob but opens it from the attachment. When they disagree, the
    /// moved meeting shows at one time and opens at another, changes to one occurrence vanish, or opening
    /// the occurrence fails; orphaned exception attachments grow the item until it hits size limits.
    ///
    /// ## How to fix
    /// Delete the affected occurrence and recreate it, or recreate the series. For meetings the organizer
    /// can send an update of the occurrence; Exchange's calendar repair also removes orphans.
    ///
    /// ## Example
    /// A series whose blob lists an exception on 2024-05-13 while its only exception attachment replaces
    /// the 2024-05-20 instance: one missing attachment and one orphan.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.10.1 (exception attachment), 2.2.10.2 (exception embedded message), 2.2.1.44.2.
    /// Not in CalCheck, which counted attachments only (0037).
    pub ExceptionAttachmentMismatch,
    code: "CC214", name: "exception-attachment-mismatch", severity: Error, category: Recurrence,
    calcheck: [],
    needs: { attachments },
    summary: "Exception attachments do not match the exceptions in PidLidAppointmentRecur",
}

/// An attachment that holds, or claims to hold, a recurrence exception.
struct Candidate<'a> {
    att: &'a Attachment,
    embedded: Option<&'a CalendarItem>,
    /// The embedded message's PidLidExceptionReplaceTime, in UTC minutes.
    replace_utc: Option<u64>,
    /// The attachment's PR_EXCEPTION_REPLACETIME, in minutes (local time in real Outlook data).
    replace_attach: Option<u64>,
}

impl<'a> Candidate<'a> {
    fn of(att: &'a Attachment) -> Option<Self> {
        let embedded = att.embedded.as_deref();
        let replace_utc = embedded
            .and_then(|e| e.props.time(&names::EXCEPTION_REPLACE_TIME))
            .map(filetime_minutes);
        let replace_attach = att
            .props
            .time(&names::EXCEPTION_REPLACE_TIME_ATTACH)
            .map(filetime_minutes);
        let exception_class = embedded.is_some_and(|e| {
            crate::facts::starts_with_ignore_ascii_case(e.message_class(), EXCEPTION_CLASS_PREFIX)
        });
        let is_exception = att.is_exception()
            || replace_attach.is_some()
            || replace_utc.is_some()
            || exception_class;
        is_exception.then_some(Candidate {
            att,
            embedded,
            replace_utc,
            replace_attach,
        })
    }

    /// The ExceptionInfo entry this attachment is matched to, among those its replace times name:
    /// the first (lowest) one that `free` says no earlier attachment took, else the first one.
    fn pick(&self, index: &OriginalIndex, free: impl Fn(usize) -> bool) -> Option<usize> {
        let mut first: Option<usize> = None;
        let mut first_free: Option<usize> = None;
        let lookups = [
            (&index.utc, self.replace_utc),
            (&index.local, self.replace_attach),
            (&index.utc, self.replace_attach),
        ];
        for (keys, key) in lookups {
            let Some(key) = key else { continue };
            for i in OriginalIndex::entries(keys, key) {
                first = Some(first.map_or(i, |f| f.min(i)));
                if free(i) {
                    first_free = Some(first_free.map_or(i, |f| f.min(i)));
                }
            }
        }
        first_free.or(first)
    }
}

/// The ExceptionInfo entries by original start, local and converted to UTC, so that matching an
/// attachment is a lookup rather than a conversion per pair (a blob may hold thousands of exceptions).
///
/// Each list holds (original start, entry index) pairs sorted, so the entries of one start are a run
/// found by binary search; two sorted lists cost two allocations where maps of lists cost one per
/// start.
struct OriginalIndex {
    local: Vec<(u64, usize)>,
    utc: Vec<(u64, usize)>,
}

impl OriginalIndex {
    fn of(exceptions: &[ExceptionInfo], zones: &SeriesZones<'_>) -> Self {
        let mut local: Vec<(u64, usize)> = Vec::with_capacity(exceptions.len());
        let mut utc: Vec<(u64, usize)> = Vec::with_capacity(exceptions.len());
        for (i, e) in exceptions.iter().enumerate() {
            let original = u64::from(e.original_start_date);
            local.push((original, i));
            for &m in zones.to_utc(original).iter() {
                utc.push((m, i));
            }
        }
        local.sort_unstable();
        utc.sort_unstable();
        OriginalIndex { local, utc }
    }

    /// The entry indices of `key` in a sorted list, ascending.
    fn entries(keys: &[(u64, usize)], key: u64) -> impl Iterator<Item = usize> + '_ {
        let start = keys.partition_point(|(k, _)| *k < key);
        keys.get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(move |(k, _)| *k == key)
            .map(|(_, i)| *i)
    }
}

impl Check for ExceptionAttachmentMismatch {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let candidates: Vec<Candidate<'_>> =
            item.attachments.iter().filter_map(Candidate::of).collect();
        for c in &candidates {
            self.check_flags(c, cx);
        }
        let blob = &item.decoded().recurrence;
        let Some(r) = recurrence(item) else {
            // Without any recurrence data every exception attachment is an orphan; an undecodable blob
            // (CC205) leaves nothing to match against.
            if blob.is_none() {
                for c in &candidates {
                    let f = cx.report(
                        self,
                        format!(
                            "Exception attachment {} belongs to an item without recurrence data",
                            c.att.index
                        ),
                    );
                    f.detail("The item has no PidLidAppointmentRecur, so no client will show this exception");
                    candidate_evidence(f, c);
                }
            }
            return;
        };
        let a = &r.value;
        let zones = SeriesZones::of(item, a);
        let index = OriginalIndex::of(&a.exception_info, &zones);
        // The attachment each ExceptionInfo entry got first and how many claimed it. Attachments are
        // matched in order, so an entry's claimants are the attachments that `owner` gives it, in
        // order; the few entries claimed twice are listed from there.
        let mut owner: Vec<Option<usize>> = vec![None; candidates.len()];
        let mut claims: Vec<(Option<usize>, usize)> = vec![(None, 0); a.exception_info.len()];
        for (ci, c) in candidates.iter().enumerate() {
            // Prefer an ExceptionInfo no earlier attachment took, so two exceptions that replace the same
            // instance (a DuplicateDates diagnostic) each keep their attachment.
            let pick = c.pick(&index, |i| claims.get(i).is_some_and(|(_, n)| *n == 0));
            if let Some(i) = pick {
                owner[ci] = Some(i);
                if let Some((first, n)) = claims.get_mut(i) {
                    first.get_or_insert(ci);
                    *n += 1;
                }
            }
        }
        let is_unmatched = |i: &usize| claims.get(*i).is_none_or(|(_, n)| *n == 0);
        let unmatched = (0..a.exception_info.len()).filter(is_unmatched).count();
        if unmatched > MAX_SINGLE_FINDINGS {
            // A series stripped of all its exception attachments would otherwise give one finding per
            // exception; one finding with every original start as evidence says the same.
            let f = cx.report(
                self,
                format!(
                    "{} of the {} exceptions have no exception attachment",
                    unmatched,
                    a.exception_info.len()
                ),
            );
            f.detail("No attachment's PidLidExceptionReplaceTime or PR_EXCEPTION_REPLACETIME names their original starts; Outlook shows these exceptions but cannot open them");
            for i in (0..a.exception_info.len()).filter(is_unmatched) {
                if let Some(e) = a.exception_info.get(i) {
                    f.evidence(
                        format!("ExceptionInfo[{i}].OriginalStartDate"),
                        minutes_evidence(e.original_start_date),
                    );
                }
            }
        }
        for (i, e) in a.exception_info.iter().enumerate() {
            match claims.get(i).copied().unwrap_or((None, 0)) {
                (_, 0) | (None, _) if unmatched > MAX_SINGLE_FINDINGS => {}
                (_, 0) | (None, _) => {
                    let f = cx.report(
                        self,
                        format!(
                            "The exception of the instance originally at {} has no exception attachment",
                            format_local(u64::from(e.original_start_date))
                        ),
                    );
                    f.detail(format!(
                        "ExceptionInfo[{i}] has no attachment whose PidLidExceptionReplaceTime or PR_EXCEPTION_REPLACETIME names its original start; Outlook shows the exception but cannot open it"
                    ));
                    exception_evidence(f, i, e, &zones);
                }
                (Some(first), n) => {
                    let rest = owner
                        .iter()
                        .enumerate()
                        .filter(|(ci, o)| *ci != first && **o == Some(i))
                        .map(|(ci, _)| ci)
                        .take(n - 1);
                    for extra in rest {
                        if let (Some(c0), Some(c)) = (candidates.get(first), candidates.get(extra))
                        {
                            let f = cx.report(
                                self,
                                format!(
                                    "Exception attachments {} and {} both replace the instance originally at {}",
                                    c0.att.index,
                                    c.att.index,
                                    format_local(u64::from(e.original_start_date))
                                ),
                            );
                            f.severity(Severity::Warning);
                            f.detail("Clients open one of them; the other is dead weight or a stale copy of the exception");
                            exception_evidence(f, i, e, &zones);
                            candidate_evidence(f, c);
                        }
                    }
                    if let Some(c) = candidates.get(first) {
                        self.check_times(c, i, e, &zones, cx);
                    }
                }
            }
        }
        let lost_entries =
            matches!(&a.truncated, Some(t) if t.section == TailSection::ExceptionInfo);
        if lost_entries {
            return;
        }
        for (c, o) in candidates.iter().zip(&owner) {
            if o.is_none() {
                let f = cx.report(
                    self,
                    format!(
                        "Exception attachment {} matches no exception in the recurrence data",
                        c.att.index
                    ),
                );
                f.detail(format!(
                    "No ExceptionInfo has an OriginalStartDate that its replace time names (time zones: {}); Outlook ignores the attachment",
                    if zones.is_empty() { "none known".to_owned() } else { zones.describe() }
                ));
                candidate_evidence(f, c);
            }
        }
    }
}

impl ExceptionAttachmentMismatch {
    /// The attachment-object rules of [MS-OXOCAL] 2.2.10.1.
    fn check_flags(&self, c: &Candidate<'_>, cx: &mut ItemCx<'_>) {
        let p = &c.att.props;
        let n = c.att.index;
        if !c.att.is_exception() {
            let f = cx.report(
                self,
                format!("Exception attachment {n} lacks afException in PR_ATTACHMENT_FLAGS"),
            );
            f.detail("Clients that look for exceptions by this flag do not find the exception");
            candidate_evidence(f, c);
        }
        let method = p.i32(&names::ATTACH_METHOD);
        if method != Some(ATTACH_EMBEDDED_MSG) {
            let f = cx.report(
                self,
                format!("Exception attachment {n} is not an embedded message (PR_ATTACH_METHOD is not 5)"),
            );
            f.detail("An exception must be stored as an embedded message; other methods cannot be opened as an occurrence");
            candidate_evidence(f, c);
        } else if c.embedded.is_none() {
            let f = cx.report(
                self,
                format!("Exception attachment {n} has no readable embedded message"),
            );
            f.detail("PR_ATTACH_METHOD is 5 but the embedded exception message is missing or could not be read (see CC902)");
            candidate_evidence(f, c);
        }
        if p.bool(&names::ATTACHMENT_HIDDEN) != Some(true) {
            let f = cx.report(
                self,
                format!(
                    "Exception attachment {n} is not hidden (PR_ATTACHMENT_HIDDEN is not true)"
                ),
            );
            f.severity(Severity::Warning);
            f.detail("Outlook lists a visible exception attachment among the item's attachments");
            candidate_evidence(f, c);
        }
    }

    /// Start and end of a matched exception: embedded StartWhole/EndWhole (UTC) and the attachment's
    /// PR_EXCEPTION_STARTTIME/ENDTIME (local) against the ExceptionInfo.
    fn check_times(
        &self,
        cand: &Candidate<'_>,
        index: usize,
        info: &ExceptionInfo,
        zones: &SeriesZones<'_>,
        cx: &mut ItemCx<'_>,
    ) {
        let att_no = cand.att.index;
        if let Some(em) = cand.embedded {
            for (def, local, what) in [
                (
                    &names::APPOINTMENT_START_WHOLE,
                    info.start_date_time,
                    "starts",
                ),
                (&names::APPOINTMENT_END_WHOLE, info.end_date_time, "ends"),
            ] {
                let local = u64::from(local);
                match em.props.time(def) {
                    None => {
                        let f = cx.report(
                            self,
                            format!(
                                "The embedded message of exception attachment {att_no} has no {}",
                                def.name
                            ),
                        );
                        f.detail("An exception message must carry its start and end, even when they are unchanged");
                        exception_evidence(f, index, info, zones);
                    }
                    Some(stored)
                        if !zones.is_empty()
                            && !zones.to_utc(local).contains(&filetime_minutes(stored)) =>
                    {
                        let f = cx.report(
                            self,
                            format!(
                                "Exception attachment {att_no} {what} at {} but the recurrence data says {}",
                                format_filetime(stored),
                                zones.describe_utc(local)
                            ),
                        );
                        f.detail(format!(
                            "ExceptionInfo[{index}] gives {} local time, converted with {}",
                            format_local(local),
                            zones.describe()
                        ));
                        exception_evidence(f, index, info, zones);
                        candidate_evidence(f, cand);
                    }
                    Some(_) => {}
                }
            }
        }
        for (def, local, what) in [
            (&names::EXCEPTION_START_TIME, info.start_date_time, "start"),
            (&names::EXCEPTION_END_TIME, info.end_date_time, "end"),
        ] {
            let local = u64::from(local);
            if let Some(stored) = cand.att.props.time(def) {
                let m = filetime_minutes(stored);
                if m != local && !zones.to_utc(local).contains(&m) {
                    let f = cx.report(
                        self,
                        format!(
                            "Exception attachment {att_no} has {} {} but the recurrence data says {} local time",
                            def.name,
                            format_local(m),
                            format_local(local)
                        ),
                    );
                    f.severity(Severity::Warning);
                    f.detail(format!(
                        "The attachment's copy of the exception {what} is informational, but it disagrees with ExceptionInfo[{index}]"
                    ));
                    exception_evidence(f, index, info, zones);
                    candidate_evidence(f, cand);
                }
            }
        }
    }
}

/// Evidence about one ExceptionInfo.
fn exception_evidence(f: &mut Finding, i: usize, e: &ExceptionInfo, zones: &SeriesZones<'_>) {
    f.evidence(format!("ExceptionInfo[{i}] offset"), e.offset.to_string());
    f.evidence(
        format!("ExceptionInfo[{i}].OriginalStartDate"),
        format!(
            "{} = {}",
            minutes_evidence(e.original_start_date),
            zones.describe_utc(u64::from(e.original_start_date))
        ),
    );
    f.evidence(
        format!("ExceptionInfo[{i}].StartDateTime"),
        minutes_evidence(e.start_date_time),
    );
    f.evidence(
        format!("ExceptionInfo[{i}].EndDateTime"),
        minutes_evidence(e.end_date_time),
    );
}

/// Evidence about one exception attachment.
fn candidate_evidence(f: &mut Finding, c: &Candidate<'_>) {
    let n = c.att.index;
    let p = &c.att.props;
    let show = |v: Option<String>| v.unwrap_or_else(|| "(missing)".to_owned());
    f.evidence(
        format!("attachment {n} PidTagAttachmentFlags"),
        show(
            p.i32(&names::ATTACHMENT_FLAGS)
                .map(|v| format!("{v:#010X}")),
        ),
    );
    f.evidence(
        format!("attachment {n} PidTagAttachMethod"),
        show(p.i32(&names::ATTACH_METHOD).map(|v| v.to_string())),
    );
    f.evidence(
        format!("attachment {n} PidTagAttachmentHidden"),
        show(p.bool(&names::ATTACHMENT_HIDDEN).map(|v| v.to_string())),
    );
    f.evidence(
        format!("attachment {n} PidTagExceptionReplaceTime"),
        show(
            p.time(&names::EXCEPTION_REPLACE_TIME_ATTACH)
                .map(format_filetime),
        ),
    );
    if let Some(e) = c.embedded {
        let ep = &e.props;
        for def in [
            &names::EXCEPTION_REPLACE_TIME,
            &names::APPOINTMENT_START_WHOLE,
            &names::APPOINTMENT_END_WHOLE,
        ] {
            f.evidence(
                format!("attachment {n} embedded {}", def.name),
                show(ep.time(def).map(format_filetime)),
            );
        }
    }
}
