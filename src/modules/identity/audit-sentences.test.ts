import { describe, expect, it } from 'vitest';
import { AUDITED_ACTIONS } from '../../shared/audit.js';
import { AUDIT_SENTENCES, auditSentence } from './audit-sentences.js';

const line = (action: string, over: Partial<Parameters<typeof auditSentence>[0]> = {}) => ({
  action,
  actorLabel: 'Marie Dupont',
  subjectName: null,
  organisationName: null,
  trainingTitle: null,
  details: {},
  ...over,
});

describe('audit sentences', () => {
  it('names people and objects', () => {
    expect(auditSentence(line('person.read', { subjectName: 'Jean Martin' }))).toBe(
      'Marie Dupont a consulté le dossier de Jean Martin',
    );
    expect(
      auditSentence(
        line('membership.role_changed', {
          subjectName: 'Jean Martin',
          details: { from: 'conseiller', to: 'administrateur' },
        }),
      ),
    ).toBe('Marie Dupont a changé le rôle de Jean Martin : conseiller → administrateur');
    expect(
      auditSentence(
        line('membership.invited', {
          subjectName: 'Inès Garnier',
          organisationName: 'France Travail Lyon',
          details: { email: 'ines@exemple.fr', role: 'analyste' },
        }),
      ),
    ).toBe(
      'Marie Dupont a invité Inès Garnier (ines@exemple.fr) à rejoindre France Travail Lyon comme analyste',
    );
  });

  it('says what is gone instead of showing an id', () => {
    expect(auditSentence(line('api_token.revoked'))).toBe(
      'Marie Dupont a révoqué le jeton d’API « un élément supprimé »',
    );
    expect(auditSentence(line('auth.logout', { actorLabel: null }))).toBe(
      'Une personne non identifiée a fermé sa session',
    );
  });

  it('has a sentence for every audited action', () => {
    for (const action of Object.keys(AUDITED_ACTIONS)) expect(AUDIT_SENTENCES[action], action).toBeDefined();
    expect(auditSentence(line('inconnue.action'))).toBe('Marie Dupont : action « inconnue.action »');
  });
});
