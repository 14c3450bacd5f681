//! Decoded views of an item's calendar blobs, computed once per item with the decoders' diagnostics.
//!
//! Checks read `item.decoded().recurrence` instead of decoding PidLidAppointmentRecur themselves, so every
//! check sees the same decode and a blob is decoded once however many checks look at it.

use std::sync::Arc;

use calcheck_format::goid::{GlobalObjectId, decode_global_object_id};
use calcheck_format::recurrence::{
    AppointmentRecurrencePattern, decode_appointment_recurrence_with_codepage,
};
use calcheck_format::tzdef::{TzDefinition, decode_tz_definition};
use calcheck_format::tzreg::{TzReg, decode_tzreg};
use calcheck_format::{Decoded, Error};

use crate::bag::PropertyBag;
use crate::names::{self, PropDef};

/// A blob property's decode: absent, undecodable (with the error), or decoded (with diagnostics).
pub type View<T> = Option<Result<Decoded<T>, Error>>;

/// Every calendar blob of one item, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecodedViews {
    /// PidLidAppointmentRecur.
    pub recurrence: View<AppointmentRecurrencePattern>,
    /// PidLidAppointmentTimeZoneDefinitionStartDisplay.
    ///
    /// The three time-zone definitions hold their value behind an [`Arc`]: an item's definitions and
    /// those of a mailbox's items mostly repeat a handful of zones, so a remembered decode is shared
    /// instead of copied.
    pub tz_start_display: View<Arc<TzDefinition>>,
    /// PidLidAppointmentTimeZoneDefinitionEndDisplay.
    pub tz_end_display: View<Arc<TzDefinition>>,
    /// PidLidAppointmentTimeZoneDefinitionRecur.
    pub tz_recur: View<Arc<TzDefinition>>,
    /// PidLidTimeZoneStruct.
    pub tz_struct: View<TzReg>,
}

/// PidLidGlobalObjectId and PidLidCleanGlobalObjectId of `props`, decoded when asked.
///
/// They are not among the [`DecodedViews`]: every item carries them, no check needs their decoded
/// value (CC415 reads only the decoder's diagnostics, with
/// [`calcheck_format::goid::global_object_id_diagnostics`]), and building the value cost two
/// allocations per item. Both ids hold their value behind an [`Arc`]: a series or single meeting
/// stores the same bytes in both properties (its instance date is zero), and then both views share
/// one decode.
pub fn global_object_ids(
    props: &PropertyBag,
) -> (View<Arc<GlobalObjectId>>, View<Arc<GlobalObjectId>>) {
    let goid_bytes = props.binary(&names::GLOBAL_OBJECT_ID);
    let global_object_id = goid_bytes.map(decode_goid_shared);
    let clean_global_object_id = match (props.binary(&names::CLEAN_GLOBAL_OBJECT_ID), goid_bytes) {
        // Decoding is a function of the bytes alone, so equal bytes share the decode.
        (Some(clean), Some(goid)) if clean == goid => global_object_id.as_ref().map(share),
        (clean, _) => clean.map(decode_goid_shared),
    };
    (global_object_id, clean_global_object_id)
}

impl DecodedViews {
    /// Decodes every blob property present in `props`.
    ///
    /// ANSI strings inside the recurrence blob use the item's code page (PR_MESSAGE_CODEPAGE, then
    /// PR_INTERNET_CPID, then windows-1252).
    pub fn of(props: &PropertyBag) -> Self {
        // Only the recurrence blob needs the code page, and most items have none.
        let codepage = || {
            props
                .i32(&names::MESSAGE_CODEPAGE)
                .or_else(|| props.i32(&names::INTERNET_CODEPAGE))
                .and_then(|c| u16::try_from(c).ok())
                .unwrap_or(calcheck_format::props::CP_WINDOWS_1252)
        };
        let bin = |def: &PropDef| props.binary(def);
        // An item's definitions usually hold one zone twice or three times: a blob equal to one
        // decoded just before shares that decode, without asking the thread's memo.
        let start_bytes = bin(&names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY);
        let end_bytes = bin(&names::APPOINTMENT_TIME_ZONE_DEFINITION_END_DISPLAY);
        let recur_bytes = bin(&names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR);
        let tz_start_display = start_bytes.map(decode_tz_definition_memo);
        let tz_end_display = match end_bytes {
            Some(b) if start_bytes == Some(b) => tz_start_display.as_ref().map(share),
            other => other.map(decode_tz_definition_memo),
        };
        let tz_recur = match recur_bytes {
            Some(b) if end_bytes == Some(b) => tz_end_display.as_ref().map(share),
            Some(b) if start_bytes == Some(b) => tz_start_display.as_ref().map(share),
            other => other.map(decode_tz_definition_memo),
        };
        DecodedViews {
            recurrence: bin(&names::APPOINTMENT_RECUR)
                .map(|b| decode_appointment_recurrence_with_codepage(b, codepage())),
            tz_start_display,
            tz_end_display,
            tz_recur,
            tz_struct: bin(&names::TIME_ZONE_STRUCT).map(decode_tzreg),
        }
    }
}

/// [`decode_global_object_id`] with the value behind an [`Arc`] (see [`global_object_ids`]).
fn decode_goid_shared(bytes: &[u8]) -> Result<Decoded<Arc<GlobalObjectId>>, Error> {
    shared(decode_global_object_id(bytes))
}

/// A decode with its value moved behind an [`Arc`], so that views of equal bytes can share it.
fn shared<T>(decoded: Result<Decoded<T>, Error>) -> Result<Decoded<Arc<T>>, Error> {
    decoded.map(|d| Decoded {
        value: Arc::new(d.value),
        diagnostics: d.diagnostics,
    })
}

/// A second view of a shared decode: the value's reference count goes up and the diagnostics are
/// copied. Most decodes have no diagnostics, and an empty list is made rather than cloned.
fn share<T>(decoded: &Result<Decoded<Arc<T>>, Error>) -> Result<Decoded<Arc<T>>, Error> {
    match decoded {
        Ok(d) => Ok(Decoded {
            value: Arc::clone(&d.value),
            diagnostics: if d.diagnostics.is_empty() {
                Vec::new()
            } else {
                d.diagnostics.clone()
            },
        }),
        Err(e) => Err(e.clone()),
    }
}

/// How many TZDEFINITION decodes each thread remembers: a mailbox's items use a handful of zones, each
/// in a StartDisplay/EndDisplay form and a Recur form.
const TZ_MEMO_LEN: usize = 16;

/// Blobs longer than this are decoded without being remembered (real ones are a few hundred bytes).
const TZ_MEMO_MAX_BYTES: usize = 2048;

/// A time-zone definition's decode with the value shared (see [`DecodedViews::tz_start_display`]).
type SharedTz = Result<Decoded<Arc<TzDefinition>>, Error>;

/// A remembered decode: the blob and what it decoded to.
type TzMemoEntry = (Box<[u8]>, SharedTz);

/// The TZDEFINITION decodes one thread remembers.
struct TzMemo {
    /// Blobs and what they decoded to.
    entries: Vec<TzMemoEntry>,
    /// The entry the next new blob replaces once the memo is full (the oldest one).
    next: usize,
    /// The entry found or added last, tried first: an item's definitions usually repeat one blob.
    last: usize,
}

thread_local! {
    /// The TZDEFINITION blobs last decoded on this thread.
    static RECENT_TZ: std::cell::RefCell<TzMemo> = const {
        std::cell::RefCell::new(TzMemo { entries: Vec::new(), next: 0, last: 0 })
    };
}

/// [`decode_tz_definition`], remembering the last blobs decoded on this thread.
///
/// An item usually carries one time zone in two or three of its definitions, and the items of a
/// mailbox share a handful of zones, so most blobs were decoded a moment ago. Decoding is a function
/// of the bytes alone, so a blob equal to a remembered one shares its decoded value (a reference
/// count, not a copy of the rules and key name) and copies its diagnostics.
fn decode_tz_definition_memo(bytes: &[u8]) -> SharedTz {
    let remembered = RECENT_TZ.with(|memo| {
        let mut memo = memo.try_borrow_mut().ok()?;
        let last = memo.last;
        let at = match memo.entries.get(last) {
            Some((b, _)) if **b == *bytes => last,
            _ => memo.entries.iter().position(|(b, _)| **b == *bytes)?,
        };
        memo.last = at;
        memo.entries.get(at).map(|(_, decoded)| share(decoded))
    });
    if let Some(out) = remembered {
        return out;
    }
    let out = shared(decode_tz_definition(bytes));
    if bytes.len() <= TZ_MEMO_MAX_BYTES {
        RECENT_TZ.with(|memo| {
            if let Ok(mut memo) = memo.try_borrow_mut() {
                let entry = (Box::from(bytes), out.clone());
                if memo.entries.len() < TZ_MEMO_LEN {
                    memo.last = memo.entries.len();
                    memo.entries.push(entry);
                } else {
                    let at = memo.next % TZ_MEMO_LEN;
                    if let Some(slot) = memo.entries.get_mut(at) {
                        *slot = entry;
                    }
                    memo.last = at;
                    memo.next = (at + 1) % TZ_MEMO_LEN;
                }
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use calcheck_format::props::PropValue;

    use crate::{CalendarItem, ItemRef, Locator, Property, names};

    fn vector(rel: &str) -> Vec<u8> {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/vectors")
            .join(rel);
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        calcheck_format::hex::decode_hex(&text).unwrap()
    }

    #[test]
    fn remembered_time_zone_decodes_equal_fresh_ones() {
        use calcheck_format::tzdef::decode_tz_definition;
        // Blobs of more zones than the memo holds, each decoded again after others pushed it out or
        // not, and a broken one: the memo gives what a fresh decode gives, errors included.
        let mut blobs = Vec::new();
        for rel in [
            "tzdefinition/mfcmapi-TIMEZONEDEFINITION-1.hex",
            "tzdefinition/mfcmapi-TIMEZONEDEFINITION-2.hex",
            "tzdefinition/hughbe-recurring-appointment-morocco-15-rules-enddisplay.hex",
            "tzdefinition/oxocal-4.1.4-pacific-2-rules.hex",
            "tzdefinition/msgreader-appointment-sample-est-startdisplay.hex",
        ] {
            blobs.push(vector(rel));
        }
        blobs.push(vec![0x02, 0x01, 0x30]);
        for round in 0..3 {
            for b in blobs.iter().chain(blobs.iter().rev()) {
                let fresh = decode_tz_definition(b);
                let remembered = super::decode_tz_definition_memo(b);
                match (&remembered, &fresh) {
                    (Ok(m), Ok(f)) => {
                        assert_eq!(*m.value, f.value, "{round}");
                        assert_eq!(m.diagnostics, f.diagnostics, "{round}");
                    }
                    _ => assert_eq!(remembered.err(), fresh.err(), "{round}"),
                }
            }
        }
    }

    #[test]
    fn decoded_views_come_from_the_item_properties() {
        let mut item = CalendarItem::new(ItemRef::new(
            Arc::from(Path::new("x.msg")),
            "",
            Locator::MsgFile,
        ));
        let def = &names::TIME_ZONE_STRUCT;
        let blob = vector("tzstruct/oxocal-4.1.5-pacific-tzreg.hex");
        item.props.insert(Property::new(
            def.key.to_key(),
            0x0102,
            PropValue::Binary(blob),
        ));
        let tz = item.decoded().tz_struct.as_ref().unwrap().as_ref().unwrap();
        // [MS-OXOCAL] 4.1.5 publishes lBias 480 and lDaylightBias -60 for Pacific time.
        assert_eq!(tz.value.l_bias, 480);
        assert_eq!(tz.value.l_daylight_bias, -60);
        assert!(item.decoded().recurrence.is_none());
        // A truncated GlobalObjectId is kept as the decoder's error, not dropped.
        let goid = &names::GLOBAL_OBJECT_ID;
        item.props.insert(Property::new(
            goid.key.to_key(),
            0x0102,
            PropValue::Binary(vec![4, 0, 0, 0]),
        ));
        assert!(matches!(
            super::global_object_ids(&item.props).0,
            Some(Err(_))
        ));
    }

    #[test]
    fn time_zone_views_equal_fresh_decodes_whichever_definitions_repeat() {
        use calcheck_format::tzdef::decode_tz_definition;
        let est = vector("tzdefinition/msgreader-appointment-sample-est-startdisplay.hex");
        let pacific = vector("tzdefinition/oxocal-4.1.4-pacific-2-rules.hex");
        let broken = vec![0x02, 0x01, 0x30];
        let defs = [
            &names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY,
            &names::APPOINTMENT_TIME_ZONE_DEFINITION_END_DISPLAY,
            &names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR,
        ];
        // Start, end and recur blobs: all equal, recur repeating the end only, all different, one
        // missing, and a broken blob repeated.
        let cases: [[Option<&Vec<u8>>; 3]; 5] = [
            [Some(&est), Some(&est), Some(&est)],
            [Some(&est), Some(&pacific), Some(&pacific)],
            [Some(&est), Some(&pacific), Some(&broken)],
            [None, Some(&est), Some(&est)],
            [Some(&broken), Some(&broken), None],
        ];
        for (n, case) in cases.iter().enumerate() {
            let mut item = CalendarItem::new(ItemRef::new(
                Arc::from(Path::new("x.msg")),
                "",
                Locator::MsgFile,
            ));
            for (def, blob) in defs.iter().zip(case) {
                if let Some(b) = blob {
                    item.props.insert(Property::new(
                        def.key.to_key(),
                        0x0102,
                        PropValue::Binary((*b).clone()),
                    ));
                }
            }
            let d = item.decoded();
            let views = [&d.tz_start_display, &d.tz_end_display, &d.tz_recur];
            for (view, blob) in views.iter().zip(case) {
                match (view, blob) {
                    (None, None) => {}
                    (Some(Ok(v)), Some(b)) => {
                        let fresh = decode_tz_definition(b).unwrap();
                        assert_eq!(*v.value, fresh.value, "{n}");
                        assert_eq!(v.diagnostics, fresh.diagnostics, "{n}");
                    }
                    (Some(Err(e)), Some(b)) => {
                        assert_eq!(Some(e.clone()), decode_tz_definition(b).err(), "{n}");
                    }
                    _ => panic!("case {n}: a view without its property or the reverse"),
                }
            }
        }
    }

    #[test]
    fn equal_ids_share_one_decode_and_different_ids_decode_apart() {
        let mut item = CalendarItem::new(ItemRef::new(
            Arc::from(Path::new("x.msg")),
            "",
            Locator::MsgFile,
        ));
        let put = |item: &mut CalendarItem, def: &names::PropDef, bytes: Vec<u8>| {
            item.props.insert(Property::new(
                def.key.to_key(),
                0x0102,
                PropValue::Binary(bytes),
            ));
            item.reset_decoded();
        };
        // MFCMAPI's GLOBALOBJECTID-1 has no instance date, so it is its own clean id.
        let series = vector("global_object_id/mfcmapi-GLOBALOBJECTID-1.hex");
        put(&mut item, &names::GLOBAL_OBJECT_ID, series.clone());
        put(&mut item, &names::CLEAN_GLOBAL_OBJECT_ID, series.clone());
        let (goid, clean) = super::global_object_ids(&item.props);
        let (goid, clean) = (goid.unwrap().unwrap(), clean.unwrap().unwrap());
        assert!(Arc::ptr_eq(&goid.value, &clean.value));
        // MFCMAPI's rendering: Size 0x10, Data E73C73F7..., created 2010-04-26.
        assert_eq!(goid.value.size, 16);
        assert_eq!(goid.value.data.first(), Some(&0xE7));
        assert_eq!(goid.value.creation_time, 0x01CA_E532_F509_DBF0);
        // An instance id (2010-10-13, from opush) next to a different clean id: each its own decode.
        let instance = vector("global_object_id/opush-testDecompress3-instance-2010-10-13.hex");
        put(&mut item, &names::GLOBAL_OBJECT_ID, instance);
        let (goid, clean) = super::global_object_ids(&item.props);
        let (goid, clean) = (goid.unwrap().unwrap(), clean.unwrap().unwrap());
        assert_eq!(
            (goid.value.year, goid.value.month, goid.value.day),
            (2010, 10, 13)
        );
        assert_eq!(
            (clean.value.year, clean.value.month, clean.value.day),
            (0, 0, 0)
        );
        assert_eq!(clean.value.size, 16);
    }
}
