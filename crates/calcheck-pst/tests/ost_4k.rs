//! The OST 2013 file of the corpus (`pstextractor__pstextractortest@outlook.com.ost`, 4 KiB pages,
//! 512-byte aligned blocks, zlib-compressed blocks): its calendar items as the corpus description
//! (shared/corpus/SOURCES.md, cross-checked there with pffexport, readpst and pypff) counts them,
//! and the cell existence bitmap case of shared/docs/peers.md.

mod common;

use calcheck_format::recurrence::decode_appointment_recurrence;
use calcheck_format::tzdef::decode_tz_definition;
use calcheck_pst::{Format, Message, NameId, PropValue, Pst, Selection, ltp};

const OST: &str = "pst/pstextractor__pstextractortest@outlook.com.ost";

fn named(m: &Message, guid: calcheck_format::Guid, lid: u32) -> Option<&PropValue> {
    m.props.iter().find_map(|p| match &p.named {
        Some(n) if n.guid == guid && n.id == NameId::Lid(lid) => Some(&p.value),
        _ => None,
    })
}

const PSETID_APPOINTMENT: calcheck_format::Guid =
    calcheck_format::Guid::from_fields(0x0006_2002, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
const PSETID_MEETING: calcheck_format::Guid = calcheck_format::Guid::from_fields(
    0x6ED8_DA90,
    0x450B,
    0x101B,
    [0x98, 0xDA, 0x00, 0xAA, 0x00, 0x3F, 0x13, 0x05],
);

#[test]
fn ost_4k_layout_and_compressed_blocks() {
    let pst = Pst::open(common::corpus_dir().join(OST)).unwrap();
    assert_eq!(pst.header().format, Format::Unicode4k);
    assert_eq!(pst.header().version, 36);
    // peers.md: 888 of the OST's 1469 blocks are zlib-compressed (stored size < inflated size).
    let mut w = Vec::new();
    let blocks = pst.ndb().all_blocks(&mut w).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(blocks.len(), 1469);
    assert_eq!(blocks.iter().filter(|b| b.cb < b.cb_inflated).count(), 888);
    // Every block reads: its trailer names it, its CRC matches and compressed ones inflate to
    // exactly the size the BBT gives.
    for b in &blocks {
        let data = pst.ndb().read_block(b.bref.bid, &mut w).unwrap();
        assert_eq!(data.len(), usize::from(b.cb_inflated));
    }
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn ost_4k_calendar_items() {
    let pst = Pst::open(common::corpus_dir().join(OST)).unwrap();
    let mut tree = pst.folders().unwrap();
    assert!(tree.warnings.is_empty(), "{:?}", tree.warnings);
    let (entries, warnings) = pst.calendar_entries(&mut tree, Selection::default());
    assert!(warnings.is_empty(), "{warnings:?}");
    // SOURCES.md: 175 calendar items: 169 IPM.Appointment, 4 IPM.Schedule.Meeting.Request,
    // 2 IPM.Schedule.Meeting.Resp.Pos; 167 with TZDEFINITIONs (Pacific/Mountain Standard Time),
    // all with GlobalObjectId; 16 recurring (Day/Week/Month patterns, no exceptions).
    assert_eq!(entries.len(), 175);
    let (mut appointments, mut requests, mut responses) = (0, 0, 0);
    let (mut with_tz, mut recurring, mut with_goid) = (0, 0, 0);
    for e in &entries {
        let m = pst.message(e.nid).unwrap();
        assert!(m.warnings.is_empty(), "{:#x}: {:?}", e.nid, m.warnings);
        let class = m.message_class().unwrap();
        assert_eq!(Some(class), e.cached_class.as_deref());
        match class {
            "IPM.Appointment" => {
                appointments += 1;
                assert!(tree.folders[e.folder].is_calendar());
            }
            "IPM.Schedule.Meeting.Request" => requests += 1,
            "IPM.Schedule.Meeting.Resp.Pos" => responses += 1,
            other => panic!("unexpected class {other}"),
        }
        if class.starts_with("IPM.Schedule.Meeting") {
            // peers.md: pffexport shows 0 recipients and no start/end for these items, but each
            // has one recipient row and [MS-OXOCAL] 2.2.6 gives meeting objects the appointment's
            // PidLidAppointmentStartWhole/EndWhole; the PST holds both.
            assert_eq!(m.recipients.len(), 1, "{:#x}", e.nid);
            assert!(named(&m, PSETID_APPOINTMENT, 0x820D).is_some());
            assert!(named(&m, PSETID_APPOINTMENT, 0x820E).is_some());
        }
        if let Some(tz) = named(&m, PSETID_APPOINTMENT, 0x825E).and_then(PropValue::as_binary) {
            let def = decode_tz_definition(tz).unwrap().value;
            let key = def.key_name.unwrap_or_default();
            assert!(
                key == "Pacific Standard Time" || key == "Mountain Standard Time",
                "{key}"
            );
            with_tz += 1;
        }
        if let Some(blob) = named(&m, PSETID_APPOINTMENT, 0x8216).and_then(PropValue::as_binary) {
            let recur = decode_appointment_recurrence(blob).unwrap().value;
            assert_eq!(recur.exception_count, 0);
            recurring += 1;
        }
        if named(&m, PSETID_MEETING, 0x0003).is_some() {
            with_goid += 1;
        }
    }
    assert_eq!((appointments, requests, responses), (169, 4, 2));
    assert_eq!((with_tz, recurring, with_goid), (167, 16, 175));
}

#[test]
fn ost_4k_absent_cell_is_absent() {
    // peers.md: libpff reports PR_RECIPIENT_TRACKSTATUS_TIME 0 (1601-01-01) on an organizer
    // recipient row whose cell existence bitmap marks the cell absent. The row of message
    // 0x202864 with PR_RECIPIENT_FLAGS 3 (recipSendable | recipOrganizer) is that row.
    let pst = Pst::open(common::corpus_dir().join(OST)).unwrap();
    let mut w = Vec::new();
    let node = pst.ndb().node(0x0020_2864, &mut w).unwrap();
    let subs = pst.ndb().subnodes(node.bid_sub, &mut w).unwrap();
    let table = subs.get(0x692).unwrap();
    let blocks = pst
        .ndb()
        .node_data(table.bid_data, 1 << 20, &mut w)
        .unwrap();
    let heap = ltp::Heap::new(blocks, Format::Unicode4k, "recipient table").unwrap();
    let info = ltp::tc_info(&heap).unwrap();
    let matrix = vec![heap.item(info.hnid_rows).unwrap().to_vec()];
    let rows = ltp::table_rows(&heap, &info, &matrix, &mut w).unwrap();
    let col = |tag| info.columns.iter().find(|c| c.tag == tag).unwrap();
    let organizer = rows
        .iter()
        .find(|(_, row)| {
            ltp::cell(&info, row, col(0x5FFD_0003)) == Some(ltp::Cell::Inline(&[3, 0, 0, 0]))
        })
        .unwrap();
    let track = col(0x5FFB_0040);
    assert_eq!(
        ltp::cell(&info, organizer.1, track),
        Some(ltp::Cell::Absent)
    );
    // The bytes under the absent cell are zeros, which is what libpff reports as 1601-01-01.
    let at = usize::from(track.offset);
    assert_eq!(&organizer.1[at..at + 8], &[0u8; 8]);

    // Through the message API the organizer row has no PR_RECIPIENT_TRACKSTATUS_TIME at all,
    // while the other row, whose cell is present, has a real time.
    let m = pst.message(0x0020_2864).unwrap();
    let organizer_row = m
        .recipients
        .iter()
        .find(|r| r.row_id == organizer.0)
        .unwrap();
    assert!(organizer_row.props.iter().all(|p| p.tag.0 != 0x5FFB_0040));
    let other = m
        .recipients
        .iter()
        .find(|r| r.row_id != organizer.0)
        .unwrap();
    let t = other
        .props
        .iter()
        .find(|p| p.tag.0 == 0x5FFB_0040)
        .and_then(|p| p.value.as_time())
        .unwrap();
    assert!(t > calcheck_format::time::FILETIME_1995_01_01, "{t}");
}

#[test]
fn lookups_through_remembered_leaves_agree_with_a_full_walk() {
    // Every node and block the full B-tree walks list must be found by a lookup, first from the
    // root and again once the thread remembers the leaves (ndb.rs LeafCache), in both orders.
    let pst = Pst::open(common::corpus_dir().join(OST)).unwrap();
    let ndb = pst.ndb();
    let mut w = Vec::new();
    let nodes = ndb.all_nodes(&mut w).unwrap();
    let blocks = ndb.all_blocks(&mut w).unwrap();
    assert!(
        nodes.len() > 500 && blocks.len() > 1000,
        "{} {}",
        nodes.len(),
        blocks.len()
    );
    for _ in 0..2 {
        for e in nodes.iter().chain(nodes.iter().rev()) {
            assert_eq!(ndb.node(e.nid, &mut w).unwrap(), *e);
        }
        for e in blocks.iter().chain(blocks.iter().rev()) {
            assert_eq!(ndb.block_entry(e.bref.bid, &mut w).unwrap(), *e);
        }
    }
    // Keys between two leaf entries that are not in the tree are still not found.
    let missing = (1..u32::MAX)
        .step_by(4093)
        .find(|n| nodes.iter().all(|e| e.nid != *n))
        .unwrap();
    assert!(ndb.node(missing, &mut w).is_err());
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn listing_on_several_threads_gives_the_same_entries_counts_and_warnings() {
    let pst = Pst::open(common::corpus_dir().join(OST)).unwrap();
    let list = |threads| {
        let mut tree = pst.folders_uncounted().unwrap();
        let selection = Selection {
            threads,
            ..Selection::default()
        };
        let (entries, warnings) = pst.calendar_entries(&mut tree, selection);
        let counts: Vec<u32> = tree.folders.iter().map(|f| f.message_count).collect();
        (entries, warnings, counts)
    };
    let one = list(1);
    assert_eq!(one.0.len(), 175);
    for threads in [2, 3, 8] {
        assert_eq!(list(threads), one, "{threads} threads");
    }
    // The counts are the contents tables' rows, as the counted folder walk finds them.
    let counted: Vec<u32> = pst
        .folders()
        .unwrap()
        .folders
        .iter()
        .map(|f| f.message_count)
        .collect();
    assert_eq!(one.2, counted);
}
