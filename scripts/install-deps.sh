#!/usr/bin/env bash
# Installs the Debian 12 packages that rvmm's build, tests and benchmarks need.
# Idempotent and quick when everything is present: only missing packages reach apt-get.
set -euo pipefail

packages=(
  build-essential pkg-config clang
  libcmocka-dev libfdt-dev libzstd-dev zlib1g-dev
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
  qemu-system-misc qemu-user qemu-utils opensbi device-tree-compiler
  python3 tmux bc time
  libslirp-dev libvdeplug-dev vde2 iproute2
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
