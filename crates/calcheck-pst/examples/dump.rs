//! Lists the store, the folder tree, and the calendar folders with their items, of one PST/OST file.
//!
//! Usage: `cargo run -p calcheck-pst --example dump -- FILE [--all]` (`--all` also lists every
//! property of every calendar item).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use calcheck_pst::{Message, PropValue, Pst};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: dump FILE [--all]");
        return ExitCode::from(2);
    };
    let all = args.any(|a| a == "--all");
    match run(&path, all) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &str, all: bool) -> calcheck_pst::Result<()> {
    let pst = Pst::open(path)?;
    let h = pst.header();
    println!(
        "{path}: {:?} {:?} wVer {} crypt {:?}",
        h.kind, h.format, h.version, h.crypt
    );
    let store = pst.store()?;
    println!(
        "store: {:?} owner {:?} password checksum {:?}",
        store.display_name, store.mailbox_owner, store.password_checksum
    );
    for w in store.warnings.iter().chain(pst.name_map_warnings()) {
        println!("  warning: {w}");
    }
    let tree = pst.folders()?;
    for f in &tree.folders {
        println!(
            "{:indent$}{} [nid {:#x}] class {:?} messages {} fai {} (PR_CONTENT_COUNT {:?})",
            "",
            if f.path.is_empty() { "(root)" } else { &f.name },
            f.nid,
            f.container_class,
            f.message_count,
            f.associated_count,
            f.content_count,
            indent = 2 * f.depth as usize
        );
    }
    for w in &tree.warnings {
        println!("  warning: {w}");
    }
    for f in tree.folders.iter().filter(|f| f.is_calendar()) {
        println!("calendar folder {:?}", f.path);
        for row in pst.contents(f.nid)? {
            match pst.message(row.nid) {
                Ok(m) => print_message(&m, 1, all),
                Err(e) => println!("  nid {:#x}: unreadable: {e}", row.nid),
            }
        }
    }
    Ok(())
}

fn print_message(m: &Message, depth: usize, all: bool) {
    let pad = "  ".repeat(depth);
    let subject = m.prop(0x0037).and_then(|p| p.value.as_str()).unwrap_or("");
    let named_time = |lid: u32| {
        m.props.iter().find_map(|p| match (&p.named, &p.value) {
            (Some(n), PropValue::Time(t)) if n.id == calcheck_pst::NameId::Lid(lid) => Some(*t),
            _ => None,
        })
    };
    println!(
        "{pad}{} {:?} {:?} start {:?} end {:?} recipients {} attachments {}",
        m.location,
        m.message_class().unwrap_or(""),
        subject.trim_start_matches(|c: char| c < ' '),
        named_time(0x820D),
        named_time(0x820E),
        m.recipients.len(),
        m.attachments.len()
    );
    for w in &m.warnings {
        println!("{pad}  warning: {w}");
    }
    if all {
        for p in &m.props {
            println!(
                "{pad}  {} {:?} = {:?} @ {}",
                p.tag, p.named, p.value, p.location
            );
        }
    }
    for a in &m.attachments {
        if let Some(e) = &a.embedded {
            print_message(e, depth + 1, all);
        }
    }
}
