//! The file header ([MS-PST] 2.2.2.6 HEADER, with the OST 2013 4 KiB-page variant).
//!
//! The header says which of the three on-disk layouts the file uses (ANSI: 32-bit ids and
//! offsets; Unicode: 64-bit; Unicode with 4 KiB pages: OST 2013 and later), how data blocks are
//! encoded, and where the roots of the node and block B-trees are. It is guarded by two CRCs;
//! a mismatch means the roots cannot be trusted, so the file is refused with a clear error.

use calcheck_format::Reader;

use crate::crc::compute_crc;
use crate::crypt::CryptMethod;
use crate::error::{Error, Result};

/// Bytes of the header this reader needs (the Unicode header is 564 bytes, ANSI 512).
pub const HEADER_SIZE: usize = 564;

/// `dwMagic`: "!BDN".
const MAGIC: u32 = 0x4E44_4221;
/// `wMagicClient` of a PST: "SM".
const MAGIC_CLIENT_PST: u16 = 0x4D53;
/// `wMagicClient` of an OST: "SO".
const MAGIC_CLIENT_OST: u16 = 0x4F53;
/// `wMagicClient` of a PAB: "AB" (same container format).
const MAGIC_CLIENT_PAB: u16 = 0x4241;

/// Whether the file is a personal store or an offline copy of a server mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A PST (`wMagicClient` "SM").
    Pst,
    /// An OST (`wMagicClient` "SO").
    Ost,
    /// A personal address book (`wMagicClient` "AB").
    Pab,
}

/// The on-disk layout, chosen by `wVer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// ANSI (Outlook 97-2002): 32-bit ids and offsets, 512-byte pages (`wVer` 14 or 15).
    Ansi,
    /// Unicode: 64-bit ids and offsets, 512-byte pages (`wVer` 23).
    Unicode,
    /// Unicode with 4 KiB pages, 512-byte block alignment and zlib-compressed blocks
    /// (OST written by Outlook 2013 and later, `wVer` 36).
    Unicode4k,
}

impl Format {
    /// Size of a B-tree or map page.
    pub fn page_size(self) -> usize {
        match self {
            Format::Ansi | Format::Unicode => 512,
            Format::Unicode4k => 4096,
        }
    }

    /// Size of a block id, node id slot, or file offset: 4 (ANSI) or 8 bytes.
    pub fn id_size(self) -> usize {
        match self {
            Format::Ansi => 4,
            Format::Unicode | Format::Unicode4k => 8,
        }
    }

    /// Size of the BLOCKTRAILER.
    pub fn block_trailer_size(self) -> usize {
        match self {
            Format::Ansi => 12,
            Format::Unicode => 16,
            Format::Unicode4k => 24,
        }
    }

    /// Blocks start at and are padded to multiples of this.
    pub fn block_alignment(self) -> u64 {
        match self {
            Format::Ansi | Format::Unicode => 64,
            Format::Unicode4k => 512,
        }
    }

    /// Largest size a data block can have once inflated (used to bound allocations).
    pub fn max_block_data(self) -> usize {
        match self {
            // 8192 bytes minus the trailer ([MS-PST] 2.2.2.8).
            Format::Ansi => 8180,
            Format::Unicode => 8176,
            // OST 2013 blocks grow to 64 KiB; the inflated size is a 16-bit field.
            Format::Unicode4k => 0xFFFF,
        }
    }
}

/// A block reference: block id and file offset ([MS-PST] 2.2.2.4 BREF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Bref {
    /// The block or page id.
    pub bid: u64,
    /// Its absolute file offset.
    pub ib: u64,
}

/// The decoded header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// PST, OST or PAB.
    pub kind: FileKind,
    /// `wVer`.
    pub version: u16,
    /// `wVerClient`.
    pub client_version: u16,
    /// The layout `wVer` selects.
    pub format: Format,
    /// `bCryptMethod`.
    pub crypt: CryptMethod,
    /// `ROOT.ibFileEof`: the size the file should have.
    pub file_eof: u64,
    /// `ROOT.BREFNBT`: root page of the node B-tree.
    pub nbt_root: Bref,
    /// `ROOT.BREFBBT`: root page of the block B-tree.
    pub bbt_root: Bref,
    /// `dwCRCPartial`.
    pub crc_partial: u32,
    /// `dwCRCFull` (Unicode only).
    pub crc_full: Option<u32>,
}

impl Header {
    /// Decodes and verifies the header from the first bytes of the file.
    ///
    /// Fails when the magic is wrong, the version is unknown, or either CRC does not match.
    pub fn parse(bytes: &[u8]) -> Result<Header> {
        let loc = |e| Error::parse("HEADER at file offset 0x0", e);
        let mut r = Reader::new(bytes, "HEADER");
        let magic = r.u32("dwMagic").map_err(loc)?;
        if magic != MAGIC {
            return Err(Error::NotPst {
                reason: format!("dwMagic is {magic:#010x}, not \"!BDN\" (0x4e444221)"),
            });
        }
        let crc_partial = r.u32("dwCRCPartial").map_err(loc)?;
        let magic_client = r.u16("wMagicClient").map_err(loc)?;
        let kind = match magic_client {
            MAGIC_CLIENT_PST => FileKind::Pst,
            MAGIC_CLIENT_OST => FileKind::Ost,
            MAGIC_CLIENT_PAB => FileKind::Pab,
            other => {
                return Err(Error::NotPst {
                    reason: format!(
                        "wMagicClient is {other:#06x}, not \"SM\" (pst) or \"SO\" (ost)"
                    ),
                });
            }
        };
        let version = r.u16("wVer").map_err(loc)?;
        let format = match version {
            14 | 15 => Format::Ansi,
            // Version 21 is a Unicode variant some writers use before 23.
            21 | 23 => Format::Unicode,
            36 => Format::Unicode4k,
            other => {
                return Err(Error::NotPst {
                    reason: format!(
                        "wVer {other} is not a known pst/ost version (14, 15, 23 or 36)"
                    ),
                });
            }
        };
        let client_version = r.u16("wVerClient").map_err(loc)?;

        // [MS-PST] 2.2.2.6: dwCRCPartial covers the 471 bytes from wMagicClient (offset 8).
        let partial_data = bytes.get(8..8 + 471).ok_or_else(|| {
            Error::parse(
                "HEADER at file offset 0x0",
                calcheck_format::Error::Truncated {
                    structure: "HEADER",
                    field: "dwCRCPartial data",
                    offset: 8,
                    needed: 471,
                    available: bytes.len().saturating_sub(8),
                },
            )
        })?;
        let computed = compute_crc(partial_data);
        if computed != crc_partial {
            return Err(Error::CrcMismatch {
                structure: "HEADER.dwCRCPartial",
                offset: 4,
                stored: crc_partial,
                computed,
                consequence: "the file header is corrupt, so the b-tree roots cannot be trusted",
            });
        }

        let (file_eof, nbt_root, bbt_root, crypt_byte, crc_full) = match format {
            Format::Ansi => {
                let mut r = Reader::new(bytes, "HEADER");
                r.skip(164, "header fields before ROOT").map_err(loc)?;
                r.skip(4, "ROOT.dwReserved").map_err(loc)?;
                let eof = u64::from(r.u32("ROOT.ibFileEof").map_err(loc)?);
                r.skip(12, "ROOT.ibAMapLast..cbPMapFree").map_err(loc)?;
                let nbt = Bref {
                    bid: u64::from(r.u32("ROOT.BREFNBT.bid").map_err(loc)?),
                    ib: u64::from(r.u32("ROOT.BREFNBT.ib").map_err(loc)?),
                };
                let bbt = Bref {
                    bid: u64::from(r.u32("ROOT.BREFBBT.bid").map_err(loc)?),
                    ib: u64::from(r.u32("ROOT.BREFBBT.ib").map_err(loc)?),
                };
                let mut r = Reader::new(bytes, "HEADER");
                r.skip(461, "header fields before bCryptMethod")
                    .map_err(loc)?;
                let crypt = r.u8("bCryptMethod").map_err(loc)?;
                (eof, nbt, bbt, crypt, None)
            }
            Format::Unicode | Format::Unicode4k => {
                let mut r = Reader::new(bytes, "HEADER");
                r.skip(180, "header fields before ROOT").map_err(loc)?;
                r.skip(4, "ROOT.dwReserved").map_err(loc)?;
                let eof = r.u64("ROOT.ibFileEof").map_err(loc)?;
                r.skip(24, "ROOT.ibAMapLast..cbPMapFree").map_err(loc)?;
                let nbt = Bref {
                    bid: r.u64("ROOT.BREFNBT.bid").map_err(loc)?,
                    ib: r.u64("ROOT.BREFNBT.ib").map_err(loc)?,
                };
                let bbt = Bref {
                    bid: r.u64("ROOT.BREFBBT.bid").map_err(loc)?,
                    ib: r.u64("ROOT.BREFBBT.ib").map_err(loc)?,
                };
                let mut r = Reader::new(bytes, "HEADER");
                r.skip(513, "header fields before bCryptMethod")
                    .map_err(loc)?;
                let crypt = r.u8("bCryptMethod").map_err(loc)?;
                let mut r = Reader::new(bytes, "HEADER");
                r.skip(524, "header fields before dwCRCFull").map_err(loc)?;
                let crc_full = r.u32("dwCRCFull").map_err(loc)?;
                // dwCRCFull covers the 516 bytes from wMagicClient.
                let full_data = bytes.get(8..8 + 516).unwrap_or_default();
                let computed = compute_crc(full_data);
                if computed != crc_full {
                    return Err(Error::CrcMismatch {
                        structure: "HEADER.dwCRCFull",
                        offset: 524,
                        stored: crc_full,
                        computed,
                        consequence: "the file header is corrupt, so the b-tree roots cannot be trusted",
                    });
                }
                (eof, nbt, bbt, crypt, Some(crc_full))
            }
        };
        let crypt = match crypt_byte {
            0 => CryptMethod::None,
            1 => CryptMethod::Permute,
            2 => CryptMethod::Cyclic,
            other => {
                return Err(Error::NotPst {
                    reason: format!(
                        "bCryptMethod {other:#04x} is not none (0), permute (1) or cyclic (2)"
                    ),
                });
            }
        };
        Ok(Header {
            kind,
            version,
            client_version,
            format,
            crypt,
            file_eof,
            nbt_root,
            bbt_root,
            crc_partial,
            crc_full,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{seal_header, unicode_header};

    const NBT: Bref = Bref {
        bid: 0x100,
        ib: 0x400,
    };
    const BBT: Bref = Bref {
        bid: 0x104,
        ib: 0x600,
    };

    #[test]
    fn header_unicode_fields() {
        let h = Header::parse(&unicode_header(NBT, BBT, 2, 0x1000)).unwrap();
        assert_eq!(h.kind, FileKind::Pst);
        assert_eq!(h.format, Format::Unicode);
        assert_eq!(h.crypt, CryptMethod::Cyclic);
        assert_eq!((h.nbt_root, h.bbt_root, h.file_eof), (NBT, BBT, 0x1000));
    }

    #[test]
    fn header_ost_and_4k_versions() {
        let mut b = unicode_header(NBT, BBT, 0, 0);
        b[8..10].copy_from_slice(b"SO");
        b[10..12].copy_from_slice(&36u16.to_le_bytes());
        seal_header(&mut b);
        let h = Header::parse(&b).unwrap();
        assert_eq!((h.kind, h.format), (FileKind::Ost, Format::Unicode4k));
        assert_eq!(h.format.page_size(), 4096);
        assert_eq!(h.format.block_trailer_size(), 24);
    }

    #[test]
    fn header_bad_magic_version_and_crypt_are_refused() {
        let mut b = unicode_header(NBT, BBT, 0, 0);
        b[0] = b'X';
        assert!(matches!(Header::parse(&b), Err(Error::NotPst { .. })));
        let mut b = unicode_header(NBT, BBT, 0, 0);
        b[10..12].copy_from_slice(&99u16.to_le_bytes());
        seal_header(&mut b);
        assert!(matches!(Header::parse(&b), Err(Error::NotPst { .. })));
        let mut b = unicode_header(NBT, BBT, 0, 0);
        b[8..10].copy_from_slice(b"ZZ");
        seal_header(&mut b);
        assert!(matches!(Header::parse(&b), Err(Error::NotPst { .. })));
        let b = unicode_header(NBT, BBT, 7, 0);
        assert!(matches!(Header::parse(&b), Err(Error::NotPst { .. })));
    }

    #[test]
    fn header_crc_mismatches_are_errors_naming_the_field() {
        // A byte inside both CRC ranges (the NBT root) changes dwCRCPartial first.
        let mut b = unicode_header(NBT, BBT, 0, 0);
        b[216] ^= 1;
        let err = Header::parse(&b).unwrap_err();
        assert!(matches!(
            err,
            Error::CrcMismatch {
                structure: "HEADER.dwCRCPartial",
                offset: 4,
                ..
            }
        ));
        // A byte only dwCRCFull covers (bCryptMethod's neighbour at 514).
        let mut b = unicode_header(NBT, BBT, 0, 0);
        b[514] ^= 1;
        let err = Header::parse(&b).unwrap_err();
        assert!(matches!(
            err,
            Error::CrcMismatch {
                structure: "HEADER.dwCRCFull",
                offset: 524,
                ..
            }
        ));
    }

    #[test]
    fn header_truncated_is_an_error() {
        let b = unicode_header(NBT, BBT, 0, 0);
        assert!(matches!(Header::parse(&b[..100]), Err(Error::Parse { .. })));
        assert!(matches!(Header::parse(&b[..2]), Err(Error::Parse { .. })));
    }
}
