import { Type } from 'typebox';

/** TypeBox schemas of the ROME 4.0 API (issue 10 §4): the public types, checked at the HTTP edge. */

export const SkillKind = Type.Union(
  [Type.Literal('savoir_faire'), Type.Literal('savoir_etre'), Type.Literal('savoir')],
  { description: 'Savoir-faire, savoir-être professionnel ou savoir (connaissance)' },
);

export const SkillQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Début des mots du libellé (accents et casse ignorés)',
    }),
    kind: Type.Optional(SkillKind),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  },
  { additionalProperties: false },
);

/** A ROME 4.0 métier code (A1101) or an appellation code (code OGR, digits). */
export const MetierParams = Type.Object({
  code: Type.String({ pattern: '^[A-Z][0-9]{4}$', description: 'Code ROME du métier (ex. H2913)' }),
});
export const AppellationParams = Type.Object({
  code: Type.String({ pattern: '^[0-9]{1,9}$', description: 'Code OGR de l’appellation' }),
});

export const Skill = Type.Object({
  code: Type.String({ description: 'Code OGR' }),
  kind: SkillKind,
  label: Type.String(),
  category: Type.Union([Type.String(), Type.Null()]),
  subCategory: Type.Union([Type.String(), Type.Null()]),
  isMacro: Type.Boolean({ description: 'Macro-compétence (regroupe des compétences)' }),
});

export const MetierSummary = Type.Object({ code: Type.String(), label: Type.String() });

const OptionalFlag = Type.Union([Type.Boolean(), Type.Null()], { description: 'null : non renseigné' });

export const Metier = Type.Object({
  code: Type.String(),
  label: Type.String(),
  tradeCode: Type.String({ description: 'Code ROME parent, compatible avec la version 3' }),
  tradeLabel: Type.String(),
  domainCode: Type.String(),
  domainLabel: Type.String(),
  grandDomainCode: Type.String(),
  grandDomainLabel: Type.String(),
  ecologicalTransition: Type.Union([
    Type.Literal('vert'),
    Type.Literal('brun'),
    Type.Literal('blanc'),
    Type.Literal('strategique'),
    Type.Null(),
  ]),
  digitalTransition: OptionalFlag,
  demographicTransition: OptionalFlag,
  regulated: OptionalFlag,
  executive: OptionalFlag,
  definition: Type.Union([Type.String(), Type.Null()]),
  access: Type.Union([Type.String(), Type.Null()]),
  coreSkills: Type.Array(Skill, { description: 'Compétences et savoirs cœur de métier (principaux)' }),
  emergingSkills: Type.Array(Skill, { description: 'Cœur de métier émergents' }),
  otherSkills: Type.Array(Skill),
  workContexts: Type.Array(
    Type.Object({ code: Type.String(), label: Type.String(), typeLabel: Type.String() }),
  ),
});

export const CloseMetier = Type.Object({
  rank: Type.Integer({ minimum: 1, description: 'Ordre de France Travail : 1 en premier' }),
  code: Type.String(),
  label: Type.String(),
});

export const ReferentialVersion = Type.Object({
  referential: Type.String(),
  version: Type.String(),
  loadedAt: Type.String({ format: 'date-time' }),
});
