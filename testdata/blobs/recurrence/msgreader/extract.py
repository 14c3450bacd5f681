#!/usr/bin/env python3
"""Extracts PidLidAppointmentRecur from the msgreader .msg fixtures (run once; see README.md).

The named property {00062002-0000-0000-C000-000000000046} LID 0x8216 is looked up in the
__nameid_version1.0 storage (GUID stream 0002, entry stream 0003), and the binary value is read
from the top-level stream __substg1.0_<8000+index>0102.
"""
import pathlib
import struct
import sys
import uuid

import olefile

PSETID_APPOINTMENT = uuid.UUID("00062002-0000-0000-C000-000000000046")
LID_APPOINTMENT_RECUR = 0x8216


def appointment_recur(path):
    ole = olefile.OleFileIO(str(path))
    guids = ole.openstream("__nameid_version1.0/__substg1.0_00020102").read()
    entries = ole.openstream("__nameid_version1.0/__substg1.0_00030102").read()
    for off in range(0, len(entries) - 7, 8):
        lid, kind, prop_index = struct.unpack_from("<IHH", entries, off)
        if kind & 1:
            continue  # string-named property
        guid_index = kind >> 1
        if guid_index < 3:
            continue  # PS_MAPI / PS_PUBLIC_STRINGS
        start = (guid_index - 3) * 16
        guid = uuid.UUID(bytes_le=guids[start:start + 16])
        if guid == PSETID_APPOINTMENT and lid == LID_APPOINTMENT_RECUR:
            name = "__substg1.0_%04X0102" % (0x8000 + prop_index)
            if ole.exists(name):
                return ole.openstream(name).read()
    return None


def main():
    src = pathlib.Path(sys.argv[1])
    out = pathlib.Path(sys.argv[2])
    for msg in sorted(src.glob("*.msg")):
        blob = appointment_recur(msg)
        if blob is None:
            print(f"{msg.name}: no PidLidAppointmentRecur")
            continue
        (out / (msg.stem + ".bin")).write_bytes(blob)
        print(f"{msg.name}: {len(blob)} bytes")


if __name__ == "__main__":
    main()
