//! The committed sample calendar is exactly what `calcheck_writer::sample` builds, so its provenance is
//! reproducible (`cargo run -p calcheck-writer --example write_sample_calendar` rewrites it).

use std::path::Path;

#[test]
fn sample_calendar_files_match_their_builders() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sample-calendar");
    let items = calcheck_writer::sample::all();
    for item in &items {
        let on_disk = std::fs::read(dir.join(item.file_name))
            .unwrap_or_else(|e| panic!("{}: {e}", item.file_name));
        assert!(
            on_disk == item.message.to_bytes().unwrap(),
            "{} differs from its builder; rerun the write_sample_calendar example",
            item.file_name
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("msg"))
        })
        .collect();
    names.sort();
    let built: Vec<&str> = items.iter().map(|i| i.file_name).collect();
    assert_eq!(
        names, built,
        "every .msg in the folder comes from a builder"
    );
}
