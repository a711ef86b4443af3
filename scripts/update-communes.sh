#!/usr/bin/env bash
# Regenerates kiosk/data/communes.tsv, the list of (postcode, commune) pairs
# that address forms check against, from Etalab's découpage administratif.
#
# For maintainers only: it needs npm, node and the npm registry. Builds and CI
# need none of these, because the generated file is committed. To move to a
# newer year, change VERSION and INTEGRITY together (`npm view
# @etalab/decoupage-administratif@X.Y.Z dist.integrity`), run this script and
# review the diff: communes merge every 1 January.
set -euo pipefail

package=@etalab/decoupage-administratif
# 6.0.0 carries the Code officiel géographique of 1 January 2026.
VERSION=6.0.0
# Pinned so that a republished tarball cannot slip in unnoticed.
INTEGRITY=sha512-XavYsFlbcM/prKr8hNHPKER94IHw/dsxNM4nxjWMYk6PLFACpEedvn/7wK8Baozm0dCYhWWcf+7bcWpA5pmCaQ==

cd "$(dirname "$0")/.."
out=kiosk/data/communes.tsv
for tool in npm node tar; do
  command -v "$tool" >/dev/null || { echo "update-communes: $tool is required" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$package@$VERSION" >/dev/null)
tarball=("$work"/*.tgz)
actual=$(node -e '
  const data = require("fs").readFileSync(process.argv[1])
  process.stdout.write("sha512-" + require("crypto").createHash("sha512").update(data).digest("base64"))
' "${tarball[0]}")
if [[ "$actual" != "$INTEGRITY" ]]; then
  echo "update-communes: $package@$VERSION has integrity $actual, expected $INTEGRITY" >&2
  exit 1
fi
tar -xzf "${tarball[0]}" -C "$work"

# Written to a temporary file first so that a failure never leaves a
# truncated list behind.
node - "$work/package/data/communes.json" "$VERSION" "$(date -u +%Y-%m-%d)" >"$work/communes.tsv" <<'JS'
const fs = require('fs')
const [jsonPath, version, today] = process.argv.slice(2)
const communes = JSON.parse(fs.readFileSync(jsonPath, 'utf8'))

function fail(message) {
  process.stderr.write(`update-communes: ${message}\n`)
  process.exit(1)
}

// Same collation as CommuneIndex (kiosk/core/communes.cpp): accents and case
// folded, runs of anything but letters and digits as one space, then the
// exact name to break ties. Tiles then come in the order a reader expects,
// "Écully" among the E, not after "Z".
function fold(name) {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/[^a-z0-9]+/g, ' ').trim()
}

const rows = []
const seen = new Set()
function add(postcode, insee, name) {
  if (!/^[0-9]{5}$/.test(postcode)) fail(`postcode "${postcode}" of ${insee} is not 5 digits`)
  if (!/^[0-9][0-9AB][0-9]{3}$/.test(insee)) fail(`INSEE code "${insee}" is malformed`)
  if (name === '' || /[\t\r\n]/.test(name)) fail(`name of ${insee} is empty or holds a tab or newline`)
  const key = `${postcode}\t${insee}`
  if (seen.has(key)) return
  seen.add(key)
  rows.push({ postcode, insee, name: name.normalize('NFC'), folded: fold(name) })
}

// Communes déléguées and associées are former communes inside a current one:
// they are not where a resident's address says they live, and their
// postcodes are all served by their commune actuelle anyway.
const byCode = new Map()
for (const c of communes) {
  if (c.type !== 'commune-actuelle') continue
  byCode.set(c.code, c)
  for (const postcode of c.codesPostaux || []) add(postcode, c.code, c.nom)
}
// Paris, Lyon and Marseille list every arrondissement's postcode themselves
// today. Should a future edition stop doing so, an arrondissement's postcode
// still leads to its city, as addresses write it ("75011 Paris").
let fromArrondissements = 0
for (const a of communes) {
  if (a.type !== 'arrondissement-municipal') continue
  const city = byCode.get(a.commune)
  if (!city) fail(`arrondissement ${a.code} belongs to unknown commune ${a.commune}`)
  for (const postcode of a.codesPostaux || []) {
    if (!seen.has(`${postcode}\t${city.code}`)) fromArrondissements++
    add(postcode, city.code, city.nom)
  }
}

rows.sort((a, b) => {
  if (a.postcode !== b.postcode) return a.postcode < b.postcode ? -1 : 1
  if (a.folded !== b.folded) return a.folded < b.folded ? -1 : 1
  // Compare as UTF-8 bytes, as C++ does: JavaScript compares UTF-16 units.
  return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name))
})

if (rows.length < 30000 || rows.length > 45000) fail(`${rows.length} rows: not a plausible list of French communes`)
for (const [postcode, name] of [['75001', 'Paris'], ['13001', 'Marseille'], ['69001', 'Lyon'], ['97400', 'Saint-Denis']]) {
  if (!rows.some(r => r.postcode === postcode && r.name === name)) fail(`${postcode} ${name} is missing`)
}

const lines = [
  `# postcode\tinsee\tname. Source: npm @etalab/decoupage-administratif ${version}, data/communes.json ` +
  `(INSEE Code officiel géographique, La Poste postcodes), communes actuelles. ` +
  `Licence: Licence Ouverte / Open Licence 2.0 (Etalab). Generated ${today} by scripts/update-communes.sh.`
]
for (const r of rows) lines.push(`${r.postcode}\t${r.insee}\t${r.name}`)
process.stdout.write(lines.join('\n') + '\n')
process.stderr.write(`update-communes: ${rows.length} rows, ${new Set(rows.map(r => r.postcode)).size} postcodes, ` +
  `${new Set(rows.map(r => r.insee)).size} communes, ${fromArrondissements} rows from arrondissements\n`)
JS

mv "$work/communes.tsv" "$out"
echo "update-communes: wrote $out ($(wc -c <"$out") bytes)"
