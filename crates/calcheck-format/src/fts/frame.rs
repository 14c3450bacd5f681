//! The outer framing of EWS `ExportItems` and Graph `exportItems` data: records of `u32 opcode, u32
//! length, payload`.
//!
//! No specification describes this framing; it is what real exports carry (and what the ExportItems
//! documentation sample shows): Config (1), IsInterfaceOk (3) and TellPartnerVersion (4) records describe
//! the transfer, and TransferBuffer (2) records carry consecutive slices of one [MS-OXCFXICS] stream. The
//! slices cut through property values, so every TransferBuffer payload is joined before lexing. Unknown
//! opcodes are skipped with a warning. Data that does not start with a known record is an unframed stream.

use crate::reader::Reader;
use crate::{Error, Result};

/// Config: transfer options.
pub const OP_CONFIG: u32 = 1;
/// TransferBuffer: a slice of the fast-transfer stream.
pub const OP_TRANSFER_BUFFER: u32 = 2;
/// IsInterfaceOk: the interface the stream is for.
pub const OP_IS_INTERFACE_OK: u32 = 3;
/// TellPartnerVersion: the server's version.
pub const OP_TELL_PARTNER_VERSION: u32 = 4;

/// Something odd in the framing that did not stop reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameWarning {
    /// Byte offset of the record in the framed data.
    pub offset: usize,
    /// What was odd, one sentence without a trailing period.
    pub message: String,
}

/// One framing record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameRecord {
    /// Byte offset of the record header.
    pub offset: usize,
    /// The opcode.
    pub opcode: u32,
    /// The payload length the header declares.
    pub length: u32,
}

/// The fast-transfer stream inside an export, with what the framing said.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unframed {
    /// The joined TransferBuffer payloads (or the whole input when it is not framed).
    pub stream: Vec<u8>,
    /// True when the input was framed.
    pub framed: bool,
    /// The records, in order.
    pub records: Vec<FrameRecord>,
    /// Oddities that did not stop reading.
    pub warnings: Vec<FrameWarning>,
}

/// True when `data` starts with a framing record of a known opcode whose length fits.
pub fn looks_framed(data: &[u8]) -> bool {
    let mut r = Reader::new(data, "ExportFrame");
    let (Ok(op), Ok(len)) = (r.u32("opcode"), r.u32("length")) else {
        return false;
    };
    (OP_CONFIG..=OP_TELL_PARTNER_VERSION).contains(&op) && (len as usize) <= r.remaining()
}

/// Joins the TransferBuffers of framed `data`, or returns `data` itself when it is not framed.
///
/// A record whose declared length runs past the end is an error, except for a last TransferBuffer, whose
/// bytes are kept with a warning (a cut export still shows what it holds).
pub fn unframe(data: &[u8]) -> Result<Unframed> {
    if !looks_framed(data) {
        return Ok(Unframed {
            stream: data.to_vec(),
            ..Unframed::default()
        });
    }
    let mut out = Unframed {
        framed: true,
        ..Unframed::default()
    };
    let mut r = Reader::new(data, "ExportFrame");
    while !r.is_empty() {
        let offset = r.offset();
        let opcode = r.u32("opcode")?;
        let length = r.u32("length")?;
        out.records.push(FrameRecord {
            offset,
            opcode,
            length,
        });
        let len = length as usize;
        if len > r.remaining() {
            if opcode == OP_TRANSFER_BUFFER {
                out.warnings.push(FrameWarning {
                    offset,
                    message: format!(
                        "the TransferBuffer declares {len} bytes but only {} remain; the stream is cut",
                        r.remaining()
                    ),
                });
                out.stream.extend_from_slice(r.rest());
                break;
            }
            return Err(Error::CountTooLarge {
                structure: "ExportFrame",
                field: "length",
                offset: offset + 4,
                count: u64::from(length),
                needed: u64::from(length),
                available: r.remaining(),
            });
        }
        let payload = r.bytes(len, "payload")?;
        match opcode {
            OP_TRANSFER_BUFFER => out.stream.extend_from_slice(payload),
            OP_CONFIG | OP_IS_INTERFACE_OK | OP_TELL_PARTNER_VERSION => {}
            other => out.warnings.push(FrameWarning {
                offset,
                message: format!("unknown framing opcode {other:#x}; its {len} bytes were skipped"),
            }),
        }
    }
    Ok(out)
}

/// Frames `stream` as an export does: Config, IsInterfaceOk and TellPartnerVersion records, then the stream
/// in TransferBuffers of at most `chunk` bytes (for fixtures and tests).
pub fn frame(stream: &[u8], chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut record = |op: u32, payload: &[u8]| {
        out.extend_from_slice(&op.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        out.extend_from_slice(payload);
    };
    record(OP_CONFIG, &[0, 0, 0, 0, 1, 0, 0, 0]);
    // IID_IMessage {00020307-0000-0000-C000-000000000046}, as the ExportItems documentation sample shows.
    let mut iok = vec![1, 0, 0, 0];
    iok.extend_from_slice(&[
        0x07, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0, 0, 0, 0, 0, 0, 0x46,
    ]);
    iok.extend_from_slice(&[0x00, 0x24, 0x00, 0x80]);
    record(OP_IS_INTERFACE_OK, &iok);
    record(
        OP_TELL_PARTNER_VERSION,
        &[0x01, 0x0E, 0x8B, 0x80, 0x00, 0x00],
    );
    for part in stream.chunks(chunk.max(1)) {
        record(OP_TRANSFER_BUFFER, part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_buffers_are_joined_across_value_boundaries() {
        let stream: Vec<u8> = (0u8..=40).collect();
        let framed = frame(&stream, 7);
        let u = unframe(&framed).unwrap();
        assert!(u.framed);
        assert_eq!(u.stream, stream);
        assert_eq!(u.records.len(), 3 + 6);
        assert!(u.warnings.is_empty());
    }

    #[test]
    fn unknown_opcodes_are_skipped_with_a_warning() {
        let mut data = frame(&[1, 2, 3], 8);
        data.extend_from_slice(&[9, 0, 0, 0, 2, 0, 0, 0, 0xAA, 0xBB]);
        data.extend_from_slice(&[2, 0, 0, 0, 1, 0, 0, 0, 4]);
        let u = unframe(&data).unwrap();
        assert_eq!(u.stream, [1, 2, 3, 4]);
        assert_eq!(u.warnings.len(), 1);
        assert!(u.warnings[0].message.contains("0x9"));
    }

    #[test]
    fn unframed_streams_pass_through_and_bad_lengths_are_errors() {
        // PidTagImportance (0x00170003) = 1: a stream that starts with a property, not a record.
        let raw = [0x03, 0x00, 0x17, 0x00, 1, 0, 0, 0];
        let u = unframe(&raw).unwrap();
        assert!(!u.framed);
        assert_eq!(u.stream, raw);
        // A Config record that claims more than the data holds, followed by a bad record.
        let bad = [1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0xFF, 0, 0, 0];
        let e = unframe(&bad).unwrap_err();
        assert_eq!(e.offset(), 12);
        // A cut last TransferBuffer keeps its bytes.
        let cut = [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 7];
        let u = unframe(&cut).unwrap();
        assert_eq!(u.stream, [7]);
        assert_eq!(u.warnings.len(), 1);
    }
}
