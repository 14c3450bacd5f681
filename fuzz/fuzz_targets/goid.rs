//! Hunts for panics, hangs and broken invariants in the GlobalObjectId decoder ([MS-OXOCAL] 2.2.1.27).
//!
//! Any input is offered to `decode_global_object_id`; an `Err` is a correct answer. A decoded id is
//! then driven through every helper a check uses (instance date, creation time, CleanGlobalObjectId,
//! iCalendar and vCal UIDs), and the invariants the decoder documents are asserted: the encoder
//! reproduces the input byte for byte, and the clean form decodes to the same id without a date.
#![no_main]

use calcheck_format::goid::{decode_global_object_id, encode_global_object_id};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(decoded) = decode_global_object_id(data) else {
        return;
    };
    for diagnostic in &decoded.diagnostics {
        let _ = diagnostic.to_string();
    }
    let id = &decoded.value;
    let _ = id.is_instance();
    let _ = id.instance_date();
    let _ = id.creation_time_utc();
    let _ = id.vcal_uid();
    let uid = id.ical_uid();
    assert!(!uid.is_empty() || id.vcal_uid() == Some(""));

    // The decoder keeps every byte (Data and anything past Size), so encoding gives the input back.
    assert_eq!(
        encode_global_object_id(id),
        data,
        "GlobalObjectId did not round-trip"
    );

    // CleanGlobalObjectId is the same bytes with the instance date zeroed ([MS-OXOCAL] 2.2.1.28).
    let clean = id.clean();
    assert_eq!(clean.len(), data.len());
    let again = decode_global_object_id(&clean).expect("a clean id of a decoded id decodes");
    assert!(!again.value.is_instance());
    assert_eq!(again.value, id.clean_id());
    assert_eq!(
        again.value.ical_uid(),
        uid,
        "the UID must not depend on the instance date"
    );
});
