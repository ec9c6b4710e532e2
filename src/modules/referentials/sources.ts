import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Insertable } from 'kysely';
import type {
  CommuneEmploymentZoneTable,
  CommuneHistoryTable,
  CommuneTable,
  DepartmentTable,
  EmploymentZoneTable,
  EpciTable,
  RegionTable,
  RomeAppellationTable,
  RomeTradeTable,
} from '../../db/schema.js';
import { searchForm } from '../../shared/text.js';

export const REFERENTIALS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../data/referentials',
);
const require = createRequire(import.meta.url);

/** A table file of data/referentials; none of its cells holds the separator (no quoting). */
function readTsv(file: string, separator = '\t'): Record<string, string>[] {
  const [header, ...lines] = readFileSync(resolve(REFERENTIALS_DIR, file), 'utf8').split('\n');
  const columns = (header ?? '').trim().split(separator);
  return lines
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const cells = line.trim().split(separator);
      return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
    });
}

export function romeTrades(): Insertable<RomeTradeTable>[] {
  return readTsv('rome.tsv').map((r) => ({
    code: r.code!,
    label: r.libelle!,
    search_text: searchForm(`${r.code} ${r.libelle}`),
  }));
}

export function romeAppellations(): Insertable<RomeAppellationTable>[] {
  return readTsv('appellations.tsv').map((r) => ({
    code: r.code!,
    label: r.libelle!,
    rome_code: r.rome!,
    search_text: searchForm(r.libelle!),
  }));
}

interface CogCommune {
  code: string;
  nom: string;
  type: string;
  /** A commune déléguée or associée: the commune nouvelle it belongs to today. */
  chefLieu?: string;
  /** A municipal arrondissement: its commune (Paris, Lyon, Marseille). */
  commune?: string;
  departement: string;
  region?: string;
  population?: number;
  codesPostaux?: string[];
  /** commune-actuelle: the codes of the communes merged into it (COG history). */
  anciensCodes?: string[];
}
interface CogEpci {
  code: string;
  nom: string;
  membres: { code: string }[];
}

export interface AdministrativeReferentials {
  regions: Insertable<RegionTable>[];
  departments: Insertable<DepartmentTable>[];
  epcis: Insertable<EpciTable>[];
  communes: Insertable<CommuneTable>[];
  communeHistory: Insertable<CommuneHistoryTable>[];
}

export function administrative(): AdministrativeReferentials {
  const cog: CogCommune[] = require('@etalab/decoupage-administratif/data/communes.json');
  const epciList: CogEpci[] = require('@etalab/decoupage-administratif/data/epci.json');
  const regions: {
    code: string;
    nom: string;
  }[] = require('@etalab/decoupage-administratif/data/regions.json');
  const departments: {
    code: string;
    nom: string;
    region: string;
  }[] = require('@etalab/decoupage-administratif/data/departements.json');
  const byCode = new Map(
    cog
      .filter((c) => c.type === 'commune-actuelle' || c.type === 'arrondissement-municipal')
      .map((c) => [c.code, c]),
  );
  const epciOf = new Map<string, string>();
  for (const e of epciList) for (const m of e.membres) epciOf.set(m.code, e.code);

  const communes = readTsv('communes_points.tsv').map((r): Insertable<CommuneTable> => {
    const info = byCode.get(r.code_insee!);
    const kind = info?.type === 'arrondissement-municipal' ? 'arrondissement' : 'commune';
    const postal = (r.codes_postaux ?? '').split(' ').filter(Boolean);
    const postalCodes = postal.length ? postal : (info?.codesPostaux ?? []);
    return {
      code: r.code_insee!,
      name: r.nom!,
      kind,
      search_text: searchForm(r.nom!),
      department_code: r.departement!,
      region_code: info?.region ?? departments.find((d) => d.code === r.departement)?.region ?? null,
      epci_code: epciOf.get(r.code_insee!) ?? null,
      population: info?.population ?? null,
      postal_codes: postalCodes,
      latitude: Number(r.latitude),
      longitude: Number(r.longitude),
    };
  });
  const tsvCodes = new Set(communes.map((c) => c.code));
  const tsvByCode = new Map(communes.map((c) => [c.code, c]));
  // communes_points.tsv is the 2024 COG and the package the current one: a commune created or
  // renumbered since (e.g. 12218 Conques-en-Rouergue, which was 12076) has no point of its own
  // there. It takes the point of the commune it was (one of its historic codes, or of its
  // delegated communes), so that a feed giving today's code is not refused. Measured on COG 2026:
  // 12 current communes lack a point, 5 of them get one this way; the other 7 (restored communes
  // such as 15031 Celles, or 60694 whose former communes are missing too) stay out.
  const delegatedOf = new Map<string, string[]>();
  for (const c of cog)
    if ((c.type === 'commune-deleguee' || c.type === 'commune-associee') && c.chefLieu)
      delegatedOf.set(c.chefLieu, [...(delegatedOf.get(c.chefLieu) ?? []), c.code]);
  for (const c of byCode.values()) {
    if (tsvCodes.has(c.code) || c.type !== 'commune-actuelle') continue;
    const formerCodes = [...(c.anciensCodes ?? []), ...(delegatedOf.get(c.code) ?? [])];
    const former = formerCodes.map((code) => tsvByCode.get(code)).filter((f) => f !== undefined);
    const point = former.find((f) => f.search_text === searchForm(c.nom)) ?? former[0];
    if (!point) continue;
    communes.push({
      ...point,
      code: c.code,
      name: c.nom,
      kind: 'commune',
      search_text: searchForm(c.nom),
      department_code: c.departement,
      region_code: c.region ?? point.region_code,
      epci_code: epciOf.get(c.code) ?? point.epci_code,
      population: c.population ?? null,
      postal_codes: c.codesPostaux?.length ? c.codesPostaux : point.postal_codes,
    });
  }
  return {
    communeHistory: communeHistory(cog, new Map(communes.map((c) => [c.code, c.name]))),
    regions: regions.map((r) => ({ code: r.code, name: r.nom })),
    departments: departments.map((d) => ({ code: d.code, name: d.nom, region_code: d.region })),
    epcis: epciList.map((e) => ({ code: e.code, name: e.nom })),
    communes,
  };
}

export interface EmploymentZoneReferential {
  zones: Insertable<EmploymentZoneTable>[];
  communeZones: Insertable<CommuneEmploymentZoneTable>[];
}

/**
 * INSEE employment zones 2020 and the zone of each commune of the referential.
 *
 * The CSV files lost the leading zeros of their codes (spreadsheet round trip): `codgeo` "1001" is
 * commune 01001 and `ze2020` "59" is zone 0059, so both are padded back (5 and 4 characters; Corsican
 * codes "2A004" already have 5).
 *
 * The zoning lists the communes of its own COG vintage, the commune referential is newer or older
 * in places: a code missing from the zoning is looked up through the COG of
 * @etalab/decoupage-administratif: a commune déléguée or associée takes the zone of its commune
 * nouvelle (78 communes merged since, e.g. 01039 into 01138), a municipal arrondissement that of its
 * commune (45: Paris, Lyon, Marseille). What is still unknown (the overseas collectivities, which the
 * zoning does not cover, and 14 codes the COG no longer lists) gets no zone rather than a guess.
 */
export function employmentZones(communeCodes: readonly string[]): EmploymentZoneReferential {
  const zones = readTsv('zones_emploi.csv', ',').map((r) => ({
    code: r.ze2020!.padStart(4, '0'),
    name: r.libze2020!,
  }));
  const zoneOf = new Map(
    readTsv('zone_emploi_commune.csv', ',').map((r) => [
      r.codgeo!.padStart(5, '0'),
      r.ze2020!.padStart(4, '0'),
    ]),
  );
  const cog: CogCommune[] = require('@etalab/decoupage-administratif/data/communes.json');
  const parentOf = new Map<string, { code: string; via: 'commune_deleguee' | 'arrondissement' }>();
  for (const c of cog) {
    if (c.type === 'arrondissement-municipal' && c.commune)
      parentOf.set(c.code, { code: c.commune, via: 'arrondissement' });
    else if ((c.type === 'commune-deleguee' || c.type === 'commune-associee') && c.chefLieu)
      if (!parentOf.has(c.code)) parentOf.set(c.code, { code: c.chefLieu, via: 'commune_deleguee' });
  }
  const communeZones: Insertable<CommuneEmploymentZoneTable>[] = [];
  for (const code of communeCodes) {
    const direct = zoneOf.get(code);
    const parent = parentOf.get(code);
    const viaParent = parent ? zoneOf.get(parent.code) : undefined;
    if (direct) communeZones.push({ commune_code: code, zone_code: direct, resolved_via: 'insee' });
    else if (parent && viaParent)
      communeZones.push({ commune_code: code, zone_code: viaParent, resolved_via: parent.via });
  }
  return { zones, communeZones };
}

/**
 * Historic INSEE code → today's commune, from the INSEE COG as @etalab/decoupage-administratif
 * ships it (v6.0.0, COG 2026; the latest published version, checked 2026-11-23). 4,240 codes,
 2,006 of them with a name:
 * - communes déléguées and associées (2,576 rows) carry their name and `chefLieu`, the current
 *   commune they belong to; the delegated commune that keeps the new commune's own code is not
 *   historic and is skipped;
 * - `anciensCodes` of a current commune lists every code merged into it (4,240), most of which
 *   (communes fully absorbed, renumbered communes) have no delegated commune: their name is the one
 *   communes_points.tsv (COG 2024) still gives, or unknown (null).
 * A code in both keeps the delegated commune's row (it has a name and a kind).
 */
export function communeHistory(
  cog: CogCommune[],
  knownNames: Map<string, string>,
): Insertable<CommuneHistoryTable>[] {
  const current = new Map(cog.filter((c) => c.type === 'commune-actuelle').map((c) => [c.code, c] as const));
  const rows = new Map<string, Insertable<CommuneHistoryTable>>();
  for (const c of cog) {
    if (c.type !== 'commune-deleguee' && c.type !== 'commune-associee') continue;
    if (!c.chefLieu || c.code === c.chefLieu || current.has(c.code)) continue;
    rows.set(c.code, {
      code: c.code,
      name: c.nom,
      current_code: c.chefLieu,
      kind: c.type === 'commune-deleguee' ? 'deleguee' : 'associee',
      department_code: c.departement,
    });
  }
  for (const c of current.values())
    for (const code of c.anciensCodes ?? []) {
      if (rows.has(code) || current.has(code)) continue;
      rows.set(code, {
        code,
        name: knownNames.get(code) ?? null,
        current_code: c.code,
        kind: 'ancienne',
        department_code: c.departement,
      });
    }
  return [...rows.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
}
