#!/usr/bin/env bash
# Adds deb-src entries for the machine's Debian archives, so `apt-get source`
# works (guest/linux/build.sh fetches busybox's source this way).
# Idempotent: does nothing when some apt source already has Types: deb-src
# (or a deb-src line), and only then runs `apt-get update`.
set -euo pipefail

src=/etc/apt/sources.list.d/debian.sources
dst=/etc/apt/sources.list.d/debian-src.sources

have_deb_src() {
  grep -qsE '^[[:space:]]*Types:.*\bdeb-src\b' /etc/apt/sources.list.d/*.sources && return 0
  grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list && return 0
  return 1
}

if have_deb_src; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "setup-deb-src: no deb-src entries in apt's sources; run as root to add $dst" >&2
  exit 1
fi

if [[ -f "$src" ]]; then
  # Same archives, suites and keys as the binary entries; only the type changes.
  tmp=$(mktemp "$dst.XXXXXX")
  sed -E 's/^([[:space:]]*Types:).*/\1 deb-src/' "$src" > "$tmp"
  chmod 644 "$tmp"
  mv "$tmp" "$dst"
elif [[ -f /etc/apt/sources.list ]] && grep -qE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
  # Older one-line format: mirror each deb line as deb-src.
  tmp=$(mktemp /etc/apt/sources.list.d/debian-src.list.XXXXXX)
  sed -nE 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' /etc/apt/sources.list > "$tmp"
  chmod 644 "$tmp"
  mv "$tmp" /etc/apt/sources.list.d/debian-src.list
else
  echo "setup-deb-src: found neither $src nor deb lines in /etc/apt/sources.list" >&2
  exit 1
fi

echo "setup-deb-src: added deb-src entries; running apt-get update"
apt-get update -qq
