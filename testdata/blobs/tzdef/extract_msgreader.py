#!/usr/bin/env python3
"""Extracts the time-zone and GlobalObjectId blobs of the msgreader .msg fixtures.

Run once from the repository root:
    python3 testdata/blobs/tzdef/extract_msgreader.py /path/to/shared/vectors/msg/msgreader

It reads only the top-level message of each .msg (not exception attachments), resolves the named
properties through `__nameid_version1.0` ([MS-OXMSG] 2.2.3), and writes
`testdata/blobs/<kind>/msgreader/<slug>-<prop>.bin` for every property that is present.
"""
import os
import struct
import sys

import olefile

PSETID_APPOINTMENT = "00062002-0000-0000-c000-000000000046"
PSETID_MEETING = "6ed8da90-450b-101b-98da-00aa003f1305"

# (property set, LID) -> (kind folder, file suffix)
WANTED = {
    (PSETID_APPOINTMENT, 0x8233): ("tzreg", "timezonestruct"),
    (PSETID_APPOINTMENT, 0x825E): ("tzdef", "startdisplay"),
    (PSETID_APPOINTMENT, 0x825F): ("tzdef", "enddisplay"),
    (PSETID_APPOINTMENT, 0x8260): ("tzdef", "recur"),
    (PSETID_MEETING, 0x0003): ("goid", "globalobjectid"),
    (PSETID_MEETING, 0x0023): ("goid", "cleanglobalobjectid"),
}


def guid_text(raw):
    d1, d2, d3 = struct.unpack_from("<IHH", raw)
    d4 = raw[8:16]
    return f"{d1:08x}-{d2:04x}-{d3:04x}-{d4[:2].hex()}-{d4[2:].hex()}"


def named_ids(ole):
    """Maps (property set GUID text, LID) to the 0x8000+ property id."""
    guids = ole.openstream("__nameid_version1.0/__substg1.0_00020102").read()
    entries = ole.openstream("__nameid_version1.0/__substg1.0_00030102").read()
    out = {}
    for off in range(0, len(entries) - 7, 8):
        lid, idx_kind, prop_index = struct.unpack_from("<IHH", entries, off)
        if idx_kind & 1:
            continue  # string-named property
        guid_index = idx_kind >> 1
        if guid_index < 3:
            continue  # PS_MAPI / PS_PUBLIC_STRINGS are not the sets we want
        start = (guid_index - 3) * 16
        out[(guid_text(guids[start:start + 16]), lid)] = 0x8000 + prop_index
    return out


def main(src):
    repo = os.getcwd()
    for name in sorted(os.listdir(src)):
        if not name.endswith(".msg"):
            continue
        slug = name[:-4]
        ole = olefile.OleFileIO(os.path.join(src, name))
        ids = named_ids(ole)
        for key, (kind, suffix) in WANTED.items():
            prop_id = ids.get(key)
            if prop_id is None:
                continue
            stream = f"__substg1.0_{prop_id:04X}0102"
            if not ole.exists(stream):
                continue
            data = ole.openstream(stream).read()
            dest = os.path.join(repo, "testdata", "blobs", kind, "msgreader", f"{slug}-{suffix}.bin")
            with open(dest, "wb") as f:
                f.write(data)
            print(dest, len(data))


if __name__ == "__main__":
    main(sys.argv[1])
