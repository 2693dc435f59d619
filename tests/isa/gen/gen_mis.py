buf = bytes((0x80 + i * 7) & 0xff for i in range(64))
def val(data, off, w, signed):
    v = int.from_bytes(data[off:off+w], 'little')
    if signed and v >> (8*w-1): v -= 1 << (8*w)
    return v & (2**64-1)
n = 0
out = []
loads = [('lh', 2, True), ('lhu', 2, False), ('lw', 4, True), ('lwu', 4, False), ('ld', 8, True)]
out.append('  // ---- loads at every misaligned offset')
out.append('  la s0, mis_buf')
for op, w, sg in loads:
    for off in range(1, 8):
        if off % w == 0: continue
        n += 1
        out.append(f'  {op} a0, {off}(s0)\n  CHECK {n}, a0, {hex(val(buf, off, w, sg))}')
out.append('  // FP loads')
for off in (1, 3, 6):
    n += 1
    out.append(f'  fld f1, {off}(s0)\n  CHECKD {n}, f1, {hex(val(buf, off, 8, False))}')
    n += 1
    out.append(f'  flw f1, {off}(s0)\n  CHECKS {n}, f1, {hex(val(buf, off, 4, False))}')
out.append('  // ---- stores at every misaligned offset (surrounding bytes intact)')
stores = [('sh', 2), ('sw', 4), ('sd', 8)]
for op, w in stores:
    for off in range(1, 8):
        if off % w == 0: continue
        n += 1
        d = bytearray(b'\xee' * 16)
        src = 0x0123456789abcdef
        d[off:off+w] = (src & (2**(8*w)-1)).to_bytes(w, 'little')
        lo = int.from_bytes(d[0:8], 'little'); hi = int.from_bytes(d[8:16], 'little')
        out.append(f'''  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0x0123456789abcdef
  {op} a1, {off}(s1)
  CHECK_LABEL {n}
  ld a0, 0(s1)
  CMP {n}, a0, {hex(lo)}
  ld a0, 8(s1)
  CMP {n}, a0, {hex(hi)}''')
out.append('  // FP stores')
for op, w, ld in (('fsd', 8, 'fld'), ('fsw', 4, 'flw')):
    for off in (3, 5):
        n += 1
        d = bytearray(b'\xee' * 16)
        src = 0x0123456789abcdef
        d[off:off+w] = (src & (2**(8*w)-1)).to_bytes(w, 'little')
        lo = int.from_bytes(d[0:8], 'little'); hi = int.from_bytes(d[8:16], 'little')
        out.append(f'''  la s1, st_buf
  li t0, 0xeeeeeeeeeeeeeeee
  sd t0, 0(s1)
  sd t0, 8(s1)
  li a1, 0xffffffff89abcdef
  fmv.d.x f2, a1
  {'li a1, 0x0123456789abcdef' if w == 8 else ''}
  {'fmv.d.x f2, a1' if w == 8 else ''}
  {op} f2, {off}(s1)
  CHECK_LABEL {n}
  ld a0, 0(s1)
  CMP {n}, a0, {hex(lo)}
  ld a0, 8(s1)
  CMP {n}, a0, {hex(hi)}''')
print('\n'.join(out))
import sys; print(n, file=sys.stderr)
