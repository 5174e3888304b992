"""ucrtbase.dll for a Wine 8.0 prefix only: Wine's own, with five unimplemented stubs filled in.

    python ucrtbase_bridge.py WINE_UCRTBASE OUT        (needs pefile; run by build-wine.sh)

Wine 8.0 leaves ``crealf``, ``cimagf``, ``cimag``, ``creall`` and ``cimagl`` as stubs that abort
the process, and numpy calls ``crealf`` while importing. Windows resolves the api-ms-win-crt-*
names numpy imports straight to ucrtbase.dll (Wine 8.0 does the same through its API set
schema), so a forwarding DLL under another name cannot sit in between: the bridge has to be a
ucrtbase.dll. This copies Wine's and replaces each of the five 24-byte stubs with the accessor
it should have been (a few bytes). Nothing else changes, so the rest of the C runtime is
exactly Wine's. The copy goes into the prefix's system32 with a native override; it is never
part of the bundle (build-wine.sh fails if it is).

Loud, not silent, when Wine changes: the input must carry Wine's builtin mark, and every
patched export must be exactly Wine 8.0's stub for that name (``sub rsp,28h; lea rcx,
"ucrtbase.dll"; lea rdx, "<name>"; call __wine_spec_unimplemented_stub``); anything else
stops the build with a message. ucrt_complex_check.c then calls the five under Wine.
"""

from __future__ import annotations

import struct
import sys

import pefile

STUB_SIZE = 24  # Wine's spec-file stubs follow each other 24 bytes apart
# MSVC x64 ABI: a _Fcomplex (8 bytes) comes by value in RCX; _Dcomplex and _Lcomplex (16 bytes)
# by reference in RCX. Floating-point results go back in XMM0. long double is double.
BODIES = {
    "crealf": "66 0F 6E C1 C3",              # movd xmm0, ecx; ret
    "cimagf": "48 C1 E9 20 66 0F 6E C1 C3",  # shr rcx, 32; movd xmm0, ecx; ret
    "cimag": "F2 0F 10 41 08 C3",            # movsd xmm0, [rcx+8]; ret
    "creall": "F2 0F 10 01 C3",              # movsd xmm0, [rcx]; ret (what Wine's creal is)
    "cimagl": "F2 0F 10 41 08 C3",           # movsd xmm0, [rcx+8]; ret
}
BUILTIN_MARK = b"Wine builtin DLL"  # at 0x40, after the DOS header; Wine loads its own for it
BUILTIN_AT = 0x40


def stub_target(pe: pefile.PE, rva: int) -> tuple[bytes, bytes] | None:
    """(dll, function) named by a Wine unimplemented-function stub at ``rva``, else None."""
    code = pe.get_data(rva, STUB_SIZE)
    if code[:4] != bytes.fromhex("4883EC28") or code[4:7] != bytes.fromhex("488D0D") \
            or code[11:14] != bytes.fromhex("488D15") or code[18] != 0xE8:
        return None
    dll = rva + 11 + struct.unpack("<i", code[7:11])[0]
    name = rva + 18 + struct.unpack("<i", code[14:18])[0]
    return pe.get_string_at_rva(dll), pe.get_string_at_rva(name)


def bridge(source: str, out: str) -> None:
    pe = pefile.PE(source)
    if pe.__data__[BUILTIN_AT:BUILTIN_AT + len(BUILTIN_MARK)] != BUILTIN_MARK:
        sys.exit(f"ucrtbase bridge: {source} is not a Wine builtin DLL; look again at "
                 "packaging/windows/shims/ucrtbase_bridge.py for this Wine")
    exports = {e.name.decode(): e.address for e in pe.DIRECTORY_ENTRY_EXPORT.symbols if e.name}
    for name, hexcode in BODIES.items():
        found = stub_target(pe, exports[name]) if name in exports else None
        if found != (b"ucrtbase.dll", name.encode()):
            sys.exit(f"ucrtbase bridge: {name} in {source} is not Wine 8.0's unimplemented stub "
                     f"(found {found}). This Wine changed: if it implements {name} now, drop it "
                     "from BODIES (and the bridge once all five are real); otherwise re-check "
                     "the stub layout.")
        code = bytes.fromhex(hexcode)
        pe.set_bytes_at_rva(exports[name], code + b"\xcc" * (STUB_SIZE - len(code)))  # int3 pad
    data = bytearray(pe.write())
    data[BUILTIN_AT:BUILTIN_AT + len(BUILTIN_MARK)] = bytes(len(BUILTIN_MARK))
    with open(out, "wb") as handle:
        handle.write(data)
    print(f"ucrtbase bridge: {', '.join(BODIES)} filled in ({out})")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    bridge(sys.argv[1], sys.argv[2])
