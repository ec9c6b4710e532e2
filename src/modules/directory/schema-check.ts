import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { isIsoDate } from '../../shared/formats.js';
import { luhnValid } from '../../shared/siret.js';
import { ENUMS, type EnumName } from './enums.js';
import type { DiService, DiStructure } from './records.js';

/** One problem of a record: the schema's field name and what is wrong, in French. */
export interface FieldProblem {
  field: string;
  message: string;
}

function schema(name: 'structure' | 'service'): object {
  const url = new URL(`../../../data/data-inclusion/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as object;
}

// allErrors: an import reports every problem of a record, not the first one (issue 13, bad input).
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
// A date that exists in the calendar (ajv-formats accepts 2025-02-30's shape only).
ajv.addFormat('date', isIsoDate);
const structureValidator = ajv.compile<DiStructure>(schema('structure'));
const serviceValidator = ajv.compile<DiService>(schema('service'));

/** Which enumeration a field's values come from, to name it in a message. */
const ENUM_OF_FIELD: Record<string, { name: EnumName; label: string }> = {
  reseaux_porteurs: { name: 'reseauxPorteurs', label: 'réseaux porteurs' },
  thematiques: { name: 'thematiques', label: 'thématiques' },
  publics: { name: 'publics', label: 'publics' },
  type: { name: 'types', label: 'types de service' },
  frais: { name: 'frais', label: 'frais' },
  modes_accueil: { name: 'modesAccueil', label: 'modes d’accueil' },
  modes_mobilisation: { name: 'modesMobilisation', label: 'modes de mobilisation' },
  mobilisable_par: { name: 'mobilisablePar', label: 'personnes mobilisatrices' },
};

const FORMAT_MESSAGES: Record<string, string> = {
  date: 'date invalide (AAAA-MM-JJ, une date du calendrier)',
  email: 'adresse électronique invalide',
  uri: 'lien invalide (une adresse complète, https://…)',
};

/** One French sentence for one schema error of a field. */
function messageOf(field: string, error: ErrorObject, value: unknown): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'champ obligatoire absent';
    case 'enum': {
      const e = ENUM_OF_FIELD[field];
      const shown = typeof value === 'string' ? value : Array.isArray(value) ? '' : String(value);
      return `valeur ${shown ? `« ${shown} » ` : ''}hors de l’énumération des ${e?.label ?? 'valeurs permises'} du schéma data·inclusion`;
    }
    case 'format':
      return FORMAT_MESSAGES[String(p.format)] ?? `format ${String(p.format)} attendu`;
    case 'minLength':
      return `au moins ${String(p.limit)} caractères`;
    case 'maxLength':
      return `au plus ${String(p.limit)} caractères`;
    case 'pattern':
      return field === 'siret'
        ? 'un SIRET compte 14 chiffres'
        : field === 'code_postal'
          ? 'un code postal compte 5 chiffres'
          : field === 'code_insee'
            ? 'un code INSEE compte 5 caractères (ex. : 69123, 2A004)'
            : 'format invalide';
    case 'minItems':
      return 'au moins une valeur, ou rien';
    case 'uniqueItems':
      return 'une valeur y figure deux fois';
    case 'minimum':
      return `au moins ${String(p.limit)}`;
    case 'type':
      return p.type === 'array'
        ? 'une liste de valeurs attendue'
        : p.type === 'number' || p.type === 'integer'
          ? p.type === 'integer'
            ? 'un nombre entier attendu'
            : 'un nombre attendu'
          : p.type === 'string'
            ? 'un texte attendu'
            : `type ${String(p.type)} attendu`;
    case 'const':
      return 'valeur non permise';
    default:
      return error.message ?? 'valeur invalide';
  }
}

/**
 * The schema's errors as one problem per field: a nullable field's `anyOf` fails on both branches
 * (its format, and « null expected »); only the first says what is wrong.
 */
function problemsOf(
  errors: ErrorObject[] | null | undefined,
  record: Record<string, unknown>,
): FieldProblem[] {
  const byField = new Map<string, FieldProblem>();
  for (const error of errors ?? []) {
    if (error.keyword === 'anyOf') continue;
    if (error.keyword === 'type' && (error.params as { type?: string }).type === 'null') continue;
    const path = error.instancePath.split('/').filter(Boolean);
    const field =
      error.keyword === 'required'
        ? String((error.params as { missingProperty: string }).missingProperty)
        : (path[0] ?? '(enregistrement)');
    if (byField.has(field)) continue;
    const value =
      path.length > 1 ? record[field] && (record[field] as unknown[])[Number(path[1])] : record[field];
    byField.set(field, { field, message: messageOf(field, error, value) });
  }
  return [...byField.values()];
}

/** What the JSON Schema cannot say: a SIRET's check digit (Luhn, INSEE), the enumerations being the shared files'. */
function ruleProblems(record: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const siret = record.siret;
  if (typeof siret === 'string' && /^\d{14}$/.test(siret) && !luhnValid(siret))
    problems.push({ field: 'siret', message: `SIRET « ${siret} » invalide (clé de contrôle fausse)` });
  return problems;
}

/** Every problem of a structure against the schema and the rules; empty when it is valid. */
export function checkStructure(record: unknown): FieldProblem[] {
  if (!record || typeof record !== 'object' || Array.isArray(record))
    return [{ field: '(enregistrement)', message: 'un objet JSON attendu' }];
  const r = record as Record<string, unknown>;
  const problems = structureValidator(r) ? [] : problemsOf(structureValidator.errors, r);
  return merge(problems, ruleProblems(r));
}

/** Every problem of a service against the schema and the rules; empty when it is valid. */
export function checkService(record: unknown): FieldProblem[] {
  if (!record || typeof record !== 'object' || Array.isArray(record))
    return [{ field: '(enregistrement)', message: 'un objet JSON attendu' }];
  const r = record as Record<string, unknown>;
  const problems = serviceValidator(r) ? [] : problemsOf(serviceValidator.errors, r);
  return merge(problems, ruleProblems(r));
}

function merge(a: FieldProblem[], b: FieldProblem[]): FieldProblem[] {
  const fields = new Set(a.map((p) => p.field));
  return [...a, ...b.filter((p) => !fields.has(p.field))];
}

/** The enumerations the schema's validators know are those of data/data-inclusion/extra (checked by a test). */
export const enumsOfSchema = (): Record<string, string[]> => {
  const s = schema('service') as { $defs: Record<string, { enum?: string[] }> };
  const t = schema('structure') as { $defs: Record<string, { enum?: string[] }> };
  return {
    thematiques: s.$defs.Thematique?.enum ?? [],
    publics: s.$defs.Public?.enum ?? [],
    types: s.$defs.TypeService?.enum ?? [],
    frais: s.$defs.Frais?.enum ?? [],
    modesAccueil: s.$defs.ModeAccueil?.enum ?? [],
    modesMobilisation: s.$defs.ModeMobilisation?.enum ?? [],
    mobilisablePar: s.$defs.PersonneMobilisatrice?.enum ?? [],
    reseauxPorteurs: t.$defs.ReseauPorteur?.enum ?? [],
  };
};
export { ENUMS };
