import { CONTRACT_TYPES, type ContractType, DRIVING_LICENCES, LIMITS, SALARY } from './rules.js';

/**
 * France Travail « Offres d'emploi v2 » records (francetravail.io, API Offres d'emploi v2, resource
 * /offres/search: the fields below) mapped to an offer's columns. Each refusal names its field;
 * a rejection drops the record, a warning keeps it with the value left out.
 */

export interface RecordIssue {
  field: string;
  severity: 'rejection' | 'warning';
  message: string;
}

/** The referentials a record is checked against (loaded once per import). */
export interface FtLookups {
  trades: ReadonlySet<string>;
  /** `${romeCode}|${normalised label}` → appellation code. */
  appellations: ReadonlyMap<string, string>;
  skills: ReadonlySet<string>;
  communes: ReadonlySet<string>;
}

export interface FtOffer {
  source_id: string;
  appellation_code: string | null;
  rome_code: string;
  title: string;
  description: string;
  commune_code: string | null;
  place_label: string | null;
  contract_type: ContractType;
  duration_months: number | null;
  working_time: 'full_time' | 'part_time' | null;
  weekly_hours: number | null;
  salary_min_cents: number | null;
  salary_max_cents: number | null;
  salary_label: string | null;
  positions: number;
  required_skills: string[];
  wished_skills: string[];
  driving_licences: string[];
  experience: 'D' | 'S' | 'E';
  accessible_disability: boolean;
  employer_name: string | null;
  employer_siret: string | null;
  origin_url: string | null;
  published_at: string | null;
  source_updated_at: string | null;
}

/**
 * FT's typeContrat codes (référentiel typesContrats) to ours; apprenticeship, professionalisation
 * and insertion come from natureContrat / the contract's label (FT codes them as natures).
 */
const FT_CONTRACTS: Record<string, ContractType> = {
  CDI: 'CDI',
  CDD: 'CDD',
  MIS: 'MIS',
  SAI: 'SAI',
  LIB: 'LIB',
  FRA: 'FRA',
  TTI: 'MIS', // CDI intérimaire: a temp agency's contract
  DDI: 'CDDI', // CDD d'insertion
  DIN: 'CDI', // CDI intérimaire d'insertion counted as permanent
  CCE: 'LIB', // profession commerciale
};

export const normaliseLabel = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** « Mensuel de 1800.00 Euros à 2000.00 Euros sur 12 mois », « Horaire de 11.88 Euros », « Annuel de 30000 Euros ». */
export function parseSalary(label: string): { min: number | null; max: number | null } {
  const amounts = [...label.matchAll(/(\d[\d\s]*(?:[.,]\d+)?)\s*Euros?/gi)].map((m) =>
    Number(m[1]!.replace(/\s/g, '').replace(',', '.')),
  );
  if (!amounts.length) return { min: null, max: null };
  // Hourly: 151.67 h a month (35 h × 52 / 12); yearly over 12 months.
  const factor = /^\s*horaire/i.test(label) ? 151.67 : /^\s*annuel/i.test(label) ? 1 / 12 : 1;
  const cents = (n: number | undefined) => (n === undefined ? null : Math.round(n * factor * 100));
  return { min: cents(amounts[0]), max: cents(amounts[1] ?? amounts[0]) };
}

/** Maps one FT v2 record; `offer` is null when the record is rejected (issues say why). */
export function mapFtRecord(
  r: unknown,
  lookups: FtLookups,
): { offer: FtOffer | null; issues: RecordIssue[] } {
  const issues: RecordIssue[] = [];
  const reject = (field: string, message: string) => issues.push({ field, severity: 'rejection', message });
  const warn = (field: string, message: string) => issues.push({ field, severity: 'warning', message });
  if (!isObject(r)) {
    reject('', 'Un enregistrement doit être un objet JSON.');
    return { offer: null, issues };
  }
  const str = (field: string, required: boolean, max = 10_000): string | null => {
    const v = r[field];
    if (v === undefined || v === null || v === '') {
      if (required) reject(field, `${field} : à renseigner.`);
      return null;
    }
    if (typeof v !== 'string') {
      reject(field, `${field} : une chaîne de caractères est attendue, ${typeof v} trouvé.`);
      return null;
    }
    return v.length > max ? v.slice(0, max) : v;
  };
  const id = typeof r.id === 'number' ? String(r.id) : str('id', true, 50);
  const title = str('intitule', true, LIMITS.title);
  const description = str('description', false, LIMITS.description);
  const rome = str('romeCode', true, 5)?.toUpperCase() ?? null;
  if (rome && !lookups.trades.has(rome)) reject('romeCode', `Métier ROME « ${rome} » inconnu.`);
  const appellationLabel = str('appellationlibelle', false, 300);
  let appellation: string | null = null;
  if (rome && appellationLabel) {
    appellation = lookups.appellations.get(`${rome}|${normaliseLabel(appellationLabel)}`) ?? null;
    if (!appellation)
      warn(
        'appellationlibelle',
        `Appellation « ${appellationLabel} » introuvable dans le métier ${rome} : offre gardée sur le métier.`,
      );
  }

  let commune: string | null = null;
  let placeLabel: string | null = null;
  if (r.lieuTravail !== undefined && r.lieuTravail !== null) {
    if (!isObject(r.lieuTravail)) reject('lieuTravail', 'lieuTravail : un objet est attendu.');
    else {
      const code = r.lieuTravail.commune;
      placeLabel = typeof r.lieuTravail.libelle === 'string' ? r.lieuTravail.libelle.slice(0, 200) : null;
      if (code !== undefined && code !== null && code !== '') {
        if (typeof code !== 'string')
          reject('lieuTravail/commune', 'lieuTravail.commune : un code INSEE (texte) est attendu.');
        else if (lookups.communes.has(code.toUpperCase())) commune = code.toUpperCase();
        else warn('lieuTravail/commune', `Commune « ${code} » inconnue : le lieu est gardé en libellé.`);
      }
    }
  }

  const typeContrat = str('typeContrat', true, 10);
  const contractText = `${r.natureContrat ?? ''} ${r.typeContratLibelle ?? ''}`;
  let contract: ContractType | null = typeContrat ? (FT_CONTRACTS[typeContrat] ?? null) : null;
  if (typeContrat && !contract) reject('typeContrat', `Type de contrat « ${typeContrat} » inconnu.`);
  if (contract && /apprentissage/i.test(contractText)) contract = 'APP';
  else if (contract && /professionnalisation/i.test(contractText)) contract = 'PRO';
  else if (contract && /insertion/i.test(contractText)) contract = 'CDDI';
  let duration: number | null = null;
  const durationMatch =
    typeof r.typeContratLibelle === 'string' ? /(\d+)\s*Mois/i.exec(r.typeContratLibelle) : null;
  if (durationMatch && contract && CONTRACT_TYPES[contract].hasDuration) {
    const months = Number(durationMatch[1]);
    if (months >= LIMITS.durationMonths.min && months <= LIMITS.durationMonths.max) duration = months;
    else warn('typeContratLibelle', `Durée de ${months} mois hors de 1 à 36 : laissée vide.`);
  }

  const converted = r.dureeTravailLibelleConverti;
  const workingTime =
    converted === 'Temps plein' ? 'full_time' : converted === 'Temps partiel' ? 'part_time' : null;
  let hours: number | null = null;
  const hoursMatch =
    typeof r.dureeTravailLibelle === 'string' ? /(\d+)\s*H\s*(\d+)?/i.exec(r.dureeTravailLibelle) : null;
  if (hoursMatch) {
    const h = Number(hoursMatch[1]) + Number(hoursMatch[2] ?? 0) / 60;
    if (h >= LIMITS.weeklyHours.min && h <= LIMITS.weeklyHours.max) hours = Math.round(h * 10) / 10;
    else warn('dureeTravailLibelle', `${h} heures par semaine hors de 1 à 48 : laissées vides.`);
  }

  let salary = { min: null as number | null, max: null as number | null };
  let salaryLabel: string | null = null;
  if (r.salaire !== undefined && r.salaire !== null) {
    if (!isObject(r.salaire)) reject('salaire', 'salaire : un objet est attendu.');
    else if (typeof r.salaire.libelle === 'string') {
      salaryLabel = r.salaire.libelle.slice(0, 300);
      salary = parseSalary(salaryLabel);
      if (salary.min !== null && salary.max !== null && salary.min > salary.max)
        reject('salaire/libelle', `Salaire « ${salaryLabel} » : le minimum dépasse le maximum.`);
      else if ((salary.max ?? 0) > SALARY.maxMonthlyCents) {
        warn('salaire/libelle', `Salaire « ${salaryLabel} » hors des bornes : gardé en libellé seulement.`);
        salary = { min: null, max: null };
      }
    }
  }

  let positions = 1;
  if (r.nombrePostes !== undefined && r.nombrePostes !== null) {
    const n = r.nombrePostes;
    if (typeof n !== 'number' || !Number.isInteger(n))
      reject(
        'nombrePostes',
        `nombrePostes : un nombre entier est attendu, « ${String(n).slice(0, 20)} » trouvé.`,
      );
    else if (n < LIMITS.positions.min || n > LIMITS.positions.max)
      reject(
        'nombrePostes',
        `nombrePostes : de ${LIMITS.positions.min} à ${LIMITS.positions.max}, ${n} trouvé.`,
      );
    else positions = n;
  }

  const experience = r.experienceExige ?? 'D';
  if (experience !== 'D' && experience !== 'S' && experience !== 'E')
    reject(
      'experienceExige',
      `experienceExige : D, S ou E attendu, « ${String(experience).slice(0, 20)} » trouvé.`,
    );

  const required: string[] = [];
  const wished: string[] = [];
  if (r.competences !== undefined && r.competences !== null) {
    if (!Array.isArray(r.competences)) reject('competences', 'competences : un tableau est attendu.');
    else
      r.competences.forEach((c, i) => {
        const code = isObject(c) ? (typeof c.code === 'number' ? String(c.code) : c.code) : undefined;
        if (typeof code !== 'string' || !code)
          warn(`competences/${i}/code`, 'Compétence sans code : ignorée.');
        // FT v2 codes are ROME v3 OGR codes: those unknown to ROME 4.0 are kept out, with a warning.
        else if (!lookups.skills.has(code))
          warn(`competences/${i}/code`, `Compétence ${code} inconnue du ROME 4.0 : ignorée.`);
        else if (!required.includes(code) && !wished.includes(code))
          (isObject(c) && c.exigence === 'E' ? required : wished).push(code);
      });
  }
  const licences: string[] = [];
  if (Array.isArray(r.permis))
    r.permis.forEach((p, i) => {
      const label = isObject(p) && typeof p.libelle === 'string' ? p.libelle : '';
      const code = /^\s*([A-Z]{1,2}\d?E?)\b/.exec(label)?.[1];
      if (code && Object.hasOwn(DRIVING_LICENCES, code)) {
        if (!licences.includes(code)) licences.push(code);
      } else warn(`permis/${i}/libelle`, `Permis « ${label.slice(0, 50)} » non reconnu : ignoré.`);
    });

  const bool = (field: string) => {
    const v = r[field];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') {
      reject(field, `${field} : true ou false attendu.`);
      return false;
    }
    return v;
  };
  const accessible = bool('accessibleTH');
  const date = (field: string) => {
    const v = str(field, false, 40);
    if (v && Number.isNaN(Date.parse(v))) {
      reject(field, `${field} « ${v} » : une date ISO 8601 est attendue.`);
      return null;
    }
    return v;
  };
  const created = date('dateCreation');
  const updated = date('dateActualisation');
  const company = isObject(r.entreprise) ? r.entreprise : {};
  const siret = typeof company.siret === 'string' && /^\d{14}$/.test(company.siret) ? company.siret : null;
  const origin =
    isObject(r.origineOffre) && typeof r.origineOffre.urlOrigine === 'string'
      ? r.origineOffre.urlOrigine
      : null;

  if (issues.some((i) => i.severity === 'rejection') || !id || !title || !rome || !contract)
    return { offer: null, issues };
  return {
    offer: {
      source_id: id,
      appellation_code: appellation,
      rome_code: rome,
      title,
      description: description ?? title,
      commune_code: commune,
      place_label: placeLabel,
      contract_type: contract,
      duration_months: duration,
      working_time: workingTime,
      weekly_hours: hours,
      salary_min_cents: salary.min,
      salary_max_cents: salary.max,
      salary_label: salaryLabel,
      positions,
      required_skills: required,
      wished_skills: wished,
      driving_licences: licences,
      experience: experience as 'D' | 'S' | 'E',
      accessible_disability: accessible,
      employer_name: typeof company.nom === 'string' ? company.nom.slice(0, 200) : null,
      employer_siret: siret,
      origin_url: origin && /^https?:\/\//.test(origin) ? origin.slice(0, 500) : null,
      published_at: created,
      source_updated_at: updated,
    },
    issues,
  };
}
