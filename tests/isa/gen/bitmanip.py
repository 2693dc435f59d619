M=(1<<64)-1
def s64(x): x&=M; return x-(1<<64) if x>>63 else x
def sext32(x): x&=0xffffffff; return (x|0xffffffff00000000) if x>>31 else x
def zext32(x): return x&0xffffffff
def h(x): return hex(x&M)
V=[0,1,0xffffffffffffffff,0x8000000000000000,0x7fffffffffffffff,0x0123456789abcdef,0xfedcba9876543210,0x00000000ffffffff,0xffffffff00000001,0x80000000,0x00ff00000000f000,0x5555aaaa5555aaaa]
def clz(x,w=64):
    x&=(1<<w)-1
    for i in range(w):
        if x>>(w-1-i)&1: return i
    return w
def ctz(x,w=64):
    x&=(1<<w)-1
    for i in range(w):
        if x>>i&1: return i
    return w
def rol(x,s,w=64): s%=w; x&=(1<<w)-1; return ((x<<s)|(x>>(w-s)))&((1<<w)-1)
def ror(x,s,w=64): s%=w; x&=(1<<w)-1; return ((x>>s)|(x<<(w-s)))&((1<<w)-1)
def orcb(x): return sum((0xff<<(8*i)) if (x>>(8*i))&0xff else 0 for i in range(8))
def rev8(x): return int.from_bytes((x&M).to_bytes(8,'little'),'big')
n=[0]
out=[]
def rr(op,a,b,res):
    n[0]+=1; out.append(f"  RR {n[0]}, {op}, {h(a)}, {h(b)}, {h(res)}")
def ri(op,a,imm,res):
    n[0]+=1; out.append(f"  RI {n[0]}, {op}, {h(a)}, {imm}, {h(res)}")
def r1(op,a,res):
    n[0]+=1; out.append(f"  R1 {n[0]}, {op}, {h(a)}, {h(res)}")
import sys
which=sys.argv[1]
pairs=[(V[5],V[6]),(V[2],V[3]),(V[4],V[1]),(V[7],V[8]),(V[9],V[10]),(0,V[11]),(V[8],V[9])]
if which=='zba':
    for a,b in pairs:
        rr('sh1add',a,b,(a<<1)+b)
        rr('sh2add',a,b,(a<<2)+b)
        rr('sh3add',a,b,(a<<3)+b)
        rr('add.uw',a,b,zext32(a)+b)
        rr('sh1add.uw',a,b,(zext32(a)<<1)+b)
        rr('sh2add.uw',a,b,(zext32(a)<<2)+b)
        rr('sh3add.uw',a,b,(zext32(a)<<3)+b)
    for a in [V[5],V[2],V[9],V[8]]:
        for sh in [0,1,31,32,63]:
            ri('slli.uw',a,sh,zext32(a)<<sh)
    r1('zext.w',V[6],zext32(V[6]))
elif which=='zbb':
    for a,b in pairs:
        rr('andn',a,b,a&~b); rr('orn',a,b,a|(~b&M)); rr('xnor',a,b,~(a^b))
        rr('max',a,b,max(s64(a),s64(b))); rr('maxu',a,b,max(a,b))
        rr('min',a,b,min(s64(a),s64(b))); rr('minu',a,b,min(a,b))
    for a in V:
        r1('clz',a,clz(a)); r1('ctz',a,ctz(a)); r1('cpop',a,bin(a).count('1'))
        r1('clzw',a,clz(a,32)); r1('ctzw',a,ctz(a,32)); r1('cpopw',a,bin(a&0xffffffff).count('1'))
    for a in [0x80,0x7f,0x12345678ffff8001,0x8000,0xffff7fff, V[5]]:
        r1('sext.b',a,s64(((a&0xff)^0x80)-0x80)); r1('sext.h',a,s64(((a&0xffff)^0x8000)-0x8000)); r1('zext.h',a,a&0xffff)
    for a in [V[5],V[3]]:
        for s in [0,1,4,31,32,63,64+3]:
            rr('rol',a,s,rol(a,s)); rr('ror',a,s,ror(a,s))
            rr('rolw',a,s,sext32(rol(a,s%32,32))); rr('rorw',a,s,sext32(ror(a,s%32,32)))
        for s in [0,1,17,63]:
            ri('rori',a,s,ror(a,s))
        for s in [0,1,17,31]:
            ri('roriw',a,s,sext32(ror(a,s,32)))
    for a in [0,V[10],V[5],0x0100000000000080, V[2]]:
        r1('orc.b',a,orcb(a)); r1('rev8',a,rev8(a))
elif which=='zbs':
    for a in [0,V[2],V[5],V[3]]:
        for s in [0,1,31,32,63,64+5]:
            b=s%64
            rr('bclr',a,s,a&~(1<<b)); rr('bset',a,s,a|(1<<b)); rr('binv',a,s,a^(1<<b)); rr('bext',a,s,(a>>b)&1)
        for s in [0,7,31,32,63]:
            ri('bclri',a,s,a&~(1<<s)); ri('bseti',a,s,a|(1<<s)); ri('binvi',a,s,a^(1<<s)); ri('bexti',a,s,(a>>s)&1)
print("\n".join(out))
print("// checks:", n[0], file=sys.stderr)
