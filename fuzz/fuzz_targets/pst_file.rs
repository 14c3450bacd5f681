//! Hunts for panics, hangs and unbounded allocations in the PST/OST reader over whole files
//! ([MS-PST] 2.2-2.4): header, B-trees, blocks, heaps, tables, the folder walk and message decoding.
//!
//! Random bytes almost never carry a valid header CRC, which would stop every input at the first
//! check; so when the input is long enough for a header, its two CRCs are recomputed before the
//! file is opened (the CRC check itself is covered by the unit tests). Every `Err` is a correct
//! answer; only a panic, a hang or an out-of-memory is a finding.
#![no_main]

use calcheck_pst::{Pst, Selection, crc::compute_crc};
use libfuzzer_sys::fuzz_target;

/// Most messages decoded per input, so one input cannot run for long.
const MAX_MESSAGES: usize = 64;

fn seal_header(data: &mut [u8]) {
    if data.len() < 564 {
        return;
    }
    let partial = compute_crc(&data[8..8 + 471]);
    data[4..8].copy_from_slice(&partial.to_le_bytes());
    // dwCRCFull exists in Unicode headers only; writing it into an ANSI header changes bytes the
    // ANSI layout does not use for anything but reserved fields.
    if data[10] >= 21 {
        let full = compute_crc(&data[8..8 + 516]);
        data[524..528].copy_from_slice(&full.to_le_bytes());
    }
}

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    seal_header(&mut bytes);
    let Ok(pst) = Pst::from_bytes(bytes) else {
        return;
    };
    let mut warnings = Vec::new();
    let _ = pst.ndb().all_nodes(&mut warnings);
    let _ = pst.ndb().all_blocks(&mut warnings);
    let _ = pst.store().map(|s| s.entry_id(0x2000_0024));
    let _ = pst.name_map().len();
    let Ok(mut tree) = pst.folders() else {
        return;
    };
    for f in &tree.folders {
        let _ = f.is_calendar();
        let _ = pst.associated_contents(f.nid);
    }
    // One thread, so an input's run does not depend on the machine; the listing on several
    // threads is compared with this one by the reader's tests.
    let selection = Selection {
        threads: 1,
        ..Selection::default()
    };
    let (entries, _) = pst.calendar_entries(&mut tree, selection);
    if let Ok(mut uncounted) = pst.folders_uncounted() {
        let _ = pst.calendar_entries(&mut uncounted, selection);
    }
    for (i, e) in entries.iter().take(MAX_MESSAGES).enumerate() {
        // Every other message is read as the checks read it, with only some property values.
        let read = if i % 2 == 0 {
            pst.message(e.nid)
        } else {
            pst.message_with(e.nid, &|id, ty| (id ^ ty) % 3 != 0)
        };
        if let Ok(m) = read {
            let _ = m.message_class();
            for w in &m.warnings {
                let _ = w.to_string();
            }
        }
    }
});
