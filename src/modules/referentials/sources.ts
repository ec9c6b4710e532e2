import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Insertable } from 'kysely';
import type {
  CommuneTable,
  DepartmentTable,
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

function readTsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(resolve(REFERENTIALS_DIR, file), 'utf8').split('\n');
  const columns = (header ?? '').split('\t');
  return lines
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const cells = line.split('\t');
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
  departement: string;
  region?: string;
  population?: number;
  codesPostaux?: string[];
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
  return {
    regions: regions.map((r) => ({ code: r.code, name: r.nom })),
    departments: departments.map((d) => ({ code: d.code, name: d.nom, region_code: d.region })),
    epcis: epciList.map((e) => ({ code: e.code, name: e.nom })),
    communes,
  };
}
