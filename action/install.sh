#!/usr/bin/env bash
# Installs a zdpolicy release binary: picks this machine's archive, checks its SHA-256 against
# the checksum file published beside it, and only then unpacks it into a directory.
#
# Usage: install.sh VERSION DEST_DIR
#
# Environment:
#   ZDPOLICY_RELEASES  where the releases are: a base URL under which `vVERSION/ARCHIVE` and
#                      `vVERSION/ARCHIVE.sha256` are found (default: the GitHub releases of
#                      zdpolicy/zdpolicy). https:// is fetched with curl; file:// reads a local
#                      directory laid out the same way (a mirror, or a test).
#   ZDPOLICY_TARGET    the target triple to install (default: this machine's; Linux gets the
#                      static musl build, which runs in any container).
#
# Needs bash, curl (for https), tar (unzip or PowerShell on Windows), and sha256sum or shasum.
# Exits 1 with a message on stderr, and installs nothing, when anything does not check out.
set -euo pipefail

fail() {
  echo "zdpolicy install: error: $*" >&2
  exit 1
}

[ "$#" -eq 2 ] || fail "usage: install.sh VERSION DEST_DIR"
version="${1#v}"
dest="$2"
releases="${ZDPOLICY_RELEASES:-https://github.com/zdpolicy/zdpolicy/releases/download}"

# A pinned version, never "latest": the job that applies a plan must run the zdpolicy that made it.
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
  fail "version \`$1\` is not a release version such as 0.1.0 (pin one; \`latest\` is not accepted)"

detect_target() {
  local os arch
  os="$(uname -s)"
  arch="$(uname -m)"
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) fail "no zdpolicy release for the processor \`$arch\` (build it from source: cargo install zdpolicy)" ;;
  esac
  case "$os" in
    Linux) echo "$arch-unknown-linux-musl" ;;
    Darwin) echo "$arch-apple-darwin" ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      [ "$arch" = x86_64 ] || fail "no zdpolicy release for Windows on \`$arch\`"
      echo "x86_64-pc-windows-msvc"
      ;;
    *) fail "no zdpolicy release for the system \`$os\` (build it from source: cargo install zdpolicy)" ;;
  esac
}

target="${ZDPOLICY_TARGET:-$(detect_target)}"
case "$target" in
  *-windows-*) archive="zdpolicy-$target.zip" binary=zdpolicy.exe ;;
  *) archive="zdpolicy-$target.tar.gz" binary=zdpolicy ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {
  local url="$1" to="$2"
  case "$url" in
    file://*)
      [ -f "${url#file://}" ] || fail "$url: no such file"
      cp "${url#file://}" "$to"
      ;;
    https://*)
      curl --proto '=https' --tlsv1.2 --fail --silent --show-error --location \
        --retry 3 --output "$to" "$url" || fail "could not download $url"
      ;;
    *) fail "ZDPOLICY_RELEASES must be an https:// or file:// URL, not \`$releases\`" ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    fail "neither sha256sum nor shasum is installed, so the download cannot be checked"
  fi
}

base="$releases/v$version"
fetch "$base/$archive" "$work/$archive"
fetch "$base/$archive.sha256" "$work/$archive.sha256"

# The checksum file holds the hash first (`HASH  NAME` or `HASH *NAME`); nothing is unpacked
# before it matches.
expected="$(tr -d '\r' <"$work/$archive.sha256" | awk 'NR == 1 { print tolower($1) }')"
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "$archive.sha256 holds no SHA-256 hash"
actual="$(sha256_of "$work/$archive")"
[ "$actual" = "$expected" ] ||
  fail "checksum mismatch for $archive: the release says $expected, the download is $actual; nothing was installed"

mkdir -p "$work/unpacked"
case "$archive" in
  *.zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$work/$archive" -d "$work/unpacked"
    else
      powershell -NoProfile -Command "Expand-Archive -LiteralPath '$work/$archive' -DestinationPath '$work/unpacked'"
    fi
    ;;
  *) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
esac

# The archive holds the binary at its top or in one directory named after it.
found=""
for candidate in "$work/unpacked/$binary" "$work/unpacked/zdpolicy-$target/$binary"; do
  if [ -f "$candidate" ]; then
    found="$candidate"
    break
  fi
done
[ -n "$found" ] || fail "$archive holds no $binary"

mkdir -p "$dest"
cp "$found" "$dest/$binary.partial"
chmod 0755 "$dest/$binary.partial"
mv -f "$dest/$binary.partial" "$dest/$binary"
echo "zdpolicy $version ($target) installed in $dest"
