import { describe, expect, it } from 'vitest';
import { THEMATIQUE_FAMILIES } from './enums.js';
import { allowedEdits, codesOf, NEEDS, needsVocabulary, targetLabel } from './needs-vocabulary.js';

const families = (q: string) => [...new Set(NEEDS.read(q).targets.map((t) => t.split('--')[0]))];

describe('need words: what people type, read as thématiques (issue 13 §2)', () => {
  it('knows several hundred words covering the 16 families', () => {
    expect(NEEDS.size).toBeGreaterThan(500);
    for (const family of Object.keys(THEMATIQUE_FAMILIES))
      expect(families(THEMATIQUE_FAMILIES[family]!)).toContain(family);
  });

  it.each([
    ['logement', 'logement-hebergement'],
    ['Loyer impayé', 'logement-hebergement'],
    ['appart', 'logement-hebergement'],
    ['où dormir ce soir', 'logement-hebergement'],
    ['SDF', 'logement-hebergement'],
    ['permis de conduire', 'mobilite'],
    ['vélo', 'mobilite'],
    ['crèche', 'famille'],
    ['nounou', 'famille'],
    ['dettes', 'difficultes-financieres'],
    ['surendettement', 'difficultes-financieres'],
    ['ordinateur', 'numerique'],
    ['apprendre à lire et écrire', 'lecture-ecriture-calcul'],
    ['alphabétisation', 'lecture-ecriture-calcul'],
    ['CV', 'preparer-sa-candidature'],
    ['boulot', 'trouver-un-emploi'],
    ['psy', 'sante'],
    ['MDPH', 'sante'],
    ['papiers', 'difficultes-administratives-ou-juridiques'],
    ['CAF', 'difficultes-administratives-ou-juridiques'],
    ['avocat', 'difficultes-administratives-ou-juridiques'],
    ['violences', 'famille'],
    ['colis', 'equipement-et-alimentation'],
    ['meubles', 'equipement-et-alimentation'],
    ['auto-entrepreneur', 'creer-une-entreprise'],
    ['créer entreprise', 'creer-une-entreprise'],
    ['bénévolat', 'remobilisation'],
    ['métier', 'choisir-un-metier'],
    ['orientation', 'choisir-un-metier'],
    ['formation', 'se-former'],
  ])('« %s » means %s', (q, family) => {
    expect(families(q)).toContain(family);
  });

  it('reads multi-word entries before their words: « garde d’enfants », « lettre de motivation »', () => {
    expect(NEEDS.read('garde d’enfants').targets).toEqual(['famille--garde-denfants']);
    expect(NEEDS.read('Lettre de Motivation').targets).toEqual([
      'preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation',
    ]);
  });

  it('forgives typos by word length: « logemnt », « permi », « hebergment », « surendetement »', () => {
    const r = NEEDS.read('logemnt');
    expect(r.targets).toContain('logement-hebergement');
    expect(r.corrections).toEqual([{ from: 'logemnt', to: 'logement' }]);
    expect(families('permi')).toEqual(['mobilite']);
    expect(families('hebergment')).toContain('logement-hebergement');
    expect(families('surendetement')).toContain('difficultes-financieres');
    expect(families('HÉBERGEMENT')).toContain('logement-hebergement');
    expect(NEEDS.read('logement').corrections).toEqual([]);
    expect(allowedEdits('cv')).toBe(0);
    expect(allowedEdits('permis')).toBe(1);
    expect(allowedEdits('hebergement')).toBe(2);
    // Three letters: no typo forgiven (« caf » is not « cap »).
    expect(NEEDS.read('cax').targets).toEqual([]);
  });

  it('leaves the other words for the text search, without stop words nor fillers', () => {
    const r = NEEDS.read('besoin d’un logement pour jeunes mamans');
    expect(r.targets).toContain('logement-hebergement');
    expect(r.rest).toEqual(['jeunes', 'mamans']);
    expect(NEEDS.read('xylophone').targets).toEqual([]);
    expect(NEEDS.read('xylophone').rest).toEqual(['xylophone']);
  });

  it('a family stands for its codes; labels are French', () => {
    expect(codesOf(['mobilite'])).toContain('mobilite--preparer-un-permis');
    expect(codesOf(['sante--addictions'])).toEqual(['sante--addictions']);
    expect(targetLabel('logement-hebergement')).toBe('Logement et hébergement');
    expect(targetLabel('sante--addictions')).toBe('Addictions');
  });

  it('refuses a data file naming an unknown thématique', () => {
    expect(() => needsVocabulary({ 'pas-une-thematique': ['x'] })).toThrow(/inconnue/);
  });
});
