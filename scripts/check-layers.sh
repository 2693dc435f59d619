#!/usr/bin/env bash
# Keeps the include graph pointing downward (docs/architecture.md): for each
# folder of src/, the folders its #include "..." lines may name.
# Prints "PASS layers/FOLDER" or "FAIL layers/FOLDER" (with the offending lines on stderr).
set -uo pipefail
cd "$(dirname "$0")/.."
declare -A allowed=(
    [lib]="lib"
    [core]="core lib"
    [cpu]="cpu core lib"
    [interp]="interp cpu core lib"
    [backends]="backends lib"
    [virtio]="virtio core lib"
    [devices]="devices virtio backends core lib rvmm"
    [boot]="boot core lib"
    [board]="board boot core cpu lib rvmm"
    [firmware]="firmware interp cpu core lib"
    [jit]="jit interp cpu core lib"
    [vm]="vm jit backends board boot firmware interp cpu core devices lib rvmm"
    [cli]="cli rvmm cpu lib"
)
for dir in "${!allowed[@]}"; do
    [[ -d src/$dir ]] || continue
    bad=$(grep -Hn '^#include "' src/"$dir"/*.[ch] 2>/dev/null | while IFS= read -r line; do
        target=$(sed -E 's/.*#include "([^/"]+)\/.*/\1/' <<<"$line")
        [[ $target == "$line" ]] && continue # same-folder include without a path
        [[ " ${allowed[$dir]} " == *" $target "* ]] || echo "$line"
    done)
    if [[ -z $bad ]]; then
        echo "PASS layers/$dir"
    else
        echo "FAIL layers/$dir"
        echo "$bad" >&2
    fi
done
