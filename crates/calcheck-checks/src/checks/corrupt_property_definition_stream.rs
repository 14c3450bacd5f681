//! CC114 corrupt-property-definition-stream: PidLidPropertyDefinitionStream cannot be read (Outlook
//! "PropertyDefinition Stream Structure", "FieldDefinition Stream Structure"; KB 3017283).

use calcheck_format::{Error, Reader};
use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

/// Version value of the PropDefV1 field-definition format.
const PROP_DEF_V1: u16 = 0x0102;
/// Version value of the PropDefV2 field-definition format (adds InternalType and SkipBlocks).
const PROP_DEF_V2: u16 = 0x0103;
/// Smallest PropDefV1 FieldDefinition: Flags, VT, DispId, NmidNameLength and five one-byte
/// PackedAnsiString lengths.
const MIN_FIELD_V1: usize = 4 + 2 + 4 + 2 + 5;
/// Smallest PropDefV2 FieldDefinition: V1 plus InternalType and the terminating SkipBlock's Size.
const MIN_FIELD_V2: usize = MIN_FIELD_V1 + 4 + 4;

declare_check! {
    /// ## What it checks
    /// Decodes PidLidPropertyDefinitionStream (dispidPropDefStream, the definitions of an item's custom
    /// form fields) as Outlook documents it: a Version (0x0102 PropDefV1 or 0x0103 PropDefV2), a
    /// FieldDefinitionCount, and that many FieldDefinitions (Flags, VT, DispId, NmidNameLength, NmidName,
    /// five PackedAnsiStrings, and in V2 an InternalType and SkipBlocks ending with an empty one).
    ///
    /// It reports a field whose NmidNameLength promises more UTF-16 characters than the stream holds
    /// (CalCheck 0056, the corruption of KB 3017283), and any other structure that cannot be decoded: an
    /// unknown Version, a count or length that runs past the end (CalCheck 0057, which CalCheck raised when
    /// MrMAPI could not parse the stream). An empty stream is skipped, as CalCheck skipped it. calcheck
    /// parses the stream itself, so it needs no MrMAPI and has no one-second timeout.
    ///
    /// ## Why it matters
    /// Outlook reads this stream whenever it opens the item with its form. A corrupt stream makes Outlook
    /// crash when the item is opened, previewed or printed (KB 3017283).
    ///
    /// ## How to fix
    /// Delete the item and recreate it. If many items carry the same corrupt stream, look for the add-in or
    /// custom form that wrote it.
    ///
    /// ## Example
    /// A meeting saved by a custom form whose field name was cut off when the form was published.
    ///
    /// ## References
    /// Outlook MAPI reference: "PropertyDefinition Stream Structure", "FieldDefinition Stream Structure",
    /// "PackedAnsiString Stream Structure", "SkipBlock Stream Structure". CalCheck 0056: `ERROR: The
    /// dispidPropDefStream property is corrupt. This is a known problem that can cause Outlook to crash.
    /// See: https://support.microsoft.com/en-us/kb/3017283`. CalCheck 0057: `ERROR: <hex> when parsing the
    /// PropDefStream data.`
    pub CorruptPropertyDefinitionStream,
    code: "CC114", name: "corrupt-property-definition-stream", severity: Error, category: ItemProps,
    calcheck: ["0056", "0057"],
    summary: "PidLidPropertyDefinitionStream cannot be decoded",
}

/// Why a PropertyDefinition stream could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PropDefProblem {
    /// A FieldDefinition's NmidNameLength promises more characters than remain (CalCheck 0056).
    NmidName {
        /// Index of the field definition.
        field: u32,
        /// Byte offset of NmidNameLength.
        offset: usize,
        /// NmidNameLength as read.
        length: u16,
        /// Bytes left after NmidNameLength.
        available: usize,
    },
    /// Any other structural failure (CalCheck 0057).
    Malformed(Error),
}

impl From<Error> for PropDefProblem {
    fn from(e: Error) -> Self {
        PropDefProblem::Malformed(e)
    }
}

/// Skips one PackedAnsiString: a one-byte length, or 0xFF followed by a two-byte length, then the bytes.
fn skip_packed_ansi(r: &mut Reader<'_>, field: &'static str) -> Result<(), Error> {
    let short = r.u8(field)?;
    let len = if short == 0xFF {
        usize::from(r.u16(field)?)
    } else {
        usize::from(short)
    };
    r.skip(len, field)
}

/// Decodes the stream far enough to prove every length fits; returns the number of field definitions.
fn check_stream(data: &[u8]) -> Result<u32, PropDefProblem> {
    let mut r = Reader::new(data, "PropertyDefinition");
    let version_at = r.offset();
    let version = r.u16("Version")?;
    let min_field = match version {
        PROP_DEF_V1 => MIN_FIELD_V1,
        PROP_DEF_V2 => MIN_FIELD_V2,
        other => {
            return Err(Error::BadValue {
                structure: "PropertyDefinition",
                field: "Version",
                offset: version_at,
                value: u64::from(other),
            }
            .into());
        }
    };
    let count_at = r.offset();
    let count = r.u32("FieldDefinitionCount")?;
    r.check_count(
        u64::from(count),
        min_field,
        "FieldDefinitionCount",
        count_at,
    )?;
    r.set_structure("FieldDefinition");
    for field in 0..count {
        r.skip(4, "Flags")?;
        r.skip(2, "VT")?;
        r.skip(4, "DispId")?;
        let offset = r.offset();
        let length = r.u16("NmidNameLength")?;
        let needed = usize::from(length) * 2;
        if needed > r.remaining() {
            return Err(PropDefProblem::NmidName {
                field,
                offset,
                length,
                available: r.remaining(),
            });
        }
        r.skip(needed, "NmidName")?;
        for name in [
            "NameANSI",
            "FormulaANSI",
            "ValidationRuleANSI",
            "ValidationTextANSI",
            "ErrorANSI",
        ] {
            skip_packed_ansi(&mut r, name)?;
        }
        if version == PROP_DEF_V2 {
            r.skip(4, "InternalType")?;
            // SkipBlocks: Size-prefixed blocks up to and including the one whose Size is 0. Each block
            // consumes at least its four Size bytes, so the loop ends within the stream.
            loop {
                let size = r.u32("SkipBlock.Size")?;
                if size == 0 {
                    break;
                }
                r.skip(size as usize, "SkipBlock.Content")?;
            }
        }
    }
    Ok(count)
}

impl Check for CorruptPropertyDefinitionStream {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(data) = item.props.binary(&names::PROPERTY_DEFINITION_STREAM) else {
            return;
        };
        if data.is_empty() {
            return;
        }
        let Err(problem) = check_stream(data) else {
            return;
        };
        let f = match &problem {
            PropDefProblem::NmidName {
                field,
                offset,
                length,
                available,
            } => {
                let f = cx.report(
                    self,
                    "The dispidPropDefStream property is corrupt. This is a known problem that can cause Outlook to crash. See: https://support.microsoft.com/en-us/kb/3017283",
                );
                f.calcheck("0056");
                f.detail(format!(
                    "FieldDefinition {field}: NmidNameLength at offset {offset} is {length} characters ({} bytes) but only {available} bytes remain",
                    usize::from(*length) * 2
                ));
                f
            }
            PropDefProblem::Malformed(e) => {
                let f = cx.report(self, "The dispidPropDefStream property could not be parsed");
                f.calcheck("0057");
                f.detail(e.to_string());
                f
            }
        };
        prop_evidence(f, item, &names::PROPERTY_DEFINITION_STREAM);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The PropertyDefinition stream sample of the Outlook MAPI reference ("PropertyDefinition Stream
    /// Sample"): one PropDefV2 definition of the user field "TextField1".
    const SAMPLE: &[u8] = &[
        0x03, 0x01, 0x01, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x0A, 0x00, 0x54, 0x00, 0x65, 0x00, 0x78, 0x00, 0x74, 0x00, 0x46, 0x00, 0x69, 0x00,
        0x65, 0x00, 0x6C, 0x00, 0x64, 0x00, 0x31, 0x00, 0x0A, 0x54, 0x65, 0x78, 0x74, 0x46, 0x69,
        0x65, 0x6C, 0x64, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x15, 0x00, 0x00,
        0x00, 0x0A, 0x54, 0x00, 0x65, 0x00, 0x78, 0x00, 0x74, 0x00, 0x46, 0x00, 0x69, 0x00, 0x65,
        0x00, 0x6C, 0x00, 0x64, 0x00, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn reference_sample_decodes() {
        // The sample's analysis: Version 0x0103, FieldDefinitionCount 1, terminating SkipBlock at 0x52.
        assert_eq!(check_stream(SAMPLE), Ok(1));
    }

    #[test]
    fn every_prefix_of_the_sample_is_reported_not_panicked() {
        for n in 0..SAMPLE.len() {
            assert!(check_stream(&SAMPLE[..n]).is_err(), "prefix {n} decoded");
        }
    }

    #[test]
    fn nmid_name_longer_than_stream_is_0056() {
        // NmidNameLength (offset 0x10) raised from 10 to 0x40 characters: 128 bytes, 68 remain.
        let mut data = SAMPLE.to_vec();
        data[0x10] = 0x40;
        assert_eq!(
            check_stream(&data),
            Err(PropDefProblem::NmidName {
                field: 0,
                offset: 0x10,
                length: 0x40,
                available: SAMPLE.len() - 0x12,
            })
        );
    }

    #[test]
    fn unknown_version_is_malformed() {
        let mut data = SAMPLE.to_vec();
        data[0] = 0x04;
        assert!(matches!(
            check_stream(&data),
            Err(PropDefProblem::Malformed(Error::BadValue {
                field: "Version",
                ..
            }))
        ));
    }

    #[test]
    fn count_larger_than_stream_is_malformed() {
        let mut data = SAMPLE.to_vec();
        data[2] = 0xFF;
        data[3] = 0xFF;
        assert!(matches!(
            check_stream(&data),
            Err(PropDefProblem::Malformed(Error::CountTooLarge { .. }))
        ));
    }

    #[test]
    fn prop_def_v1_has_no_skip_blocks() {
        // The sample's first field definition up to ErrorANSI, as PropDefV1 (no InternalType, no SkipBlocks).
        let mut data = SAMPLE[..0x35].to_vec();
        data[0] = 0x02;
        assert_eq!(check_stream(&data), Ok(1));
    }
}
