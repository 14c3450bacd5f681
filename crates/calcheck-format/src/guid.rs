//! GUIDs in the Windows layout (Data1..Data3 little-endian, Data4 as bytes), as MAPI stores them.

use core::fmt;
use core::str::FromStr;

/// A GUID, kept as its four fields so that it prints the way Windows tools print it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Guid {
    /// First 4 bytes, little-endian on disk.
    pub data1: u32,
    /// Next 2 bytes, little-endian on disk.
    pub data2: u16,
    /// Next 2 bytes, little-endian on disk.
    pub data3: u16,
    /// Last 8 bytes, in order.
    pub data4: [u8; 8],
}

impl Guid {
    /// Builds a GUID from its fields, as written in `{data1-data2-data3-data4}` text.
    pub const fn from_fields(data1: u32, data2: u16, data3: u16, data4: [u8; 8]) -> Self {
        Guid {
            data1,
            data2,
            data3,
            data4,
        }
    }

    /// Decodes the 16 on-disk bytes.
    pub fn from_bytes_le(b: [u8; 16]) -> Self {
        Guid {
            data1: u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            data2: u16::from_le_bytes([b[4], b[5]]),
            data3: u16::from_le_bytes([b[6], b[7]]),
            data4: [b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]],
        }
    }

    /// Encodes to the 16 on-disk bytes.
    pub fn to_bytes_le(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..4].copy_from_slice(&self.data1.to_le_bytes());
        out[4..6].copy_from_slice(&self.data2.to_le_bytes());
        out[6..8].copy_from_slice(&self.data3.to_le_bytes());
        out[8..].copy_from_slice(&self.data4);
        out
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.data4;
        write!(
            f,
            "{{{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
            self.data1, self.data2, self.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
        )
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The text was not a GUID of the form `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` (braces optional).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a GUID: {0:?}")]
pub struct ParseGuidError(pub String);

impl FromStr for Guid {
    type Err = ParseGuidError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseGuidError(s.to_owned());
        let t = s.trim();
        let t = t
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or(t);
        let parts: Vec<&str> = t.split('-').collect();
        let [p1, p2, p3, p4, p5] = parts.as_slice() else {
            return Err(err());
        };
        let hex = |p: &str, len: usize| {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err());
            }
            u64::from_str_radix(p, 16).map_err(|_| err())
        };
        let data1 = hex(p1, 8)? as u32;
        let data2 = hex(p2, 4)? as u16;
        let data3 = hex(p3, 4)? as u16;
        let hi = hex(p4, 4)?.to_be_bytes();
        let lo = hex(p5, 12)?.to_be_bytes();
        let data4 = [hi[6], hi[7], lo[2], lo[3], lo[4], lo[5], lo[6], lo[7]];
        Ok(Guid {
            data1,
            data2,
            data3,
            data4,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_round_trips_text_and_bytes() {
        // PSETID_Appointment as MS-OXPROPS prints it, and its on-disk bytes from a real .msg GUID stream.
        let g: Guid = "{00062002-0000-0000-C000-000000000046}".parse().unwrap();
        let bytes = [
            0x02, 0x20, 0x06, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46,
        ];
        assert_eq!(g.to_bytes_le(), bytes);
        assert_eq!(Guid::from_bytes_le(bytes), g);
        assert_eq!(g.to_string(), "{00062002-0000-0000-C000-000000000046}");
        assert!(
            "00062002-0000-0000-C000-00000000004"
                .parse::<Guid>()
                .is_err()
        );
        assert!(
            "{zz062002-0000-0000-C000-000000000046}"
                .parse::<Guid>()
                .is_err()
        );
    }
}
