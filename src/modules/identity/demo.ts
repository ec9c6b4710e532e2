import { Faker, fr } from '@faker-js/faker';
import { completeLuhn } from '../../shared/siret.js';
import { searchForm } from '../../shared/text.js';
import type { DemoContext } from '../module.js';
import { hashPassword } from './credentials.js';
import {
  type DemoInvitation,
  type DemoOrganisation,
  type DemoUser,
  demoRepository,
} from './demo-repository.js';
import type { OrganisationKind, Role } from './model.js';

/** The accounts printed at start: one per kind of user, so each role can be tried at once. */
export const DEMO_LOGINS = [
  { email: 'superadmin@passerelle.demo', role: 'super-administrateur', organisationKind: null },
  {
    email: 'admin.francetravail@passerelle.demo',
    role: 'administrateur',
    organisationKind: 'france_travail',
  },
  {
    email: 'conseiller.missionlocale@passerelle.demo',
    role: 'conseiller',
    organisationKind: 'mission_locale',
  },
  {
    email: 'gestionnaire.formation@passerelle.demo',
    role: 'gestionnaire',
    organisationKind: 'organisme_formation',
  },
  { email: 'analyste.region@passerelle.demo', role: 'analyste', organisationKind: 'region' },
  // Drawn after every other account (generateDemoRegion): adding them left the seeded region as it was.
  { email: 'recruteur.employeur@passerelle.demo', role: 'gestionnaire', organisationKind: 'employeur' },
  // A town hall's reception, the « point de contact » that registers a person (persons/rights.ts).
  { email: 'accueil.mairie@passerelle.demo', role: 'conseiller', organisationKind: 'commune' },
  // An insertion workshop's counsellor (ACI), who answers orientations and hires (issue 12).
  { email: 'conseiller.siae@passerelle.demo', role: 'conseiller', organisationKind: 'siae_aci' },
] as const;

/** The logins added last, after the region's draw (see generateDemoRegion), in this order. */
const LATE_LOGINS: ReadonlySet<string> = new Set([
  'recruteur.employeur@passerelle.demo',
  'accueil.mairie@passerelle.demo',
  'conseiller.siae@passerelle.demo',
]);

/** How many organisations of each kind a believable region has in the demo (~40 in all). */
const PLAN: [OrganisationKind, number][] = [
  ['region', 1],
  ['france_travail', 6],
  ['mission_locale', 5],
  ['cap_emploi', 3],
  ['siae_ai', 2],
  ['siae_ei', 2],
  ['siae_etti', 2],
  ['siae_aci', 2],
  ['siae_eiti', 1],
  ['organisme_formation', 6],
  ['employeur', 4],
  ['commune', 3],
  ['fonds_garantie', 2],
  ['structure_accompagnement', 2],
];

interface Commune {
  code: string;
  name: string;
  population: number;
}

function nameFor(kind: OrganisationKind, town: string, f: Faker, regionName: string): string {
  const company = () => f.company.name().replace(/ et /g, ' & ');
  switch (kind) {
    case 'region':
      return `Région ${regionName}`;
    case 'france_travail':
      return `France Travail ${town}`;
    case 'mission_locale':
      return `Mission locale de ${town}`;
    case 'cap_emploi':
      return `Cap emploi ${town}`;
    case 'siae_ai':
      return `${f.helpers.arrayElement(['Trait d’union', 'Partage Travail', 'Relais Emploi', 'Solidarité Services'])} ${town}`;
    case 'siae_ei':
      return `${f.helpers.arrayElement(['Envie', 'Ressourcerie', 'Bâtir Ensemble', 'Tri Local'])} ${town}`;
    case 'siae_etti':
      return `${f.helpers.arrayElement(['Id’ées Intérim', 'Tremplin Intérim', 'Inser’Intérim'])} ${town}`;
    case 'siae_aci':
      return `Chantier d’insertion ${f.helpers.arrayElement(['des Jardins', 'Espaces Verts', 'Patrimoine'])} de ${town}`;
    case 'siae_eiti':
      return `Coopérative d’indépendants ${town}`;
    case 'organisme_formation':
      return `${f.helpers.arrayElement(['AFPA', 'GRETA', 'Institut de formation', 'Centre de formation', 'CFA'])} ${town}`;
    case 'employeur':
      return company();
    case 'commune':
      return `Mairie de ${town}`;
    case 'fonds_garantie':
      return f.helpers.arrayElement([`France Active ${regionName}`, `ADIE — agence de ${town}`]);
    case 'structure_accompagnement':
      return `${f.helpers.arrayElement(['BGE', 'Boutique de gestion', 'Maison de l’emploi'])} ${town}`;
  }
}

const slug = (s: string) => searchForm(s).replace(/ /g, '-');

/** Pure: the same seed and communes always give the same region. */
export function generateDemoRegion(communes: Commune[], regionName: string, seed: number) {
  const f = new Faker({ locale: [fr] });
  f.seed(seed);
  const weighted = communes.map((c) => ({ value: c, weight: Math.max(1, Math.sqrt(c.population)) }));
  const organisations: DemoOrganisation[] = [];
  const usedNames = new Set<string>();
  for (const [kind, count] of PLAN) {
    for (let i = 0; i < count; i++) {
      let commune = f.helpers.weightedArrayElement(weighted);
      let name = nameFor(kind, commune.name, f, regionName);
      for (let tries = 0; usedNames.has(name) && tries < 20; tries++) {
        commune = f.helpers.weightedArrayElement(weighted);
        name = nameFor(kind, commune.name, f, regionName);
      }
      usedNames.add(name);
      const needsSiret = kind !== 'region' && kind !== 'commune' ? true : f.datatype.boolean();
      organisations.push({
        name,
        kind,
        siret: needsSiret ? completeLuhn(f.string.numeric({ length: 13, allowLeadingZeros: false })) : null,
        communeCode: commune.code,
        email: `contact@${slug(name).slice(0, 40)}.demo`,
        phone: f.phone.number({ style: 'national' }),
      });
    }
  }

  const users: DemoUser[] = [];
  const emails = new Set<string>();
  const person = () => {
    const firstName = f.person.firstName();
    const lastName = f.person.lastName();
    let email = `${slug(firstName)}.${slug(lastName)}@passerelle.demo`;
    for (let n = 2; emails.has(email); n++)
      email = `${slug(firstName)}.${slug(lastName)}${n}@passerelle.demo`;
    emails.add(email);
    return { firstName, lastName, email };
  };
  const indexOf = (kind: OrganisationKind) => organisations.findIndex((o) => o.kind === kind);
  for (const login of DEMO_LOGINS) emails.add(login.email);
  for (const login of DEMO_LOGINS) {
    if (LATE_LOGINS.has(login.email)) continue;
    const p = person();
    users.push({
      email: login.email,
      firstName: p.firstName,
      lastName: p.lastName,
      superAdmin: login.organisationKind === null,
      memberships: login.organisationKind
        ? [{ organisationIndex: indexOf(login.organisationKind), role: login.role as Role }]
        : [],
    });
  }
  const hasAdmin = new Set(
    users.flatMap((u) =>
      u.memberships.filter((m) => m.role === 'administrateur').map((m) => m.organisationIndex),
    ),
  );
  organisations.forEach((o, index) => {
    const extraRoles: Role[] = [];
    if (!hasAdmin.has(index)) extraRoles.push('administrateur');
    const staff =
      o.kind === 'france_travail' || o.kind === 'mission_locale'
        ? 4
        : o.kind === 'region'
          ? 3
          : f.number.int({ min: 1, max: 2 });
    const roleMix: Role[] =
      o.kind === 'region'
        ? ['analyste', 'gestionnaire']
        : o.kind === 'organisme_formation'
          ? ['gestionnaire', 'conseiller']
          : ['conseiller', 'conseiller', 'gestionnaire', 'analyste'];
    for (let i = 0; i < staff; i++) extraRoles.push(f.helpers.arrayElement(roleMix));
    for (const role of extraRoles)
      users.push({ ...person(), superAdmin: false, memberships: [{ organisationIndex: index, role }] });
  });
  // A counsellor who works for two structures, as happens between a Mission locale and a Cap emploi.
  const shared = users.find((u) => u.email === 'conseiller.missionlocale@passerelle.demo');
  shared?.memberships.push({ organisationIndex: indexOf('cap_emploi'), role: 'conseiller' });
  // A Region analyst invited to the first France Travail agency (a shared labour-market study): the
  // invitation waits on the analyst's home page and on the agency administrator's members page.
  const invitations: DemoInvitation[] = [
    {
      email: 'analyste.region@passerelle.demo',
      organisationIndex: indexOf('france_travail'),
      role: 'analyste',
      invitedBy: 'admin.francetravail@passerelle.demo',
    },
  ];
  for (const late of DEMO_LOGINS.filter((l) => LATE_LOGINS.has(l.email)))
    users.push({
      email: late.email,
      ...(({ firstName, lastName }) => ({ firstName, lastName }))(person()),
      superAdmin: false,
      memberships: [{ organisationIndex: indexOf(late.organisationKind!), role: late.role as Role }],
    });
  return { organisations, users, invitations };
}

/**
 * The demo region's partners: ~40 organisations of every kind in its towns, their members and a
 * pending invitation (one transaction). Returns false when organisations exist already: the demo
 * is then left as it is.
 */
export async function seedDemoOrganisations(ctx: DemoContext): Promise<boolean> {
  const repo = demoRepository(ctx.db);
  if (await repo.hasOrganisations()) return false;
  const { regionName, communes } = await repo.regionAndTowns(ctx.regionCode, 5000);
  const region = generateDemoRegion(communes, regionName, ctx.seed);
  // One hash for every demo account: argon2 is deliberately slow, and these passwords are public anyway.
  const passwordHash = await hashPassword(ctx.password);
  await repo.insertRegion(region, passwordHash, ctx.seed);
  ctx.log(
    `Région de démonstration créée : ${region.organisations.length} organisations, ${region.users.length} utilisateurs (graine ${ctx.seed}).`,
  );
  return true;
}
