//! `cargo xtask inspect FILE.msg`: prints what calcheck reads from a .msg/.oft file.
//!
//! Properties are listed by registry name (falling back to the store-independent key) with their
//! stored type and value; then recipients, attachments with their embedded (exception) items
//! indented below them, the read issues, and the calendar blobs decoded by `calcheck-format`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use calcheck_format::goid::decode_global_object_id;
use calcheck_format::props::{PropType, PropValue};
use calcheck_format::time::format_filetime;
use calcheck_format::tzdef::decode_tz_definition;
use calcheck_format::tzreg::decode_tzreg;
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
    render_blobs(out, &item.props, &format!("{pad}  "));

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

/// Decodes the calendar blobs the item carries.
fn render_blobs(out: &mut String, bag: &PropertyBag, pad: &str) {
    let tzdefs: [&PropDef; 3] = [
        &names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY,
        &names::APPOINTMENT_TIME_ZONE_DEFINITION_END_DISPLAY,
        &names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR,
    ];
    for def in tzdefs {
        if let Some(b) = bag.binary(def) {
            decoded(out, pad, def, decode_tz_definition(b));
        }
    }
    if let Some(b) = bag.binary(&names::TIME_ZONE_STRUCT) {
        decoded(out, pad, &names::TIME_ZONE_STRUCT, decode_tzreg(b));
    }
    for def in [&names::GLOBAL_OBJECT_ID, &names::CLEAN_GLOBAL_OBJECT_ID] {
        if let Some(b) = bag.binary(def) {
            decoded(out, pad, def, decode_global_object_id(b));
        }
    }
}

fn decoded<T: std::fmt::Debug>(
    out: &mut String,
    pad: &str,
    def: &PropDef,
    result: calcheck_format::Result<calcheck_format::Decoded<T>>,
) {
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
