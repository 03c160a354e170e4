#!/usr/bin/env bash
# Downloads cmark-gfm's spec example files (spec, extensions, regression, smart_punct) into DIR, from the
# Debian source package of the cmark-gfm installed here, so the differential test has data in a clone
# with no ../shared/ beside it. The upstream tarball is checked against the SHA-256 in the package's .dsc.
#
#   bash Tests/fetch-cmark-gfm-tests.sh DIR && CMARK_GFM_TESTS=DIR swift test
set -euo pipefail
dest=${1:?usage: fetch-cmark-gfm-tests.sh DIR}
version=$(dpkg-query -W -f='${source:Version}' cmark-gfm)
pool=https://deb.debian.org/debian/pool/main/c/cmark-gfm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -sSfL -o "$work/package.dsc" "$pool/cmark-gfm_${version}.dsc"
entry=$(sed -n '/^Checksums-Sha256:/,/^[^ ]/p' "$work/package.dsc" | grep -E ' cmark-gfm_[^ ]+\.orig\.tar\.[a-z0-9]+$')
read -r sum _ name <<<"$entry"
curl -sSfL -o "$work/$name" "$pool/$name"
echo "$sum  $work/$name" | sha256sum --check --quiet
tar -xf "$work/$name" -C "$work"
mkdir -p "$dest"
cp "$work"/cmark-gfm-*/test/{spec,extensions,regression,smart_punct}.txt "$dest/"
echo "cmark-gfm $version spec examples in $dest"
