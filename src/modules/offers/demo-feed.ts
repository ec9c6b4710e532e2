import type { Faker } from '@faker-js/faker';

/** What a demo feed draws from: the region's communes and appellations, the métiers' ROME 4.0 skills. */
export interface DemoFeedSources {
  communes: string[];
  appellations: { label: string; rome_code: string; metier_code: string | null }[];
  skills: Map<string, { core: string[]; other: string[] }>;
}

const CONTRACTS = [
  { weight: 45, value: { typeContrat: 'CDI', typeContratLibelle: 'Contrat à durée indéterminée' } },
  { weight: 35, value: { typeContrat: 'CDD', typeContratLibelle: 'Contrat à durée déterminée - 6 Mois' } },
  { weight: 15, value: { typeContrat: 'MIS', typeContratLibelle: 'Mission intérimaire - 3 Mois' } },
  { weight: 5, value: { typeContrat: 'SAI', typeContratLibelle: 'Contrat travail saisonnier - 4 Mois' } },
];

/**
 * A small regional job board's feed in the France Travail « Offres d'emploi v2 » shape, seeded, with
 * the mistakes such feeds really carry, so that the demo's import report shows each kind: an offer
 * sent twice, an unknown ROME code, a salary range upside down, a number of
 * positions given as text, an unknown contract type, a yes/no sent as text (rejections); skills coded
 * in ROME v3 that ROME 4.0 does not know, a commune code that does not exist (warnings).
 * Returned as NDJSON lines, as job boards export them.
 */
export function demoBoardFeed(f: Faker, count: number, s: DemoFeedSources): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = f.helpers.arrayElement(s.appellations);
    const skills = (a.metier_code && s.skills.get(a.metier_code)) || { core: [], other: [] };
    const commune = s.communes[Math.floor(s.communes.length * f.number.float({ min: 0, max: 1 }) ** 2)]!;
    const min = f.number.int({ min: 1830, max: 2600 });
    const record: Record<string, unknown> = {
      id: `EMPLOI-ARA-${String(4100 + i)}`,
      intitule: `${a.label} H/F`,
      description: `${f.company.name()} recrute un(e) ${a.label.toLowerCase()} pour rejoindre son équipe. Poste à pourvoir rapidement, formation assurée à l’arrivée.`,
      dateCreation: '2026-11-02T08:00:00.000Z',
      dateActualisation: '2026-11-20T08:00:00.000Z',
      lieuTravail: { libelle: commune, commune },
      romeCode: a.rome_code,
      appellationlibelle: a.label,
      ...f.helpers.weightedArrayElement(CONTRACTS),
      natureContrat: 'Contrat travail',
      experienceExige: f.helpers.arrayElement(['D', 'D', 'S', 'E']),
      competences: [
        ...skills.core.slice(0, 2).map((code) => ({ code, libelle: '', exigence: 'E' })),
        ...skills.other.slice(0, 1).map((code) => ({ code, libelle: '', exigence: 'S' })),
      ],
      salaire: { libelle: `Mensuel de ${min}.00 Euros à ${min + 250}.00 Euros sur 12 mois` },
      dureeTravailLibelle: '35H Horaires normaux',
      dureeTravailLibelleConverti: 'Temps plein',
      nombrePostes: f.helpers.weightedArrayElement([
        { weight: 8, value: 1 },
        { weight: 2, value: 2 },
      ]),
      accessibleTH: f.datatype.boolean(0.3),
      entreprise: { nom: f.company.name() },
    };
    // One record in six carries a mistake, in this order, so each kind appears.
    switch (i % 6 === 5 ? Math.floor(i / 6) % 8 : -1) {
      case 0:
        record.id = `EMPLOI-ARA-${String(4100 + i - 1)}`; // sent twice
        break;
      case 1:
        record.romeCode = 'K9999'; // a code ROME never had (a typing mistake in the board's back office)
        break;
      case 2:
        record.salaire = { libelle: `Mensuel de ${min + 400}.00 Euros à ${min}.00 Euros sur 12 mois` };
        break;
      case 3:
        record.nombrePostes = 'deux';
        break;
      case 4:
        record.typeContrat = 'STG';
        break;
      case 5:
        record.competences = [{ code: '124095', libelle: 'Code ROME v3', exigence: 'E' }];
        break;
      case 6:
        record.lieuTravail = { libelle: 'Commune fusionnée', commune: '01999' };
        break;
      case 7:
        record.accessibleTH = 'oui'; // a boolean sent as text
        break;
    }
    lines.push(JSON.stringify(record));
  }
  return lines;
}
