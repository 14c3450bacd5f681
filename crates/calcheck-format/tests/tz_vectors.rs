//! TZDEFINITION and TZREG decoders against the published test vectors ([MS-OXOCAL] 2.2.1.39, 2.2.1.41).
//!
//! Every vector in `shared/vectors/tzdefinition/` and `shared/vectors/tzstruct/` has one test here. The
//! expected values come from the statements each `.expected.txt` marks as published by its source
//! (MFCMAPI's SmartView text, hughbe's assertions, msgreader's JSON, the spec's examples), never from the
//! "Cross-check (derived)" sections. The msgreader `.msg` fixtures are checked through blobs extracted
//! once into `testdata/blobs/{tzdef,tzreg}/msgreader/` (see the README there).

use std::collections::BTreeMap;
use std::path::PathBuf;

use calcheck_format::tzdef::{
    KeyNameState, SystemTime, TzDefinition, TzRule, decode_tz_definition, encode_tz_definition,
};
use calcheck_format::tzreg::{TzReg, decode_tzreg, encode_tzreg};
use calcheck_format::{Decoded, DiagKind, DiagSeverity};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Reading the vectors
// ---------------------------------------------------------------------------------------------

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
}

fn blobs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/blobs")
}

fn hex_to_bytes(text: &str) -> Vec<u8> {
    calcheck_format::hex::decode_hex(text).unwrap()
}

fn upper_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02X}");
        s
    })
}

fn vector(kind: &str, name: &str) -> (Vec<u8>, String) {
    let dir = vectors().join(kind);
    let hex = std::fs::read_to_string(dir.join(format!("{name}.hex"))).unwrap();
    let expected = std::fs::read_to_string(dir.join(format!("{name}.expected.txt"))).unwrap();
    (hex_to_bytes(&hex), expected)
}

fn tzdef_vector(name: &str) -> (Decoded<TzDefinition>, Vec<u8>, String) {
    let (bytes, expected) = vector("tzdefinition", name);
    let decoded = decode_tz_definition(&bytes).unwrap();
    // The decoder keeps every stored field, so writing the value back gives the same bytes.
    assert_eq!(
        encode_tz_definition(&decoded.value),
        bytes,
        "{name}: re-encode"
    );
    (decoded, bytes, expected)
}

fn tzreg_vector(name: &str) -> (Decoded<TzReg>, String) {
    let (bytes, expected) = vector("tzstruct", name);
    let decoded = decode_tzreg(&bytes).unwrap();
    assert_eq!(encode_tzreg(&decoded.value), bytes, "{name}: re-encode");
    (decoded, expected)
}

fn assert_no_diagnostics<T>(d: &Decoded<T>, name: &str) {
    assert!(d.diagnostics.is_empty(), "{name}: {:?}", d.diagnostics);
}

fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_opt(h, mi, 0)
        .unwrap()
}

/// A value as a source prints it: a number, or text compared verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Val {
    Num(i64),
    Text(String),
}

fn num(v: impl Into<i64>) -> Val {
    Val::Num(v.into())
}

fn text(v: impl Into<String>) -> Val {
    Val::Text(v.into())
}

/// Compares every (path, value) a source states with our rendering of the decoded value.
///
/// Every stated path must exist in ours: a path we cannot render is a test failure, not a skip.
fn assert_all_match(name: &str, stated: &[(String, Val)], ours: &BTreeMap<String, Val>) {
    assert!(!stated.is_empty(), "{name}: nothing parsed from the source");
    for (path, want) in stated {
        let got = ours
            .get(path)
            .unwrap_or_else(|| panic!("{name}: we have no field {path}"));
        assert_eq!(got, want, "{name}: {path}");
    }
}

// ---------------------------------------------------------------------------------------------
// MFCMAPI SmartView text: "name = 0xHEX (dec)" lines, nested by tab indentation
// ---------------------------------------------------------------------------------------------

/// Parses MFCMAPI's verbatim SmartView rendering into (dotted path, value) pairs.
///
/// The first line is the title and is not part of the paths. `cb: N lpb: HEX` lines belong to the line
/// above them and become `<parent>.cb` and `<parent>.lpb`. Numbers are read from the decimal in
/// parentheses when there is one (it is signed: `0xFFFFFFC4 (-60)`), else from the leading hex value;
/// `0xHI:0xLO` pairs form one 64-bit number.
fn smartview(expected: &str) -> Vec<(String, Val)> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut seen_title = false;
    for line in expected.lines() {
        if line.starts_with("## ") {
            break;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !seen_title {
            seen_title = true;
            continue;
        }
        let indent = line.chars().take_while(|c| *c == '\t').count();
        let body = line.trim();
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let prefix: String = stack.iter().flat_map(|(_, n)| [n.as_str(), "."]).collect();
        if let Some(rest) = body.strip_prefix("cb: ") {
            let (cb, lpb) = rest.split_once(" lpb: ").unwrap();
            out.push((format!("{prefix}cb"), num(cb.parse::<i64>().unwrap())));
            out.push((format!("{prefix}lpb"), text(lpb)));
            continue;
        }
        let (name, value) = if let Some((n, v)) = body.split_once(" = ") {
            (n, Some(v))
        } else if let Some((n, v)) = body.split_once(": ") {
            (n, Some(v))
        } else {
            (body, None)
        };
        if let Some(value) = value {
            out.push((format!("{prefix}{name}"), smartview_value(value)));
        }
        stack.push((indent, name.to_owned()));
    }
    out
}

fn smartview_value(value: &str) -> Val {
    let first = value.split_whitespace().next().unwrap_or("");
    let hex = |s: &str| {
        s.strip_prefix("0x")
            .and_then(|h| i64::from_str_radix(h, 16).ok())
    };
    if let Some((Some(hi), Some(lo))) = first.split_once(':').map(|(hi, lo)| (hex(hi), hex(lo))) {
        return num((hi << 32) | lo);
    }
    let Some(h) = hex(first) else {
        return text(value);
    };
    let decimal = value
        .strip_prefix(first)
        .and_then(|r| r.trim().strip_prefix('('))
        .and_then(|r| r.strip_suffix(')'))
        .and_then(|d| d.parse::<i64>().ok());
    num(decimal.unwrap_or(h))
}

fn smartview_systemtime(out: &mut BTreeMap<String, Val>, prefix: &str, st: &SystemTime) {
    for (field, v) in [
        ("wYear", st.w_year),
        ("wMonth", st.w_month),
        ("wDayOfWeek", st.w_day_of_week),
        ("wDay", st.w_day),
        ("wHour", st.w_hour),
        ("wMinute", st.w_minute),
        ("wSecond", st.w_second),
        ("wMilliseconds", st.w_milliseconds),
    ] {
        out.insert(format!("{prefix}.{field}"), num(v));
    }
}

/// Our TZDEFINITION under MFCMAPI's field names.
fn smartview_tzdef(def: &TzDefinition) -> BTreeMap<String, Val> {
    let mut out = BTreeMap::new();
    out.insert("bMajorVersion".into(), num(def.major_version));
    out.insert("bMinorVersion".into(), num(def.minor_version));
    out.insert("cbHeader".into(), num(def.cb_header));
    out.insert("wReserved".into(), num(def.flags));
    out.insert("cchKeyName".into(), num(def.cch_key_name.unwrap()));
    out.insert("szKeyName".into(), text(def.key_name.clone().unwrap()));
    out.insert("cRules".into(), num(def.c_rules));
    for (i, rule) in def.rules.iter().enumerate() {
        let p = format!("TZRule[0x{i:X}]");
        out.insert(format!("{p}.bMajorVersion"), num(rule.major_version));
        out.insert(format!("{p}.bMinorVersion"), num(rule.minor_version));
        out.insert(format!("{p}.wReserved"), num(rule.cb_rule));
        out.insert(format!("{p}.wTZRuleFlags"), num(rule.flags));
        out.insert(format!("{p}.wYear"), num(rule.w_year()));
        out.insert(format!("{p}.X.cb"), num(14));
        out.insert(format!("{p}.X.lpb"), text(upper_hex(&rule.x())));
        out.insert(format!("{p}.lBias"), num(rule.l_bias));
        out.insert(format!("{p}.lStandardBias"), num(rule.l_standard_bias));
        out.insert(format!("{p}.lDaylightBias"), num(rule.l_daylight_bias));
        smartview_systemtime(
            &mut out,
            &format!("{p}.stStandardDate"),
            &rule.st_standard_date,
        );
        smartview_systemtime(
            &mut out,
            &format!("{p}.stDaylightDate"),
            &rule.st_daylight_date,
        );
    }
    let trailing = i64::try_from(def.trailing.len()).unwrap();
    out.insert("Unparsed data size".into(), num(trailing));
    out.insert("Unparsed data size.cb".into(), num(trailing));
    out.insert(
        "Unparsed data size.lpb".into(),
        text(upper_hex(&def.trailing)),
    );
    out
}

/// Our TZREG under MFCMAPI's field names.
fn smartview_tzreg(reg: &TzReg) -> BTreeMap<String, Val> {
    let mut out = BTreeMap::new();
    out.insert("lBias".into(), num(reg.l_bias));
    out.insert("lStandardBias".into(), num(reg.l_standard_bias));
    out.insert("lDaylightBias".into(), num(reg.l_daylight_bias));
    out.insert("wStandardYear".into(), num(reg.w_standard_year));
    smartview_systemtime(&mut out, "stStandardDate", &reg.st_standard_date);
    // MFCMAPI labels wDaylightYear "wDaylightDate" (a typo in its TimeZone parser).
    out.insert("wDaylightDate".into(), num(reg.w_daylight_year));
    smartview_systemtime(&mut out, "stDaylightDate", &reg.st_daylight_date);
    out
}

// ---------------------------------------------------------------------------------------------
// hughbe/MsgReader assertions: "accessor.path = value"
// ---------------------------------------------------------------------------------------------

/// Parses the "## Published assertions" block: `root.path = value` lines.
fn hughbe(expected: &str) -> Vec<(String, Val)> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in expected.lines() {
        if line.starts_with("## ") {
            inside = line.starts_with("## Published assertions");
            continue;
        }
        if !inside || line.starts_with("NOTE") || line.trim().is_empty() {
            continue;
        }
        let (lhs, rhs) = line.split_once(" = ").unwrap();
        let path = lhs.split_once('.').unwrap().1;
        let value = if let Some(s) = rhs.strip_prefix('"') {
            text(s.strip_suffix('"').unwrap())
        } else if rhs.starts_with('[') {
            text(rhs.replace(' ', ""))
        } else if let Some(h) = rhs.strip_prefix("0x") {
            num(i64::from_str_radix(h, 16).unwrap())
        } else {
            num(rhs.parse::<i64>().unwrap())
        };
        out.push((path.to_owned(), value));
    }
    out
}

fn hughbe_systemtime(out: &mut BTreeMap<String, Val>, prefix: &str, st: &SystemTime) {
    smartview_systemtime(out, prefix, st);
}

/// hughbe reads the LONG bias fields as `UInt32` (it asserts 4294967236 for −60); render them that way.
fn as_uint32(v: i32) -> Val {
    num(i64::from(v as u32))
}

fn hughbe_flags(flags: u16) -> Val {
    let mut names = Vec::new();
    if flags & 1 != 0 {
        names.push(".recurCurrentTzReg");
    }
    if flags & 2 != 0 {
        names.push(".effectiveTzReg");
    }
    text(format!("[{}]", names.join(",")))
}

fn hughbe_tzdef(def: &TzDefinition) -> BTreeMap<String, Val> {
    let mut out = BTreeMap::new();
    out.insert("majorVersion".into(), num(def.major_version));
    out.insert("minorVersion".into(), num(def.minor_version));
    out.insert("cbHeader".into(), num(def.cb_header));
    out.insert("reserved".into(), num(def.flags));
    out.insert("cchKeyName".into(), num(def.cch_key_name.unwrap()));
    out.insert("keyName".into(), text(def.key_name.clone().unwrap()));
    out.insert("cRules".into(), num(def.c_rules));
    for (i, rule) in def.rules.iter().enumerate() {
        let p = format!("rules[{i}]");
        out.insert(format!("{p}.majorVersion"), num(rule.major_version));
        out.insert(format!("{p}.minorVersion"), num(rule.minor_version));
        out.insert(format!("{p}.reserved"), num(rule.cb_rule));
        out.insert(format!("{p}.flags"), hughbe_flags(rule.flags));
        out.insert(format!("{p}.wYear"), num(rule.w_year()));
        let x: Vec<String> = rule.x().iter().map(|b| format!("0x{b:02X}")).collect();
        out.insert(format!("{p}.x"), text(format!("[{}]", x.join(","))));
        out.insert(format!("{p}.lBias"), as_uint32(rule.l_bias));
        out.insert(
            format!("{p}.lStandardBias"),
            as_uint32(rule.l_standard_bias),
        );
        out.insert(
            format!("{p}.lDaylightBias"),
            as_uint32(rule.l_daylight_bias),
        );
        hughbe_systemtime(
            &mut out,
            &format!("{p}.stStandardDate"),
            &rule.st_standard_date,
        );
        hughbe_systemtime(
            &mut out,
            &format!("{p}.stDaylightDate"),
            &rule.st_daylight_date,
        );
    }
    out
}

fn hughbe_tzreg(reg: &TzReg) -> BTreeMap<String, Val> {
    let mut out = BTreeMap::new();
    out.insert("lBias".into(), as_uint32(reg.l_bias));
    out.insert("lStandardBias".into(), as_uint32(reg.l_standard_bias));
    out.insert("lDaylightBias".into(), as_uint32(reg.l_daylight_bias));
    out.insert("wStandardYear".into(), num(reg.w_standard_year));
    hughbe_systemtime(&mut out, "stStandardDate", &reg.st_standard_date);
    out.insert("wDaylightYear".into(), num(reg.w_daylight_year));
    hughbe_systemtime(&mut out, "stDaylightDate", &reg.st_daylight_date);
    out
}

// ---------------------------------------------------------------------------------------------
// msgreader JSON
// ---------------------------------------------------------------------------------------------

/// The JSON object quoted under "## Published expected decode".
fn published_json(expected: &str) -> Value {
    let start = expected.find("## Published expected decode").unwrap();
    let body = &expected[start..];
    let body = &body[body.find('\n').unwrap()..];
    let end = body.find("## Cross-check").unwrap_or(body.len());
    serde_json::from_str(&body[..end]).unwrap()
}

fn assert_json_systemtime(st: &SystemTime, j: &Value, ctx: &str) {
    for (key, v) in [
        ("year", st.w_year),
        ("month", st.w_month),
        ("dayOfWeek", st.w_day_of_week),
        ("day", st.w_day),
        ("hour", st.w_hour),
        ("minute", st.w_minute),
    ] {
        assert_eq!(j[key].as_i64(), Some(i64::from(v)), "{ctx}.{key}");
    }
}

/// Compares a TZDEFINITION with msgreader's `apptTZDef*` JSON.
fn assert_tzdef_json(def: &TzDefinition, j: &Value, ctx: &str) {
    assert_eq!(
        def.key_name.as_deref(),
        j["keyName"].as_str(),
        "{ctx}.keyName"
    );
    let rules = j["rules"].as_array().unwrap();
    assert_eq!(def.rules.len(), rules.len(), "{ctx}: rule count");
    for (i, (rule, jr)) in def.rules.iter().zip(rules).enumerate() {
        let ctx = format!("{ctx}.rules[{i}]");
        assert_eq!(
            jr["flags"].as_i64(),
            Some(i64::from(rule.flags)),
            "{ctx}.flags"
        );
        // msgreader renders stStart as an RFC 1123 date: the "X" bytes are the SYSTEMTIME's tail.
        let start = DateTime::parse_from_rfc2822(jr["start"].as_str().unwrap())
            .unwrap()
            .naive_utc();
        assert_eq!(rule.st_start.to_naive(), Some(start), "{ctx}.start");
        assert_eq!(
            jr["bias"].as_i64(),
            Some(i64::from(rule.l_bias)),
            "{ctx}.bias"
        );
        assert_eq!(
            jr["standardBias"].as_i64(),
            Some(i64::from(rule.l_standard_bias)),
            "{ctx}"
        );
        assert_eq!(
            jr["daylightBias"].as_i64(),
            Some(i64::from(rule.l_daylight_bias)),
            "{ctx}"
        );
        assert_json_systemtime(&rule.st_standard_date, &jr["standardDate"], &ctx);
        assert_json_systemtime(&rule.st_daylight_date, &jr["daylightDate"], &ctx);
    }
}

/// Compares a TZREG with msgreader's `timeZoneStruct` JSON.
fn assert_tzreg_json(reg: &TzReg, j: &Value, ctx: &str) {
    assert_eq!(
        j["bias"].as_i64(),
        Some(i64::from(reg.l_bias)),
        "{ctx}.bias"
    );
    assert_eq!(
        j["standardBias"].as_i64(),
        Some(i64::from(reg.l_standard_bias)),
        "{ctx}"
    );
    assert_eq!(
        j["daylightBias"].as_i64(),
        Some(i64::from(reg.l_daylight_bias)),
        "{ctx}"
    );
    assert_eq!(
        j["standardYear"].as_i64(),
        Some(i64::from(reg.w_standard_year)),
        "{ctx}"
    );
    assert_eq!(
        j["daylightYear"].as_i64(),
        Some(i64::from(reg.w_daylight_year)),
        "{ctx}"
    );
    assert_json_systemtime(&reg.st_standard_date, &j["standardDate"], ctx);
    assert_json_systemtime(&reg.st_daylight_date, &j["daylightDate"], ctx);
}

// ---------------------------------------------------------------------------------------------
// tzdefinition/ (12 vectors)
// ---------------------------------------------------------------------------------------------

#[test]
fn tzdef_mfcmapi_1_eastern_two_rules() {
    let name = "mfcmapi-TIMEZONEDEFINITION-1";
    let (d, _, expected) = tzdef_vector(name);
    assert_all_match(name, &smartview(&expected), &smartview_tzdef(&d.value));
    assert_no_diagnostics(&d, name);
}

#[test]
fn tzdef_mfcmapi_2_us_eastern_three_rules_nonzero_x() {
    let name = "mfcmapi-TIMEZONEDEFINITION-2";
    let (d, _, expected) = tzdef_vector(name);
    let stated = smartview(&expected);
    assert!(
        stated
            .iter()
            .any(|(p, _)| p == "TZRule[0x2].stDaylightDate.wMilliseconds")
    );
    assert_all_match(name, &stated, &smartview_tzdef(&d.value));
    // Its "X" bytes are 01 00 00 00 01 00 ... (January 1), which must not be flagged.
    assert_no_diagnostics(&d, name);
}

#[test]
fn tzdef_mfcmapi_3_zero_rules_followed_by_rule_bytes() {
    let name = "mfcmapi-TIMEZONEDEFINITION-3";
    let (d, _, expected) = tzdef_vector(name);
    // MFCMAPI prints cRules 0 and "Unparsed data size = 0x00000084" with the 132 bytes.
    assert_all_match(name, &smartview(&expected), &smartview_tzdef(&d.value));
    assert!(d.value.rules.is_empty());
    let kinds: Vec<_> = d.diagnostics.iter().map(|x| (x.kind, x.severity)).collect();
    assert_eq!(
        kinds,
        vec![
            (DiagKind::NoRules, DiagSeverity::Error),
            (DiagKind::DataAfterRules, DiagSeverity::Warning)
        ]
    );
    assert_eq!(d.value.effective_rule(), None);
    assert_eq!(d.value.rule_for_year(2007), None);
}

#[test]
fn tzdef_hughbe_utc_startdisplay() {
    let name = "hughbe-appointment-utc-startdisplay";
    let (d, _, expected) = tzdef_vector(name);
    assert_all_match(name, &hughbe(&expected), &hughbe_tzdef(&d.value));
    assert_no_diagnostics(&d, name);
}

#[test]
fn tzdef_hughbe_gmt_recur() {
    let name = "hughbe-recurring-appointment-gmt-recur";
    let (d, _, expected) = tzdef_vector(name);
    assert_all_match(name, &hughbe(&expected), &hughbe_tzdef(&d.value));
    assert_no_diagnostics(&d, name);
    // The asserted lDaylightBias 4294967236 is 0xFFFFFFC4, i.e. the signed LONG −60.
    assert_eq!(d.value.rules[0].l_daylight_bias, -60);
    // GMT Standard Time: BST from the last Sunday of March 01:00 to the last Sunday of October 02:00.
    // 2020-03-29 and 2020-10-25 are those Sundays.
    let def = &d.value;
    assert_eq!(
        def.local_to_utc(dt(2020, 3, 29, 0, 59)),
        Some(dt(2020, 3, 29, 0, 59))
    );
    assert_eq!(
        def.local_to_utc(dt(2020, 3, 29, 2, 0)),
        Some(dt(2020, 3, 29, 1, 0))
    );
    assert_eq!(
        def.local_to_utc(dt(2020, 10, 25, 1, 59)),
        Some(dt(2020, 10, 25, 0, 59))
    );
    assert_eq!(
        def.local_to_utc(dt(2020, 10, 25, 2, 0)),
        Some(dt(2020, 10, 25, 2, 0))
    );
}

#[test]
fn tzdef_hughbe_morocco_15_rules_enddisplay() {
    let name = "hughbe-recurring-appointment-morocco-15-rules-enddisplay";
    let (d, _, expected) = tzdef_vector(name);
    let stated = hughbe(&expected);
    assert!(
        stated
            .iter()
            .any(|(p, _)| p == "rules[14].stDaylightDate.wHour")
    );
    assert_all_match(name, &stated, &hughbe_tzdef(&d.value));
    // The effective rule is rule 13 of 15 (wYear 2020), not the last: not a problem.
    assert_no_diagnostics(&d, name);
}

#[test]
fn tzdef_morocco_rule_for_year() {
    let (d, _, _) = tzdef_vector("hughbe-recurring-appointment-morocco-15-rules-enddisplay");
    let def = &d.value;
    // Published: rules[k].wYear = 2007 + k for k = 0..15, and only rules[13] is flagged effective.
    let index_of = |rule: &TzRule| def.rules.iter().position(|r| std::ptr::eq(r, rule));
    assert_eq!(def.effective_rule().and_then(index_of), Some(13));
    for year in 1990..=2030 {
        let want = usize::try_from(year.clamp(2007, 2021) - 2007).unwrap();
        assert_eq!(
            def.rule_for_year(year).and_then(index_of),
            Some(want),
            "{year}"
        );
    }
}

#[test]
fn tzdef_morocco_utc_offsets_2020() {
    let (d, _, _) = tzdef_vector("hughbe-recurring-appointment-morocco-15-rules-enddisplay");
    let def = &d.value;
    // Published rules[13] (2020): lBias 0, lDaylightBias −60, stStandardDate = 3rd Sunday of April 03:00
    // (2020-04-19), stDaylightDate = last Sunday of May 02:00 (2020-05-31). Daylight time runs from the
    // end of May over the new year to mid-April.
    assert_eq!(
        def.local_to_utc(dt(2020, 1, 15, 12, 0)),
        Some(dt(2020, 1, 15, 11, 0))
    );
    assert_eq!(
        def.local_to_utc(dt(2020, 4, 19, 2, 30)),
        Some(dt(2020, 4, 19, 1, 30))
    );
    assert_eq!(
        def.local_to_utc(dt(2020, 4, 19, 3, 0)),
        Some(dt(2020, 4, 19, 3, 0))
    );
    assert_eq!(
        def.local_to_utc(dt(2020, 5, 1, 12, 0)),
        Some(dt(2020, 5, 1, 12, 0))
    );
    // 02:30 on 2020-05-31 is skipped by the jump; it keeps the offset before it.
    assert_eq!(
        def.local_to_utc(dt(2020, 5, 31, 2, 30)),
        Some(dt(2020, 5, 31, 2, 30))
    );
    assert_eq!(
        def.local_to_utc(dt(2020, 5, 31, 3, 0)),
        Some(dt(2020, 5, 31, 2, 0))
    );
    assert_eq!(
        def.local_to_utc(dt(2020, 7, 1, 12, 0)),
        Some(dt(2020, 7, 1, 11, 0))
    );
    // rules[0] (2007) has no transitions: UTC+0 all year, also for years before 2007.
    assert_eq!(def.utc_offset_at(dt(2007, 7, 1, 12, 0)), Some(0));
    assert_eq!(def.utc_offset_at(dt(1999, 7, 1, 12, 0)), Some(0));
    // rules[1] (2008): daylight from the last Saturday of May 23:59:59.999 to the last Sunday of August.
    assert_eq!(def.utc_offset_at(dt(2008, 7, 1, 12, 0)), Some(60));
    assert_eq!(def.utc_offset_at(dt(2008, 9, 15, 12, 0)), Some(0));
}

#[test]
fn tzdef_msgreader_7_days_everyday_recur() {
    let name = "msgreader-7-days-everyday-recur";
    let (d, _, expected) = tzdef_vector(name);
    assert_tzdef_json(&d.value, &published_json(&expected), name);
    // A Recur effective rule with 0x0002 only and lDaylightBias −60 without transitions: both normal.
    assert_no_diagnostics(&d, name);
    assert_eq!(d.value.effective_rule().map(|r| r.flags), Some(0x0002));
}

#[test]
fn tzdef_msgreader_a_daily_1_recur() {
    let name = "msgreader-a-daily-1-recur";
    let (d, _, expected) = tzdef_vector(name);
    assert_tzdef_json(&d.value, &published_json(&expected), name);
    assert_no_diagnostics(&d, name);
    // Tokyo has no DST: 2023-01-13 12:00 JST is 03:00 UTC.
    assert_eq!(
        d.value.local_to_utc(dt(2023, 1, 13, 12, 0)),
        Some(dt(2023, 1, 13, 3, 0))
    );
}

#[test]
fn tzdef_msgreader_a_daily_1_startdisplay() {
    let name = "msgreader-a-daily-1-startdisplay";
    let (d, _, expected) = tzdef_vector(name);
    assert_tzdef_json(&d.value, &published_json(&expected), name);
    assert_no_diagnostics(&d, name);
}

#[test]
fn tzdef_msgreader_appointment_sample_est_enddisplay() {
    let name = "msgreader-appointment-sample-est-enddisplay";
    let (d, _, expected) = tzdef_vector(name);
    assert_tzdef_json(&d.value, &published_json(&expected), name);
    assert_no_diagnostics(&d, name);
}

#[test]
fn tzdef_msgreader_appointment_sample_est_startdisplay() {
    let name = "msgreader-appointment-sample-est-startdisplay";
    let (d, _, expected) = tzdef_vector(name);
    assert_tzdef_json(&d.value, &published_json(&expected), name);
    assert_no_diagnostics(&d, name);
}

#[test]
fn tzdef_oxocal_4_1_4_pacific_two_rules() {
    let name = "oxocal-4.1.4-pacific-2-rules";
    let (d, bytes, _) = tzdef_vector(name);
    // As published by [MS-OXOCAL] 4.1.4 (and OpenChange, which expects cRules == 2).
    assert_eq!(bytes.len(), 184);
    let def = &d.value;
    assert_eq!(
        (
            def.major_version,
            def.minor_version,
            def.cb_header,
            def.flags
        ),
        (2, 1, 0x30, 2)
    );
    assert_eq!(def.cch_key_name, Some(21));
    assert_eq!(def.key_name.as_deref(), Some("Pacific Standard Time"));
    assert_eq!(def.key_name_state(), KeyNameState::Present);
    assert_eq!(def.c_rules, 2);
    let r0 = &def.rules[0];
    assert_eq!(
        (r0.major_version, r0.minor_version, r0.cb_rule, r0.flags),
        (2, 1, 0x3E, 0)
    );
    assert_eq!(r0.w_year(), 2006);
    assert_eq!(r0.x(), [0; 14]);
    assert_eq!(
        (r0.l_bias, r0.l_standard_bias, r0.l_daylight_bias),
        (480, 0, -60)
    );
    // The effective rule (index 1) carries 0x0002 only although this is a ...Recur property.
    assert_eq!(def.rules[1].flags, 0x0002);
    assert_eq!(def.effective_rule(), Some(&def.rules[1]));
    assert_no_diagnostics(&d, name);
}

// ---------------------------------------------------------------------------------------------
// tzstruct/ (5 vectors)
// ---------------------------------------------------------------------------------------------

#[test]
fn tzreg_mfcmapi_timezone_1() {
    let name = "mfcmapi-TIMEZONE-1";
    let (d, expected) = tzreg_vector(name);
    assert_all_match(name, &smartview(&expected), &smartview_tzreg(&d.value));
    assert_no_diagnostics(&d, name);
}

#[test]
fn tzreg_hughbe_gmt() {
    let name = "hughbe-recurring-appointment-gmt";
    let (d, expected) = tzreg_vector(name);
    assert_all_match(name, &hughbe(&expected), &hughbe_tzreg(&d.value));
    assert_no_diagnostics(&d, name);
    // The same .msg's ...Recur effective rule must equal this PidLidTimeZoneStruct ([MS-OXOCAL] 2.2.1.41).
    let (recur, _, _) = tzdef_vector("hughbe-recurring-appointment-gmt-recur");
    assert!(d.value.matches_rule(recur.value.effective_rule().unwrap()));
    let (morocco, _, _) = tzdef_vector("hughbe-recurring-appointment-morocco-15-rules-enddisplay");
    assert!(
        !d.value
            .matches_rule(morocco.value.effective_rule().unwrap())
    );
}

#[test]
fn tzreg_msgreader_7_days_everyday() {
    let name = "msgreader-7-days-everyday";
    let (d, expected) = tzreg_vector(name);
    assert_tzreg_json(&d.value, &published_json(&expected), name);
    assert_no_diagnostics(&d, name);
    let (recur, _, _) = tzdef_vector("msgreader-7-days-everyday-recur");
    assert!(d.value.matches_rule(recur.value.effective_rule().unwrap()));
}

#[test]
fn tzreg_msgreader_a_daily_1() {
    let name = "msgreader-a-daily-1";
    let (d, expected) = tzreg_vector(name);
    assert_tzreg_json(&d.value, &published_json(&expected), name);
    assert_no_diagnostics(&d, name);
    let (recur, _, _) = tzdef_vector("msgreader-a-daily-1-recur");
    assert!(d.value.matches_rule(recur.value.effective_rule().unwrap()));
}

#[test]
fn tzreg_oxocal_4_1_5_pacific() {
    let name = "oxocal-4.1.5-pacific-tzreg";
    let (d, _) = tzreg_vector(name);
    // As published by [MS-OXOCAL] 4.1.5.
    let reg = &d.value;
    assert_eq!(
        (reg.l_bias, reg.l_standard_bias, reg.l_daylight_bias),
        (480, 0, -60)
    );
    assert_eq!((reg.w_standard_year, reg.w_daylight_year), (0, 0));
    assert_eq!(reg.st_standard_date, SystemTime::relative(11, 0, 1, 2, 0));
    assert_eq!(reg.st_daylight_date, SystemTime::relative(3, 0, 2, 2, 0));
    assert_no_diagnostics(&d, name);
    // The effective rule of the spec's own ...Recur example (4.1.4) carries the same values.
    let (recur, _, _) = tzdef_vector("oxocal-4.1.4-pacific-2-rules");
    assert!(reg.matches_rule(recur.value.effective_rule().unwrap()));
    assert!(!reg.matches_rule(&recur.value.rules[0]));
}

// ---------------------------------------------------------------------------------------------
// msgreader .msg fixtures, through the blobs extracted into testdata/blobs/
// ---------------------------------------------------------------------------------------------

#[test]
fn msgreader_msg_time_zone_blobs_match_expected_json() {
    let dir = vectors().join("msg/msgreader");
    let mut jsons: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".expected.json"))
        .collect();
    jsons.sort();
    assert_eq!(jsons.len(), 13);
    let mut checked = 0;
    for path in jsons {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let slug = file.strip_suffix(".expected.json").unwrap();
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for (key, kind, suffix) in [
            ("timeZoneStruct", "tzreg", "timezonestruct"),
            ("apptTZDefStartDisplay", "tzdef", "startdisplay"),
            ("apptTZDefEndDisplay", "tzdef", "enddisplay"),
            ("apptTZDefRecur", "tzdef", "recur"),
        ] {
            let blob = blobs()
                .join(kind)
                .join("msgreader")
                .join(format!("{slug}-{suffix}.bin"));
            let ctx = format!("{slug}/{key}");
            let Some(want) = json.get(key) else {
                assert!(!blob.exists(), "{ctx}: blob without a JSON value");
                continue;
            };
            let bytes = std::fs::read(&blob).unwrap_or_else(|e| panic!("{ctx}: {e}"));
            if kind == "tzreg" {
                let d = decode_tzreg(&bytes).unwrap();
                assert_tzreg_json(&d.value, want, &ctx);
                assert_no_diagnostics(&d, &ctx);
                assert_eq!(encode_tzreg(&d.value), bytes);
            } else {
                let d = decode_tz_definition(&bytes).unwrap();
                assert_tzdef_json(&d.value, want, &ctx);
                assert_no_diagnostics(&d, &ctx);
                assert_eq!(encode_tz_definition(&d.value), bytes);
            }
            checked += 1;
        }
    }
    // 9 TZREGs, 13 StartDisplay, 13 EndDisplay and 9 Recur definitions in the 13 files.
    assert_eq!(checked, 44);
}

#[test]
fn msgreader_msg_recur_rule_matches_time_zone_struct() {
    // Every recurring msgreader item carries both; Outlook wrote them consistently.
    let dir = blobs().join("tzreg/msgreader");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(slug) = name.strip_suffix("-timezonestruct.bin") else {
            continue;
        };
        let reg = decode_tzreg(&std::fs::read(&path).unwrap()).unwrap().value;
        let recur_path = blobs().join(format!("tzdef/msgreader/{slug}-recur.bin"));
        let recur = decode_tz_definition(&std::fs::read(recur_path).unwrap())
            .unwrap()
            .value;
        assert!(reg.matches_rule(recur.effective_rule().unwrap()), "{slug}");
        n += 1;
    }
    assert_eq!(n, 9);
}
