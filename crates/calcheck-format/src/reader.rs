//! A checked little-endian cursor over a byte slice.
//!
//! Every read names the structure and field it belongs to, so that a failure becomes an
//! [`Error`] with the exact offset and spec field name instead of a panic.

use crate::error::{Error, Result};
use crate::guid::Guid;

/// A cursor that never reads past the end of its slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    structure: &'static str,
}

impl<'a> Reader<'a> {
    /// A cursor at the start of `data`, decoding the structure named `structure`.
    pub fn new(data: &'a [u8], structure: &'static str) -> Self {
        Reader {
            data,
            pos: 0,
            structure,
        }
    }

    /// Changes the structure name used in errors, e.g. when entering a nested structure.
    pub fn set_structure(&mut self, structure: &'static str) {
        self.structure = structure;
    }

    /// The structure name used in errors.
    pub fn structure(&self) -> &'static str {
        self.structure
    }

    /// Current offset from the start of the slice.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Bytes left to read.
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// True when every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The whole underlying slice.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }

    /// Reads `n` bytes for `field`.
    pub fn bytes(&mut self, n: usize, field: &'static str) -> Result<&'a [u8]> {
        let available = self.remaining();
        let end = self.pos.checked_add(n);
        match end.and_then(|end| self.data.get(self.pos..end)) {
            Some(slice) => {
                self.pos += n;
                Ok(slice)
            }
            None => Err(Error::Truncated {
                structure: self.structure,
                field,
                offset: self.pos,
                needed: n,
                available,
            }),
        }
    }

    /// Skips `n` bytes for `field`.
    pub fn skip(&mut self, n: usize, field: &'static str) -> Result<()> {
        self.bytes(n, field).map(|_| ())
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N]> {
        let slice = self.bytes(N, field)?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    /// Reads one byte.
    pub fn u8(&mut self, field: &'static str) -> Result<u8> {
        Ok(self.array::<1>(field)?[0])
    }

    /// Reads a little-endian `u16`.
    pub fn u16(&mut self, field: &'static str) -> Result<u16> {
        self.array(field).map(u16::from_le_bytes)
    }

    /// Reads a big-endian `u16` (only the GlobalObjectId year is big-endian).
    pub fn u16_be(&mut self, field: &'static str) -> Result<u16> {
        self.array(field).map(u16::from_be_bytes)
    }

    /// Reads a little-endian `u32`.
    pub fn u32(&mut self, field: &'static str) -> Result<u32> {
        self.array(field).map(u32::from_le_bytes)
    }

    /// Reads a little-endian `i32`.
    pub fn i32(&mut self, field: &'static str) -> Result<i32> {
        self.array(field).map(i32::from_le_bytes)
    }

    /// Reads a little-endian `u64`.
    pub fn u64(&mut self, field: &'static str) -> Result<u64> {
        self.array(field).map(u64::from_le_bytes)
    }

    /// Reads a GUID in its Windows byte layout.
    pub fn guid(&mut self, field: &'static str) -> Result<Guid> {
        self.array(field).map(Guid::from_bytes_le)
    }

    /// Checks that `count` elements of `elem_size` bytes fit in the bytes that remain.
    ///
    /// `count_offset` is where the count itself was read, so the error points at the count.
    pub fn check_count(
        &self,
        count: u64,
        elem_size: usize,
        field: &'static str,
        count_offset: usize,
    ) -> Result<()> {
        let needed = count.saturating_mul(elem_size as u64);
        if needed > self.remaining() as u64 {
            return Err(Error::CountTooLarge {
                structure: self.structure,
                field,
                offset: count_offset,
                count,
                needed,
                available: self.remaining(),
            });
        }
        Ok(())
    }

    /// Reads a `u32` count followed by that many `u32` values, checking the count first.
    pub fn u32_array(
        &mut self,
        count_field: &'static str,
        field: &'static str,
    ) -> Result<Vec<u32>> {
        let at = self.pos;
        let count = self.u32(count_field)?;
        self.check_count(u64::from(count), 4, count_field, at)?;
        let mut out = Vec::with_capacity(count as usize);
        for _ in 0..count {
            out.push(self.u32(field)?);
        }
        Ok(out)
    }

    /// Reads `count` UTF-16LE code units (count already read by the caller).
    pub fn utf16(&mut self, count: usize, field: &'static str) -> Result<Vec<u16>> {
        let bytes = self.bytes(count.saturating_mul(2), field)?;
        Ok(utf16_units(bytes))
    }
}

/// Splits UTF-16LE bytes into code units; an odd last byte is dropped.
pub fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|c| match c {
            [lo, hi] => u16::from_le_bytes([*lo, *hi]),
            _ => 0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_truncated_names_field_and_offset() {
        let mut r = Reader::new(&[1, 2, 3], "Test");
        assert_eq!(r.u16("A").unwrap(), 0x0201);
        let err = r.u32("B").unwrap_err();
        assert_eq!(
            err,
            Error::Truncated {
                structure: "Test",
                field: "B",
                offset: 2,
                needed: 4,
                available: 1
            }
        );
    }

    #[test]
    fn reader_count_too_large_points_at_count() {
        let mut r = Reader::new(&[0xFF, 0xFF, 0xFF, 0xFF, 0, 0], "Test");
        let err = r.u32_array("Count", "Values").unwrap_err();
        assert_eq!(err.offset(), 0);
        assert!(matches!(
            err,
            Error::CountTooLarge {
                count: 0xFFFF_FFFF,
                available: 2,
                ..
            }
        ));
    }

    #[test]
    fn reader_bytes_huge_length_does_not_overflow() {
        let mut r = Reader::new(&[0; 4], "Test");
        r.skip(1, "pad").unwrap();
        assert!(r.bytes(usize::MAX, "huge").is_err());
        assert_eq!(r.offset(), 1);
    }
}
