//! `cargo xtask inspect FILE.msg`: prints what calcheck reads from a .msg/.oft file.
//!
//! Properties are listed by registry name (falling back to the store-independent key) with their
//! stored type and value; then recipients, attachments with their embedded (exception) items
//! indented below them, the read issues, and the calendar blobs decoded by `calcheck-format`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use calcheck_format::Decoded;
use calcheck_format::props::{PropType, PropValue};
use calcheck_format::time::format_filetime;
use calcheck_model::names::{self, PropDef};
use calcheck_model::source::msg::read_msg_file;
use calcheck_model::{CalendarItem, Property, PropertyBag};

/// Longest binary value printed in full; longer ones are cut with their size shown.
const MAX_HEX_BYTES: usize = 64;

/// Runs the task on its arguments.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    let [file] = args else {
        bail!("usage: cargo xtask inspect FILE.msg");
    };
    let item = read_msg_file(Path::new(file)).with_context(|| format!("cannot inspect {file}"))?;
    let mut out = String::new();
    render_item(&mut out, &item, 0);
    print!("{out}");
    Ok(())
}

fn render_item(out: &mut String, item: &CalendarItem, depth: usize) {
    let pad = "    ".repeat(depth);
    let r = &item.item_ref;
    let _ = writeln!(out, "{pad}item {} in {}", r.locator, r.file.display());
    if let Some(s) = &r.subject {
        let _ = writeln!(out, "{pad}  subject: {s}");
    }
    if let Some(t) = r.start {
        let _ = writeln!(out, "{pad}  start:   {}", format_filetime(t));
    }
    let _ = writeln!(out, "{pad}  properties ({}):", item.props.len());
    render_bag(out, &item.props, &format!("{pad}    "));
    render_blobs(out, item, &format!("{pad}  "));

    let _ = writeln!(out, "{pad}  recipients ({}):", item.recipients.len());
    for rcp in &item.recipients {
        let _ = writeln!(out, "{pad}    recipient {}:", rcp.row);
        render_bag(out, &rcp.props, &format!("{pad}      "));
    }
    let _ = writeln!(out, "{pad}  attachments ({}):", item.attachments.len());
    for a in &item.attachments {
        let kind = if a.is_exception() { " (exception)" } else { "" };
        let _ = writeln!(out, "{pad}    attachment {}{kind}:", a.index);
        render_bag(out, &a.props, &format!("{pad}      "));
        if let Some(e) = &a.embedded {
            let _ = writeln!(out, "{pad}      embedded message:");
            render_item(out, e, depth + 2);
        }
    }
    if !item.issues.is_empty() {
        let _ = writeln!(out, "{pad}  read issues ({}):", item.issues.len());
        for i in &item.issues {
            let _ = writeln!(out, "{pad}    {}: {}", i.what, i.reason);
        }
    }
}

fn render_bag(out: &mut String, bag: &PropertyBag, pad: &str) {
    for p in bag.iter() {
        let _ = writeln!(
            out,
            "{pad}{} [{}] = {}",
            prop_name(p),
            type_name(p.type_code),
            value_text(&p.value)
        );
    }
}

fn prop_name(p: &Property) -> String {
    match names::lookup(&p.key) {
        Some(def) => format!("{} ({})", def.name, p.key),
        None => p.key.to_string(),
    }
}

fn type_name(code: u16) -> String {
    PropType::from_code(code).map_or_else(|| format!("type 0x{code:04X}"), |t| t.name().to_owned())
}

fn value_text(v: &PropValue) -> String {
    match v {
        PropValue::Unicode(s) => format!("{s:?}"),
        PropValue::String8 { text, codepage } => format!("{text:?} (code page {codepage})"),
        PropValue::Time(t) => format!("{} (0x{t:016X})", format_filetime(*t)),
        PropValue::Binary(b) | PropValue::Object(b) => hex_text(b),
        PropValue::Multiple(_, items) => {
            let parts: Vec<String> = items.iter().map(value_text).collect();
            format!("[{}]", parts.join(", "))
        }
        PropValue::I32(x) => format!("{x} (0x{x:08X})"),
        other => format!("{other:?}"),
    }
}

fn hex_text(b: &[u8]) -> String {
    let shown = calcheck_model::item::hex_upper(b.get(..MAX_HEX_BYTES).unwrap_or(b));
    if b.len() > MAX_HEX_BYTES {
        format!("{shown}… ({} bytes)", b.len())
    } else {
        format!("{shown} ({} bytes)", b.len())
    }
}

/// Prints the calendar blobs the item carries, as the checks see them (`CalendarItem::decoded`).
fn render_blobs(out: &mut String, item: &CalendarItem, pad: &str) {
    let d = item.decoded();
    decoded(out, pad, &names::APPOINTMENT_RECUR, d.recurrence.as_ref());
    decoded(
        out,
        pad,
        &names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY,
        d.tz_start_display.as_ref(),
    );
    decoded(
        out,
        pad,
        &names::APPOINTMENT_TIME_ZONE_DEFINITION_END_DISPLAY,
        d.tz_end_display.as_ref(),
    );
    decoded(
        out,
        pad,
        &names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR,
        d.tz_recur.as_ref(),
    );
    decoded(out, pad, &names::TIME_ZONE_STRUCT, d.tz_struct.as_ref());
    // The ids are decoded on request, not among the views (`decoded::global_object_ids`).
    let (goid, clean_goid) = calcheck_model::decoded::global_object_ids(&item.props);
    decoded(out, pad, &names::GLOBAL_OBJECT_ID, goid.as_ref());
    decoded(
        out,
        pad,
        &names::CLEAN_GLOBAL_OBJECT_ID,
        clean_goid.as_ref(),
    );
}

fn decoded<T: std::fmt::Debug>(
    out: &mut String,
    pad: &str,
    def: &PropDef,
    view: Option<&Result<Decoded<T>, calcheck_format::Error>>,
) {
    let Some(result) = view else {
        return;
    };
    let _ = writeln!(out, "{pad}decoded {}:", def.name);
    match result {
        Ok(d) => {
            for line in format!("{:#?}", d.value).lines() {
                let _ = writeln!(out, "{pad}    {line}");
            }
            for diag in &d.diagnostics {
                let _ = writeln!(out, "{pad}    diagnostic: {diag}");
            }
        }
        Err(e) => {
            let _ = writeln!(out, "{pad}    cannot decode: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_renders_names_types_and_embedded_items() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/vectors/msg/msgreader/friday-lunch.msg");
        let item = read_msg_file(&path).unwrap();
        let mut out = String::new();
        render_item(&mut out, &item, 0);
        // Values from msgreader's friday-lunch.expected.json.
        assert!(out.contains("PidTagSubject (0x0037) [PtypString] = \"Friday Lunch\""));
        assert!(out.contains(
            "PidLidAppointmentStartWhole (Appointment:0x820D) [PtypTime] = 2023-01-06 03:00:00 UTC"
        ));
        assert!(out.contains("    attachment 0 (exception):"));
        // The embedded exception is indented two levels below its parent.
        assert!(out.contains(
            "\n        item storage __attach_version1.0_#00000000/__substg1.0_3701000D in "
        ));
        assert!(out.contains("          subject: Monday Lunch"));
        assert!(out.contains("  decoded PidLidAppointmentRecur:"));
    }
}
