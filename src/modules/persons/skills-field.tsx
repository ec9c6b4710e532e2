import type { FastifyInstance } from 'fastify';
import type { AppError } from '../../shared/errors.js';
import { html } from '../../web/context.js';
import { CheckboxGroup, FieldGrid, InputField, suggested } from '../../web/form.js';
import type { PersonsDeps } from './deps.js';
import { SKILL_SLOTS } from './form-values.js';

/** A skill the form offers as a box: a declared one, or a core skill of a wanted job. */
export interface SkillChoice {
  code: string;
  label: string;
  /** A core skill (ROME 4.0 « cœur de métier ») of one of the wanted jobs. */
  core: boolean;
}

/**
 * The skills part of a person form (counsellor's and person's): the declared skills and the core
 * skills of the wanted jobs as boxes with their labels (ticked when declared), and a few fields to
 * type another skill in words, suggested from the ROME 4.0 labels (/competences/suggestions); the
 * code is what is sent. A code the boxes do not offer (unknown, or typed) goes back to a field.
 */
export function SkillsField(p: {
  choices: SkillChoice[];
  values: readonly string[];
  error: AppError | null;
  /** Plain words for the person's own space. */
  plain?: boolean;
}) {
  const offered = new Set(p.choices.map((c) => c.code));
  const typed = p.values.filter((code) => !offered.has(code));
  const bad = /^skills\/(\d+)$/.exec(p.error?.field ?? '');
  const badCode = bad ? p.values[Number(bad[1])] : undefined;
  const errorOn = (value: string | undefined) =>
    value !== undefined && value === badCode ? p.error?.message : undefined;
  const slots = Math.max(SKILL_SLOTS.length, typed.length);
  return (
    <>
      {[false, true].map((core) => {
        // Two groups of the same field: what is declared, then the wanted jobs' core skills to tick
        // (one hint for the group, rather than « cœur de métier » under each box).
        const choices = p.choices.filter((c) => c.core === core);
        if (!choices.length) return '';
        const legend = core
          ? p.plain
            ? 'Ce qu’on demande souvent pour vos métiers'
            : 'Compétences cœur des métiers recherchés (ROME 4.0)'
          : p.plain
            ? 'Vos compétences'
            : 'Compétences déclarées';
        const hint = core
          ? p.plain
            ? 'Cochez ce que vous savez faire.'
            : 'Cochez celles de la personne : elles s’ajoutent à ses compétences déclarées.'
          : p.plain
            ? 'Décochez ce qui n’est plus juste.'
            : 'Décochez pour retirer une compétence.';
        return (
          <CheckboxGroup
            name="skills"
            id={core ? 'competences-coeur' : 'competences'}
            legend={legend}
            hint={hint}
            choices={choices.map((c) => ({ value: c.code, label: c.label }))}
            values={p.values}
            error={choices.some((c) => c.code === badCode) ? p.error?.message : undefined}
          />
        );
      })}
      <datalist id="competences-suggerees" />
      <FieldGrid col="fr-col-12 fr-col-md-6">
        {Array.from({ length: slots }, (_, i) => (
          <InputField
            name={`skill${i + 1}`}
            label={p.plain ? `Autre compétence ${i + 1}` : `Autre compétence ${i + 1} (ROME 4.0)`}
            hint={i === 0 ? 'Tapez quelques mots (ex. : soudage) et choisissez dans la liste' : undefined}
            value={typed[i]}
            error={
              errorOn(typed[i]) ?? (i === 0 && p.error?.field === 'skills' ? p.error.message : undefined)
            }
            {...suggested('/competences/suggestions', 'competences-suggerees')}
          />
        ))}
      </FieldGrid>
    </>
  );
}

/**
 * The <datalist> options of a skill field, whatever it is named (htmx sends the field's name): the
 * ROME 4.0 label shown, the code sent. Public like /appellations/suggestions (open data, and the
 * person's space has no staff session). The referentials module has the JSON search
 * (/api/v1/referentials/skills) but no such page route; the offers' one (/offres/competences-suggerees)
 * is for staff and reads the offer form's field names only.
 */
export async function skillSuggestionsPage(app: FastifyInstance, { referentials }: PersonsDeps) {
  app.get('/competences/suggestions', { config: { access: 'public' } }, async (request, reply) => {
    const typed = Object.values((request.query ?? {}) as Record<string, unknown>).find(
      (v): v is string => typeof v === 'string' && v.trim() !== '',
    );
    const q = (typed ?? '').trim().slice(0, 100);
    // A code already chosen suggests nothing more.
    const hits = q && !/^\d+$/.test(q) ? await referentials.searchSkills(q, { limit: 10 }) : [];
    reply.header('cache-control', 'public, max-age=3600');
    return html(
      reply,
      <>
        {hits.map((s) => (
          <option value={s.code} safe>
            {s.label}
          </option>
        ))}
      </>,
    );
  });
}
