#!/usr/bin/env bash
# Vendor pinned front-end libraries from the npm registry into ui/static/vendor/.
#
# Usage:
#   scripts/vendor.sh          download, verify and (re)write ui/static/vendor/<name>/
#                              and e2e/testdata/vendor/<name>/ (test-only packages)
#   scripts/vendor.sh --check  download into a temp dir and diff against ui/static/vendor/
#                              and e2e/testdata/vendor/; exits non-zero if anything differs
#
# Each package is fetched as its npm tarball, verified against the pinned SHA-256,
# and the listed files are copied byte-for-byte (flattened to their base name) into
# ui/static/vendor/<name>/, together with the package's licence file(s) and a
# VERSION file "<name>@<version> sha256:<tarball sha256>".
#
# Packages in TEST_PACKAGES are handled the same way but go to
# e2e/testdata/vendor/<name>/ instead: they are used by the browser tests only
# and are never embedded in the binary.
#
# See docs/vendoring.md.
set -euo pipefail

# ---------------------------------------------------------------------------
# Pinned packages: one line each.
#   <npm package>  <version>  <SHA-256 of the npm .tgz>  <file> [<file> ...]
# Files are paths inside the package (without the leading "package/").
# Licence files (LICENSE*, LICENCE*, COPYING*, NOTICE*) are copied automatically.
# ---------------------------------------------------------------------------
PACKAGES=(
  "htmx.org  2.0.11  165a2655073e9e6e55e307a7c74e8ebcdb76afb7701f9c16cfd106a13add408e  dist/htmx.min.js"
  "echarts   5.6.0   e1b82487dd7f8d9f0438eec1f1433051148e0095ac7a15d4db890afda45cf610  dist/echarts.min.js"
)

# Test-only packages, same format. They go to e2e/testdata/vendor/<name>/, which
# Go never builds or embeds: only the tests under e2e/ read them.
TEST_PACKAGES=(
  "axe-core  4.14.1  e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745  axe.min.js"
)

REGISTRY="${NPM_REGISTRY:-https://registry.npmjs.org}"
REGISTRY="${REGISTRY%/}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$ROOT/ui/static/vendor"
TEST_VENDOR_DIR="$ROOT/e2e/testdata/vendor"

die() { echo "vendor.sh: ERROR: $*" >&2; exit 1; }
log() { echo "vendor.sh: $*" >&2; }

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

MODE="write"
case "${1:-}" in
  "") ;;
  --check) MODE=check ;;
  -h|--help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac
[ "$#" -le 1 ] || { usage >&2; exit 2; }

for tool in curl sha256sum tar diff; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool not found: $tool"
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/ponte-vendor.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
OUT="$TMP/out"            # freshly built vendor tree
OUT_TEST="$TMP/out-test"  # freshly built test-only vendor tree
mkdir -p "$OUT" "$OUT_TEST"

# fetch_package <out dir> <name> <version> <sha256> <file>...
# Builds <out dir>/<name>/ from the verified tarball.
fetch_package() {
  local out="$1" name="$2" version="$3" sha="$4"
  shift 4
  local files=("$@")

  if ! [[ "$name" =~ ^(@[a-z0-9._~-]+/)?[a-z0-9._~-]+$ ]] || [[ "$name" == .* ]]; then
    die "not a valid npm package name: $name"
  fi
  [[ "$version" =~ ^[0-9A-Za-z.+-]+$ ]] || die "$name: not a valid version: $version"
  [[ "$sha" =~ ^[0-9a-f]{64}$ ]] || die "$name: pinned SHA-256 is not 64 lowercase hex digits: $sha"
  [ "${#files[@]}" -gt 0 ] || die "$name: no files listed"

  # Standard npm tarball URL; for scoped packages (@scope/pkg) the file name
  # uses only the unscoped part.
  local base="${name##*/}"
  local url="$REGISTRY/$name/-/$base-$version.tgz"
  local work="$TMP/pkg/$name"
  local tgz="$work/$base-$version.tgz"
  mkdir -p "$work/x"

  log "fetching $name@$version from $url"
  curl -fsSL --proto '=https' --tlsv1.2 --retry 3 -o "$tgz" "$url" \
    || die "$name: download failed: $url"

  if ! echo "$sha  $tgz" | sha256sum -c --strict --quiet - >&2; then
    echo "vendor.sh: ERROR: $name@$version: SHA-256 MISMATCH" >&2
    echo "vendor.sh:   expected $sha" >&2
    echo "vendor.sh:   got      $(sha256sum "$tgz" | cut -d' ' -f1)" >&2
    die "refusing to vendor an unverified tarball"
  fi

  tar -xzf "$tgz" -C "$work/x" --no-same-owner --no-same-permissions \
    || die "$name: could not extract $tgz"

  # npm tarballs normally have a single top-level directory called "package".
  local top
  local -a tops=("$work"/x/*)
  if [ "${#tops[@]}" -ne 1 ] || [ ! -d "${tops[0]}" ]; then
    die "$name: unexpected tarball layout"
  fi
  top="${tops[0]}"

  local dest="$out/$name"
  mkdir -p "$dest"

  local f target
  for f in "${files[@]}"; do
    case "/$f/" in //*|*/../*|*/./*) die "$name: refusing suspicious path: $f" ;; esac
    [ -f "$top/$f" ] || die "$name@$version: file not found in tarball: $f"
    target="$dest/$(basename "$f")"
    [ ! -e "$target" ] || die "$name: two listed files share the name $(basename "$f")"
    cp "$top/$f" "$target"
  done

  local -a lic=()
  while IFS= read -r -d '' f; do lic+=("$f"); done < <(
    find "$top" -maxdepth 1 -type f \
      \( -iname 'licen[cs]e*' -o -iname 'copying*' -o -iname 'notice*' \) -print0 | sort -z)
  [ "${#lic[@]}" -gt 0 ] || die "$name@$version: no LICENSE file found in tarball"
  for f in "${lic[@]}"; do
    target="$dest/$(basename "$f")"
    [ ! -e "$target" ] || die "$name: licence file clashes with a listed file: $(basename "$f")"
    cp "$f" "$target"
  done

  printf '%s@%s sha256:%s\n' "$name" "$version" "$sha" > "$dest/VERSION"
  chmod 0644 "$dest"/*
}

# A package may appear only once across both tables.
declare -A SEEN=()
# fetch_table <table name> <out dir> <line>...
fetch_table() {
  local table="$1" out="$2"
  shift 2
  local line
  local -a fields
  for line in "$@"; do
    read -r -a fields <<< "$line"
    [ "${#fields[@]}" -ge 4 ] || die "malformed $table line: $line"
    [ -z "${SEEN[${fields[0]}]:-}" ] || die "package listed twice: ${fields[0]}"
    SEEN[${fields[0]}]=1
    fetch_package "$out" "${fields[@]}"
  done
}
fetch_table PACKAGES "$OUT" "${PACKAGES[@]}"
fetch_table TEST_PACKAGES "$OUT_TEST" "${TEST_PACKAGES[@]}"

if [ "$MODE" = check ]; then
  # Compare each whole vendor tree, so stale or hand-edited files are caught too.
  # Both trees are always checked; the exit status is non-zero if either differs.
  failed=0
  if [ ! -d "$VENDOR_DIR" ]; then
    echo "vendor.sh: ERROR: $VENDOR_DIR does not exist; run scripts/vendor.sh" >&2
    failed=1
  elif diff -rq "$OUT" "$VENDOR_DIR"; then
    log "OK: ui/static/vendor matches the pinned packages"
  else
    echo "vendor.sh: ERROR: ui/static/vendor differs from the pinned packages (see above); run scripts/vendor.sh" >&2
    failed=1
  fi
  if [ "${#TEST_PACKAGES[@]}" -eq 0 ] && [ ! -d "$TEST_VENDOR_DIR" ]; then
    : # no test-only packages, and no tree to compare
  elif [ ! -d "$TEST_VENDOR_DIR" ]; then
    echo "vendor.sh: ERROR: $TEST_VENDOR_DIR does not exist; run scripts/vendor.sh" >&2
    failed=1
  elif diff -rq "$OUT_TEST" "$TEST_VENDOR_DIR"; then
    log "OK: e2e/testdata/vendor matches the pinned test packages"
  else
    echo "vendor.sh: ERROR: e2e/testdata/vendor differs from the pinned test packages (see above); run scripts/vendor.sh" >&2
    failed=1
  fi
  exit "$failed"
fi

# install_table <dest dir> <dest dir relative to the repository> <out dir> <line>...
# Replaces <dest dir>/<name>/ with <out dir>/<name>/ for every package listed.
install_table() {
  local dir="$1" rel="$2" out="$3"
  shift 3
  local line name
  local -a fields
  mkdir -p "$dir"
  for line in "$@"; do
    read -r -a fields <<< "$line"
    name="${fields[0]}"
    rm -rf "${dir:?}/$name"
    mkdir -p "$(dirname "$dir/$name")"
    cp -R "$out/$name" "$dir/$name"
    log "wrote $rel/$name ($(cat "$dir/$name/VERSION"))"
  done
}
install_table "$VENDOR_DIR" ui/static/vendor "$OUT" "${PACKAGES[@]}"
if [ "${#TEST_PACKAGES[@]}" -gt 0 ]; then
  install_table "$TEST_VENDOR_DIR" e2e/testdata/vendor "$OUT_TEST" "${TEST_PACKAGES[@]}"
fi
