#!/usr/bin/env bash
# Differential test: random RV64GC programs on rvmm and on qemu-system-riscv64.
#
#   tests/diff/run.sh [--seeds A-B] [--length N] [--self]
#
# Prints one line per program on stdout, "PASS diff/seed-N" or "FAIL diff/seed-N";
# details of a failure go to stderr. Always exits 0: the caller counts FAIL lines.
# Env: RVMM (default $BUILD/rvmm), BUILD (default build), QEMU (default
# qemu-system-riscv64). Work files: $BUILD/diff/seed-N.{S,elf,<machine>.out}.
# --self runs QEMU against QEMU in single-step mode (checks the generator's
# determinism and that every program completes). See tests/diff/README.md.
set -u

here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-build}
RVMM=${RVMM:-$BUILD/rvmm}
QEMU=${QEMU:-qemu-system-riscv64}
RV_CC=${RV_CC:-riscv64-unknown-elf-gcc}
if [[ -z ${PYTHON:-} ]]; then
    # the system interpreter starts much faster than a version-manager shim
    if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
TIMEOUT=${DIFF_TIMEOUT:-30}

seeds="1-24"
length=1500
self=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seeds) seeds=$2; shift 2 ;;
        --length) length=$2; shift 2 ;;
        --self) self=1; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 0 ;;
    esac
done
if [[ ! $seeds =~ ^([0-9]+)(-([0-9]+))?$ ]]; then
    echo "run.sh: --seeds wants N or A-B, got '$seeds'" >&2
    exit 0
fi
first=${BASH_REMATCH[1]}
last=${BASH_REMATCH[3]:-$first}

out=$BUILD/diff
mkdir -p "$out"

qemu_cmd=("$QEMU" -M virt -bios none -m 128M -nographic -monitor none
          -cpu rv64,zba=true,zbb=true,zbs=true)
if [[ $self == 1 ]]; then
    name_a=qemu-singlestep
    cmd_a=("${qemu_cmd[@]}" -singlestep -kernel)
    cmp_opts=(--a-is-qemu)
else
    name_a=rvmm
    cmd_a=("$RVMM" run --bios)
    cmp_opts=()
fi
name_b=qemu
cmd_b=("${qemu_cmd[@]}" -kernel)

cflags=(-march=rv64gc_zba_zbb_zbs_zicsr_zifencei -mabi=lp64d -nostdlib -nostartfiles
        -static -mcmodel=medany -Wl,--no-relax -T "$here/link.ld")

# one_program SEED: prints the PASS/FAIL line on stdout, details on stderr
one_program() {
    local seed=$1 tag="diff/seed-$1"
    local src=$out/seed-$seed.S elf=$out/seed-$seed.elf
    local oa=$out/seed-$seed.$name_a.out ob=$out/seed-$seed.$name_b.out
    local msg
    if ! msg=$("$PYTHON" "$here/gen.py" --seed "$seed" --length "$length" -o "$src" 2>&1); then
        echo "FAIL $tag"; printf '%s: generator failed:\n%s\n' "$tag" "$msg" >&2; return
    fi
    if ! msg=$("$RV_CC" "${cflags[@]}" -o "$elf" "$src" 2>&1); then
        echo "FAIL $tag"; printf '%s: assembling %s failed:\n%s\n' "$tag" "$src" "$msg" >&2
        return
    fi
    if [[ $self == 0 && ! -x $RVMM ]]; then
        echo "FAIL $tag"; echo "$tag: rvmm binary '$RVMM' not found (set RVMM)" >&2; return
    fi
    local sa sb
    # both machines at once (each is single-threaded)
    timeout -k 5 "$TIMEOUT" "${cmd_a[@]}" "$elf" </dev/null >"$oa" 2>"$oa.err" &
    local pa=$!
    timeout -k 5 "$TIMEOUT" "${cmd_b[@]}" "$elf" </dev/null >"$ob" 2>"$ob.err"
    sb=$?
    wait $pa
    sa=$?
    local problems=()
    for side in a b; do
        local nm st of
        if [[ $side == a ]]; then nm=$name_a st=$sa of=$oa; else nm=$name_b st=$sb of=$ob; fi
        if [[ $st == 124 || $st == 137 ]]; then
            problems+=("$nm timed out after ${TIMEOUT}s")
        elif [[ $st != 0 ]]; then
            problems+=("$nm exited with status $st (2 = fatal trap or runaway trap loop)")
        fi
        if [[ -s $of.err ]]; then
            problems+=("$nm stderr: $(head -c 400 "$of.err")")
        fi
    done
    local report
    report=$("$PYTHON" "$here/compare.py" "$name_a" "$oa" "$name_b" "$ob" --source "$src" \
             "${cmp_opts[@]}" 2>&1)
    local cmp=$?
    # stderr chatter alone is not a failure; a bad exit status or a mismatch is
    if [[ $cmp == 0 && $sa == 0 && $sb == 0 ]]; then
        echo "PASS $tag"
        return
    fi
    echo "FAIL $tag"
    {
        echo "---- $tag: $src"
        for p in "${problems[@]}"; do echo "$p"; done
        [[ -n $report ]] && echo "$report"
        echo "outputs: $oa $ob"
        echo "rerun:   ${cmd_a[*]} $elf"
        echo "----"
    } >&2
}

for ((s = first; s <= last; s++)); do
    one_program "$s"
done
exit 0
