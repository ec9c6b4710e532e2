import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Insertable } from 'kysely';
import type {
  CoreSkill,
  EcologicalTransition,
  RomeDomainTable,
  RomeGrandDomainTable,
  RomeMetierSkillTable,
  RomeMetierTable,
  RomeMetierWorkContextTable,
  RomeMobilityTable,
  RomeSkillTable,
  RomeWorkContextTable,
} from '../../db/schema.js';
import { searchForm } from '../../shared/text.js';
import { REFERENTIALS_DIR } from './sources.js';

/** The ROME 4.0 version of the files in data/referentials/rome4 (France Travail open data, v460). */
export const ROME4_VERSION = '4.60';
export const ROME4_SOURCE = 'France Travail, ROME 4.0 (data/referentials/rome4)';

/**
 * Parses RFC 4180 CSV: fields in double quotes may hold the separator, line breaks and doubled
 * quotes (""). France Travail's export quotes every field, so a split on "," would cut labels such
 * as "Travail posté (2x8, 3x8, 5x8, etc.)". No dependency: the reader is 40 lines and the files are
 * known. It jumps from quote to quote (indexOf) instead of walking characters one by one.
 */
export function parseCsv(text: string, separator = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    let field: string;
    if (text[i] === '"') {
      field = '';
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw new Error(`CSV : guillemet non fermé (position ${i})`);
        field += text.slice(from, quote);
        if (text[quote + 1] === '"') {
          field += '"';
          from = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
    } else {
      let end = i;
      while (end < text.length && text[end] !== separator && text[end] !== '\n' && text[end] !== '\r') end++;
      field = text.slice(i, end);
      i = end;
    }
    row.push(field);
    if (text[i] === separator) i++;
    else {
      // End of line (\n, \r\n or \r) or of the text.
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      rows.push(row);
      row = [];
    }
  }
  // A last line ending with the separator: its empty last field.
  if (row.length > 0) rows.push([...row, '']);
  return rows;
}

/** A CSV file of data/referentials/rome4 as records keyed by its header's column names. */
export function readRome4Csv(name: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(resolve(REFERENTIALS_DIR, 'rome4', `${name}.csv`), 'utf8'));
  if (!header) return [];
  return rows
    .filter((cells) => cells.some((c) => c !== ''))
    .map((cells) => Object.fromEntries(header.map((column, i) => [column, cells[i] ?? ''])));
}

/** "O" / "N" / "" of the export: yes, no, not stated. */
const yesNo = (value: string | undefined): boolean | null =>
  value === 'O' ? true : value === 'N' ? false : null;
const orNull = (value: string | undefined): string | null => (value ? value : null);

const ECOLOGICAL: Record<string, EcologicalTransition> = {
  'Emploi Vert': 'vert',
  'Emploi Brun': 'brun',
  'Emploi Blanc': 'blanc',
  'Emploi stratégique pour la Transition écologique': 'strategique',
};
const CORE: Record<string, CoreSkill> = { Principale: 'principale', Émergente: 'emergente' };

export interface Rome4Rows {
  version: string;
  grandDomains: Insertable<RomeGrandDomainTable>[];
  domains: Insertable<RomeDomainTable>[];
  metiers: Insertable<RomeMetierTable>[];
  skills: Insertable<RomeSkillTable>[];
  metierSkills: Insertable<RomeMetierSkillTable>[];
  mobility: Insertable<RomeMobilityTable>[];
  workContexts: Insertable<RomeWorkContextTable>[];
  metierWorkContexts: Insertable<RomeMetierWorkContextTable>[];
  /** Appellation code (code_ogr) → ROME 4.0 métier code, for every appellation of ROME 4.0. */
  metierOfAppellation: Map<string, string>;
}

/**
 * The sentences of texte.csv joined per métier and kind. The export doubled apostrophes SQL-style
 * ("d''activité", 5,248 lines of v4.60, only in this file): they are undoubled here.
 */
function metierTexts(): Map<string, { definition?: string; access?: string }> {
  const sentences = new Map<string, { position: number; text: string }[]>();
  for (const r of readRome4Csv('texte')) {
    const kind = r.libelle_type_texte === 'definition' ? 'definition' : 'access';
    const key = `${r.code_rome}|${kind}`;
    const list = sentences.get(key) ?? [];
    list.push({ position: Number(r.position_phrase), text: r.libelle_texte!.replace(/''/g, "'") });
    sentences.set(key, list);
  }
  const texts = new Map<string, { definition?: string; access?: string }>();
  for (const [key, list] of sentences) {
    const [code, kind] = key.split('|') as [string, 'definition' | 'access'];
    const text = list
      .sort((a, b) => a.position - b.position)
      .map((s) => s.text.trim())
      .join('\n');
    texts.set(code, { ...texts.get(code), [kind]: text });
  }
  return texts;
}

/** Reads every ROME 4.0 file the product uses (item.csv and the themes are not needed: see README). */
export function rome4(): Rome4Rows {
  const grandDomains = readRome4Csv('grand_domaine').map((r) => ({
    code: r.code_grand_domaine!,
    label: r.libelle_grand_domaine!,
  }));
  const domains = readRome4Csv('domaine_professionnel').map((r) => ({
    code: r.code_domaine_professionnel!,
    label: r.libelle_domaine_professionnel!,
    grand_domain_code: r.code_domaine_professionnel!.slice(0, 1),
  }));
  const texts = metierTexts();
  const metiers = readRome4Csv('referentiel_code_rome').map(
    (r): Insertable<RomeMetierTable> => ({
      code: r.code_rome!,
      label: r.libelle_rome!,
      ogr_code: r.code_ogr!,
      trade_code: r.code_rome_parent!,
      // A métier's professional domain is its code's first three characters (A1101 → A11).
      domain_code: r.code_rome!.slice(0, 3),
      ecological_transition: ECOLOGICAL[r.transition_eco!] ?? null,
      digital_transition: yesNo(r.transition_num),
      demographic_transition: yesNo(r.transition_demo),
      regulated: yesNo(r.emploi_reglemente),
      executive: yesNo(r.emploi_cadre),
      definition: texts.get(r.code_rome!)?.definition ?? null,
      access: texts.get(r.code_rome!)?.access ?? null,
    }),
  );
  const competences = readRome4Csv('referentiel_competence').map(
    (r): Insertable<RomeSkillTable> => ({
      code: r.code_ogr!,
      kind: r.cat_comp === 'Savoir-être professionnel' ? 'savoir_etre' : 'savoir_faire',
      label: r.libelle_competence!,
      // Technique / Technique expert / Transverse: the export's sub-category of a compétence.
      category: orNull(r.sous_cat_comp),
      sub_category: null,
      is_macro: r.nature === 'Macro-compétence',
      macro_code: orNull(r.code_ogr_macro_comp),
      definition: orNull(r.definition),
      search_text: searchForm(r.libelle_competence!),
    }),
  );
  const knowledge = readRome4Csv('referentiel_savoir').map(
    (r): Insertable<RomeSkillTable> => ({
      code: r.code_ogr_savoir!,
      kind: 'savoir',
      label: r.libelle_savoir!,
      category: orNull(r.categorie_savoir),
      sub_category: orNull(r.sous_categorie_savoir),
      is_macro: false,
      macro_code: null,
      definition: null,
      search_text: searchForm(r.libelle_savoir!),
    }),
  );
  const skills = [...competences, ...knowledge];
  // The link tables carry no foreign keys (migration 0013, measured): every code is checked here.
  const skillCodes = new Set(skills.map((s) => s.code));
  const metierCodes = new Set(metiers.map((m) => m.code));
  for (const skill of skills)
    if (skill.macro_code && !skillCodes.has(skill.macro_code)) skill.macro_code = null;
  const workContexts = readRome4Csv('referentiel_contexte_travail').map((r) => ({
    code: r.code_ogr!,
    label: r.libelle_cont_travail!,
    type_code: r.code_type_cont_trav!,
    type_label: r.libelle_type_cont_trav!,
  }));
  // coherence_item links a métier to a compétence, a savoir or a work context (v4.60: 54,695,
  // 35,861 and 13,663 links; none to anything else): each goes to its own table.
  const contextCodes = new Set(workContexts.map((c) => c.code));
  const metierSkills: Insertable<RomeMetierSkillTable>[] = [];
  const metierWorkContexts: Insertable<RomeMetierWorkContextTable>[] = [];
  for (const r of readRome4Csv('coherence_item')) {
    if (!metierCodes.has(r.code_rome!)) continue;
    if (skillCodes.has(r.code_ogr!))
      metierSkills.push({
        metier_code: r.code_rome!,
        skill_code: r.code_ogr!,
        core: CORE[r.coeur_metier!] ?? null,
      });
    else if (contextCodes.has(r.code_ogr!))
      metierWorkContexts.push({ metier_code: r.code_rome!, context_code: r.code_ogr! });
  }
  const mobility = readRome4Csv('rubrique_mobilite')
    .filter((r) => metierCodes.has(r.code_rome!) && metierCodes.has(r.code_rome_cible!))
    .map((r) => ({ from_code: r.code_rome!, to_code: r.code_rome_cible!, rank: Number(r.numero_ordre) }));
  const metierOfAppellation = new Map(
    readRome4Csv('referentiel_appellation').map((r) => [r.code_ogr!, r.code_rome!] as const),
  );
  return {
    version: ROME4_VERSION,
    grandDomains,
    domains,
    metiers,
    skills,
    metierSkills,
    mobility,
    workContexts,
    metierWorkContexts,
    metierOfAppellation,
  };
}
