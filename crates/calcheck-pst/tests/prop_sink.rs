//! `Pst::message_into` with a caller's own [`PropSink`] sees exactly the properties, values and
//! locations `Pst::message` lists, object by object (message, recipient rows, attachments,
//! embedded messages), so a reader building its own structure loses nothing.
//!
//! The file is `javalibpst__dist-list.pst` (shared/corpus/SOURCES.md): a recurring meeting with
//! recipients and two exception attachments that open as embedded messages.

mod common;

use calcheck_pst::{Message, Prop, PropSink, PropTag, PropValue, Pst, ValueLoc};

/// A sink that keeps what it is given, in order, and says how often it was asked for a list.
struct Recorder {
    lists: std::cell::Cell<usize>,
}

impl PropSink for Recorder {
    type Props = Vec<(PropTag, PropValue, ValueLoc)>;

    fn props(&self, capacity: usize) -> Self::Props {
        self.lists.set(self.lists.get() + 1);
        Vec::with_capacity(capacity)
    }

    fn push(&self, props: &mut Self::Props, tag: PropTag, value: PropValue, location: ValueLoc) {
        props.push((tag, value, location));
    }
}

fn same(listed: &[Prop], recorded: &[(PropTag, PropValue, ValueLoc)]) {
    assert_eq!(listed.len(), recorded.len());
    for (p, (tag, value, location)) in listed.iter().zip(recorded) {
        assert_eq!((&p.tag, &p.value, &p.location), (tag, value, location));
    }
}

fn same_message(listed: &Message, recorded: &Message<Vec<(PropTag, PropValue, ValueLoc)>>) {
    assert_eq!(listed.location, recorded.location);
    same(&listed.props, &recorded.props);
    assert_eq!(listed.recipients.len(), recorded.recipients.len());
    for (a, b) in listed.recipients.iter().zip(&recorded.recipients) {
        assert_eq!(a.row_id, b.row_id);
        same(&a.props, &b.props);
    }
    assert_eq!(listed.attachments.len(), recorded.attachments.len());
    for (a, b) in listed.attachments.iter().zip(&recorded.attachments) {
        assert_eq!(a.nid, b.nid);
        same(&a.props, &b.props);
        match (&a.embedded, &b.embedded) {
            (Some(x), Some(y)) => same_message(x, y),
            (None, None) => {}
            _ => panic!("embedded message read by one reader only"),
        }
    }
}

#[test]
fn a_callers_sink_sees_what_message_lists() {
    let mut recipients = 0;
    let mut embedded = 0;
    for file in [
        "pst/javalibpst__dist-list.pst",
        "pst/aspose__SampleOstFile.ost",
    ] {
        let pst = Pst::open(common::corpus_dir().join(file)).unwrap();
        for folder in pst.calendar_folders().unwrap() {
            for row in pst.contents(folder.nid).unwrap() {
                let listed = pst.message(row.nid).unwrap();
                let sink = Recorder {
                    lists: std::cell::Cell::new(0),
                };
                let recorded = pst.message_into(row.nid, &|_, _| true, &sink).unwrap();
                same_message(&listed, &recorded);
                // One list per object: the message, each recipient row, each attachment's row
                // and object.
                assert!(
                    sink.lists.get()
                        >= 1 + recorded.recipients.len() + 2 * recorded.attachments.len()
                );
                recipients += recorded.recipients.len();
                embedded += recorded
                    .attachments
                    .iter()
                    .filter(|a| a.embedded.is_some())
                    .count();
            }
        }
    }
    // SOURCES.md: dist-list's series has two exception attachments, each an embedded message;
    // the OST's six meeting requests were sent to attendees.
    assert!(embedded >= 2, "{embedded} embedded messages");
    assert!(recipients > 0);
}
