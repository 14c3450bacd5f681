//! Property keys that do not depend on the store: tagged ids, and named properties resolved to
//! (property set GUID, LID or name) as [MS-OXPROPS] 1.3.2 and [MS-PST] 2.4.7 define them.
//!
//! Readers resolve store-local named-property ids (0x8000 and above) through the store's or the
//! .msg file's name map before building an item, so a check asks for `PidLidAppointmentRecur`
//! and never for whatever id one file happened to give it.

use core::fmt;

use calcheck_format::Guid;

/// PSETID_Appointment {00062002-0000-0000-C000-000000000046}.
pub const PSETID_APPOINTMENT: Guid =
    Guid::from_fields(0x0006_2002, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
/// PSETID_Task {00062003-0000-0000-C000-000000000046}.
pub const PSETID_TASK: Guid = Guid::from_fields(0x0006_2003, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
/// PSETID_Address {00062004-0000-0000-C000-000000000046}.
pub const PSETID_ADDRESS: Guid =
    Guid::from_fields(0x0006_2004, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
/// PSETID_Common {00062008-0000-0000-C000-000000000046}.
pub const PSETID_COMMON: Guid =
    Guid::from_fields(0x0006_2008, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
/// PSETID_Log {0006200A-0000-0000-C000-000000000046}.
pub const PSETID_LOG: Guid = Guid::from_fields(0x0006_200A, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
/// PSETID_Note {0006200E-0000-0000-C000-000000000046}.
pub const PSETID_NOTE: Guid = Guid::from_fields(0x0006_200E, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
/// PSETID_Meeting {6ED8DA90-450B-101B-98DA-00AA003F1305}.
pub const PSETID_MEETING: Guid = Guid::from_fields(
    0x6ED8_DA90,
    0x450B,
    0x101B,
    [0x98, 0xDA, 0x00, 0xAA, 0x00, 0x3F, 0x13, 0x05],
);
/// PSETID_CalendarAssistant {11000E07-B51B-40D6-AF21-CAA85EDAB1D0}.
pub const PSETID_CALENDAR_ASSISTANT: Guid = Guid::from_fields(
    0x1100_0E07,
    0xB51B,
    0x40D6,
    [0xAF, 0x21, 0xCA, 0xA8, 0x5E, 0xDA, 0xB1, 0xD0],
);
/// PS_PUBLIC_STRINGS {00020329-0000-0000-C000-000000000046}.
pub const PS_PUBLIC_STRINGS: Guid =
    Guid::from_fields(0x0002_0329, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
/// PS_MAPI {00020328-0000-0000-C000-000000000046}: named form of tagged properties.
pub const PS_MAPI: Guid = Guid::from_fields(0x0002_0328, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
/// PS_INTERNET_HEADERS {00020386-0000-0000-C000-000000000046}.
pub const PS_INTERNET_HEADERS: Guid =
    Guid::from_fields(0x0002_0386, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);

/// The well-known property sets with the names EWS and Graph give them
/// (`DistinguishedPropertySetId` in EWS), for display and for parsing input that uses the names.
pub const PROPERTY_SETS: &[(&str, Guid)] = &[
    ("Appointment", PSETID_APPOINTMENT),
    ("Task", PSETID_TASK),
    ("Address", PSETID_ADDRESS),
    ("Common", PSETID_COMMON),
    ("Log", PSETID_LOG),
    ("Note", PSETID_NOTE),
    ("Meeting", PSETID_MEETING),
    ("CalendarAssistant", PSETID_CALENDAR_ASSISTANT),
    ("PublicStrings", PS_PUBLIC_STRINGS),
    ("Mapi", PS_MAPI),
    ("InternetHeaders", PS_INTERNET_HEADERS),
];

/// The short name of a well-known property set, if it is one.
pub fn property_set_name(guid: &Guid) -> Option<&'static str> {
    PROPERTY_SETS
        .iter()
        .find(|(_, g)| g == guid)
        .map(|(n, _)| *n)
}

/// The identifier of a named property inside its property set.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NamedId {
    /// MNID_ID: a numeric long id (LID).
    Lid(u32),
    /// MNID_STRING: a name.
    Name(String),
}

/// A property key that means the same in every store.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PropKey {
    /// A tagged property, by its property id (below 0x8000).
    Tagged(u16),
    /// A named property, by property set and id or name.
    Named {
        /// The property set.
        set: Guid,
        /// The LID or name within the set.
        id: NamedId,
    },
}

impl PropKey {
    /// A named property with a numeric LID.
    pub fn lid(set: Guid, lid: u32) -> Self {
        PropKey::Named {
            set,
            id: NamedId::Lid(lid),
        }
    }

    /// A named property with a string name.
    pub fn name(set: Guid, name: impl Into<String>) -> Self {
        PropKey::Named {
            set,
            id: NamedId::Name(name.into()),
        }
    }
}

impl fmt::Display for PropKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PropKey::Tagged(id) => write!(f, "0x{id:04X}"),
            PropKey::Named { set, id } => {
                match property_set_name(set) {
                    Some(name) => write!(f, "{name}:")?,
                    None => write!(f, "{set}:")?,
                }
                match id {
                    NamedId::Lid(lid) => write!(f, "0x{lid:04X}"),
                    NamedId::Name(name) => write!(f, "{name:?}"),
                }
            }
        }
    }
}
