//! `MsgSource` and `MsgFolderSource`: one file, or a folder of files read as one calendar in
//! file-name order, with unreadable files reported as `UnreadableItem`s.

mod msg_support;

use std::path::PathBuf;

use calcheck_model::names;
use calcheck_model::source::msg::{MsgErrorKind, MsgFolderSource, MsgSource};
use calcheck_model::{CalendarSource, Locator, SourceKind};
use calcheck_writer::msg::{Message, Object};

use msg_support::{rfc1123_to_filetime, shared};

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn appointment(subject: &str) -> Message {
    Message::new()
        .set("PidTagMessageClass", "IPM.Appointment")
        .set("PidTagSubject", subject)
}

#[test]
fn msg_source_reads_one_file_as_one_item() {
    let path = shared().join("vectors/msg/msgreader/friday-lunch.msg");
    let source = MsgSource::open(&path).unwrap();
    assert_eq!(source.info().kind, SourceKind::Msg);
    assert_eq!(&*source.info().path, path.as_path());
    assert_eq!(source.item_count_hint(), Some(1));
    let items: Vec<_> = source.items().collect();
    assert_eq!(items.len(), 1);
    let item = items.into_iter().next().unwrap().unwrap();
    let r = &item.item_ref;
    assert_eq!(&*r.file, path.as_path());
    assert_eq!(&*r.folder, "");
    assert_eq!(r.locator, Locator::MsgFile);
    assert!(r.parents.is_empty());
    // msgreader friday-lunch.expected.json: subject and apptStartWhole.
    assert_eq!(r.subject.as_deref(), Some("Friday Lunch"));
    assert_eq!(
        r.start,
        Some(rfc1123_to_filetime("Fri, 06 Jan 2023 03:00:00 GMT"))
    );
}

#[test]
fn msg_source_open_fails_only_for_missing_files() {
    let err = MsgSource::open("/nonexistent/calcheck/nothing.msg").unwrap_err();
    assert!(matches!(err.kind, MsgErrorKind::Io(_)), "{err}");
    assert!(
        err.to_string()
            .starts_with("/nonexistent/calcheck/nothing.msg: cannot read the file")
    );

    // A file that exists but is not a message opens, and its item is unreadable.
    let dir = scratch("msg_source_open");
    let path = dir.join("text.msg");
    std::fs::write(&path, "not a compound file").unwrap();
    let source = MsgSource::open(&path).unwrap();
    let unreadable = source.items().next().unwrap().unwrap_err();
    assert_eq!(&*unreadable.item_ref.file, path.as_path());
    assert!(
        unreadable.reason.starts_with("not a compound file"),
        "{}",
        unreadable.reason
    );
}

#[test]
fn msg_folder_source_reads_files_in_name_order_and_survives_bad_ones() {
    let dir = scratch("msg_folder_source");
    appointment("second").write_to(&dir.join("b.msg")).unwrap();
    appointment("first").write_to(&dir.join("A.MSG")).unwrap();
    appointment("template")
        .write_to(&dir.join("c.oft"))
        .unwrap();
    std::fs::write(dir.join("d.msg"), b"garbage").unwrap();
    appointment("last").write_to(&dir.join("e.msg")).unwrap();
    std::fs::write(dir.join("notes.txt"), b"not an input").unwrap();
    std::fs::create_dir(dir.join("sub.msg")).unwrap();

    let source = MsgFolderSource::open(&dir).unwrap();
    assert_eq!(source.info().kind, SourceKind::MsgFolder);
    assert_eq!(source.item_count_hint(), Some(5));
    assert_eq!(source.info().folders[0].item_count, 5);
    let results: Vec<_> = source.items().collect();
    let subjects: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(item) => item.props.str(&names::SUBJECT).unwrap().to_owned(),
            Err(u) => format!(
                "unreadable {}",
                u.item_ref.file.file_name().unwrap().to_str().unwrap()
            ),
        })
        .collect();
    // Byte order of the names: "A.MSG" < "b.msg" < "c.oft" < "d.msg" < "e.msg".
    assert_eq!(
        subjects,
        ["first", "second", "template", "unreadable d.msg", "last"]
    );
    for r in results.iter().flatten() {
        assert_eq!(r.item_ref.locator, Locator::MsgFile);
        assert_eq!(&*r.item_ref.folder, "");
        assert!(r.item_ref.file.starts_with(&dir));
    }
}

#[test]
fn msg_folder_source_reads_the_real_corpus() {
    let source = MsgFolderSource::open(shared().join("corpus/msg")).unwrap();
    let items: Vec<_> = source.items().collect();
    assert_eq!(items.len(), 27);
    assert!(items.iter().all(Result::is_ok));
    let names: Vec<_> = source
        .files()
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}
