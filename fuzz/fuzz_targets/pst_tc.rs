//! Hunts for panics in table contexts ([MS-PST] 2.3.4): TCINFO, the row index BTH, the row matrix
//! and every cell, with the cell existence bitmap.
//!
//! The input is a list of heap blocks, each prefixed by a 2-byte length; the row matrix is the
//! heap allocation `hnidRows` names (sub-node matrices are covered by the whole-file target).
#![no_main]

mod pst_support;

use calcheck_pst::ltp::{Cell, Heap, cell, is_hid, table_rows, tc_info};
use calcheck_pst::value::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (format, blocks) = pst_support::split_blocks(data);
    let Ok(heap) = Heap::new(blocks, format, "fuzz") else {
        return;
    };
    let Ok(info) = tc_info(&heap) else {
        return;
    };
    let matrix = if is_hid(info.hnid_rows) {
        heap.item(info.hnid_rows)
            .map(|b| vec![b.to_vec()])
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut warnings = Vec::new();
    let Ok(rows) = table_rows(&heap, &info, &matrix, &mut warnings) else {
        return;
    };
    for (_, row) in rows {
        assert_eq!(row.len(), info.row_size());
        for col in &info.columns {
            let bytes = match cell(&info, row, col) {
                Some(Cell::Inline(b)) => b.to_vec(),
                Some(Cell::Hnid(h)) if is_hid(h) => match heap.item(h) {
                    Ok(b) => b.to_vec(),
                    Err(_) => continue,
                },
                _ => continue,
            };
            let _ = decode(col.tag as u16, &bytes, 1252);
        }
    }
});
