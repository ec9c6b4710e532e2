import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import { Accordion } from '../../web/accordion.js';
import {
  Alert,
  Badges,
  ButtonsGroup,
  CheckboxGroup,
  DataTable,
  FieldGrid,
  Fieldset,
  InputField,
  RadioGroup,
  SelectField,
  TextareaField,
} from '../../web/components.js';
import { formValue, formValues, html, pageContext } from '../../web/context.js';
import { suggested } from '../../web/form.js';
import { LinkButtons } from '../../web/form-actions.js';
import { formatDate } from '../../web/format.js';
import { CsrfField, Layout } from '../../web/layout.js';
import type { DirectoryDeps } from './deps.js';
import { ENUMS, type EnumName, familyOf, THEMATIQUE_FAMILIES } from './enums.js';
import type { ServiceInput, StructureInput } from './publish-service.js';
import { STALE_AFTER_MONTHS } from './rules.js';

/** A refusal a form shows again (its field named and focused), rather than an error page. */
const shownInForm = (e: unknown): e is AppError =>
  e instanceof AppError && (e.kind === 'invalid' || e.kind === 'conflict');

const HOME = '/annuaire/ma-structure';
const OSM_HOURS_HINT = 'Format OpenStreetMap, ex. : Mo-Fr 09:00-12:00,14:00-17:30';

const choicesOf = (name: EnumName) => ENUMS[name].map((v) => ({ value: v.value, label: v.label }));

const uuidParam = (request: FastifyRequest) => (request.params as { serviceId: string }).serviceId;
const query = (request: FastifyRequest, name: string) => {
  const v = (request.query as Record<string, unknown>)[name];
  return typeof v === 'string' && v ? v : undefined;
};
const versionOf = (body: unknown) => {
  const v = formValue(body, 'version');
  return v ? Number(v) : undefined;
};

/** The form's error, on the field it names; a text field is focused (RGAA 11.10), else the alert is. */
function errorOf(error: AppError | null) {
  const on = (name: string) => (error?.field === name ? error.message : undefined);
  const focus = (name: string): Record<string, string> =>
    error?.field === name ? { autofocus: 'true' } : {};
  return { on, focus };
}

/** The alert over a refused form: it says what is wrong; focused when no text field can be. */
function FormAlert(p: { error: AppError | null; fieldFocused: boolean }) {
  if (!p.error) return '';
  return (
    <Alert
      kind="error"
      title={p.error.kind === 'conflict' ? 'Fiche modifiée entre-temps' : 'Enregistrement impossible'}
      text={p.error.message}
      focus={!p.fieldFocused}
    />
  );
}

const TEXT_FIELDS = new Set([
  'nom',
  'siret',
  'adresse',
  'complement_adresse',
  'code_insee',
  'telephone',
  'courriel',
  'site_web',
  'horaires_accueil',
  'accessibilite_lieu',
  'description',
  'publics_precisions',
  'frais_precisions',
  'conditions_acces',
  'mobilisation_precisions',
  'lien_mobilisation',
  'volume_horaire_hebdomadaire',
  'nombre_semaines',
  'contact_nom_prenom',
  'type',
]);

function StructureForm(p: {
  action: string;
  csrf: string;
  values: StructureInput;
  error: AppError | null;
  version?: number;
}) {
  const v = p.values;
  const { on, focus } = errorOf(p.error);
  return (
    <form method="post" action={p.action}>
      <CsrfField token={p.csrf} />
      {p.version !== undefined ? <input type="hidden" name="version" value={String(p.version)} /> : ''}
      <FormAlert error={p.error} fieldFocused={!!p.error?.field && TEXT_FIELDS.has(p.error.field)} />
      <Fieldset id="identite" legend="La structure">
        <InputField name="nom" label="Nom" value={v.nom} required error={on('nom')} extra={focus('nom')} />
        <InputField
          name="siret"
          label="SIRET"
          hint="14 chiffres, ex. : 216 901 231 00011"
          value={v.siret}
          error={on('siret')}
          extra={focus('siret')}
        />
        <TextareaField
          name="description"
          label="Présentation"
          hint="Ce que fait la structure, pour qui, en quelques phrases."
          value={v.description}
          rows={5}
          error={on('description')}
          extra={focus('description')}
        />
      </Fieldset>
      <Fieldset id="lieu" legend="Le lieu d’accueil">
        <InputField
          name="adresse"
          label="Adresse"
          value={v.adresse}
          autocomplete="street-address"
          error={on('adresse')}
          extra={focus('adresse')}
        />
        <InputField
          name="complement_adresse"
          label="Complément d’adresse"
          value={v.complement_adresse}
          error={on('complement_adresse')}
          extra={focus('complement_adresse')}
        />
        <InputField
          name="code_insee"
          label="Commune"
          hint="Tapez le nom ou le code postal puis choisissez ; le code postal et la position en sont déduits"
          value={v.code_insee}
          error={on('code_insee')}
          {...withFocus(suggested('/communes/suggestions', 'communes-suggerees'), focus('code_insee'))}
        />
        <datalist id="communes-suggerees" />
        <InputField
          name="horaires_accueil"
          label="Horaires d’accueil"
          hint={OSM_HOURS_HINT}
          value={v.horaires_accueil}
          error={on('horaires_accueil')}
          extra={focus('horaires_accueil')}
        />
        <InputField
          name="accessibilite_lieu"
          label="Accessibilité du lieu"
          hint="Le lien de la fiche Acceslibre du lieu, ex. : https://acceslibre.beta.gouv.fr/…"
          value={v.accessibilite_lieu}
          type="url"
          error={on('accessibilite_lieu')}
          extra={focus('accessibilite_lieu')}
        />
      </Fieldset>
      <Fieldset id="contact" legend="Contact">
        <FieldGrid col="fr-col-12 fr-col-md-6">
          <InputField
            name="telephone"
            label="Téléphone"
            type="tel"
            value={v.telephone}
            error={on('telephone')}
            extra={focus('telephone')}
          />
          <InputField
            name="courriel"
            label="Courriel"
            type="email"
            hint="Une adresse de la structure, pas celle d’une personne"
            value={v.courriel}
            error={on('courriel')}
            extra={focus('courriel')}
          />
        </FieldGrid>
        <InputField
          name="site_web"
          label="Site web"
          type="url"
          hint="Une adresse complète, ex. : https://www.exemple.fr"
          value={v.site_web}
          error={on('site_web')}
          extra={focus('site_web')}
        />
      </Fieldset>
      <ButtonsGroup class="fr-btns-group--inline-md">
        <button type="submit" class="fr-btn">
          Enregistrer la fiche
        </button>
        <a class="fr-btn fr-btn--secondary" href={HOME}>
          Annuler
        </a>
      </ButtonsGroup>
    </form>
  );
}

/** A suggested field's attributes with the focus of a refused value added. */
function withFocus(s: ReturnType<typeof suggested>, f: Record<string, string>) {
  return { ...s, extra: { ...s.extra, ...f } };
}

/** The thématiques as one checkbox group per family, each in an accordion (opened when it holds a choice). */
function Thematiques(p: { values: readonly string[]; error?: string }) {
  const byFamily = new Map<string, { value: string; label: string }[]>();
  for (const t of ENUMS.thematiques) {
    const f = familyOf(t.value);
    byFamily.set(f, [...(byFamily.get(f) ?? []), { value: t.value, label: t.label }]);
  }
  return (
    <Fieldset
      id="thematiques"
      legend="Thématiques"
      hint="Ouvrez une famille et cochez ce que propose le service ; les personnes le trouvent par ces mots."
      error={p.error}
    >
      <div class="fr-accordions-group">
        {[...byFamily].map(([family, choices]) => (
          <Accordion
            id={`thematiques-${family}`}
            title={THEMATIQUE_FAMILIES[family] ?? family}
            level={3}
            open={choices.some((c) => p.values.includes(c.value))}
          >
            <CheckboxGroup
              name="thematiques"
              id={`thematique-${family}`}
              legend={THEMATIQUE_FAMILIES[family] ?? family}
              choices={choices}
              values={p.values}
            />
          </Accordion>
        ))}
      </div>
    </Fieldset>
  );
}

function ServiceForm(p: {
  action: string;
  csrf: string;
  values: ServiceInput;
  error: AppError | null;
  version?: number;
  structureUuid: string;
}) {
  const v = p.values;
  const { on, focus } = errorOf(p.error);
  return (
    <form method="post" action={p.action}>
      <CsrfField token={p.csrf} />
      <input type="hidden" name="structure" value={p.structureUuid} />
      {p.version !== undefined ? <input type="hidden" name="version" value={String(p.version)} /> : ''}
      <FormAlert error={p.error} fieldFocused={!!p.error?.field && TEXT_FIELDS.has(p.error.field)} />
      <Fieldset id="service" legend="Le service">
        <InputField
          name="nom"
          label="Nom du service"
          hint="Ce que la personne obtient, ex. : Aide au permis de conduire"
          value={v.nom}
          required
          error={on('nom')}
          extra={focus('nom')}
        />
        <TextareaField
          name="description"
          label="Description"
          hint="Ce que le service apporte, comment il se déroule ; 5 caractères au moins."
          value={v.description}
          rows={6}
          required
          error={on('description')}
          extra={focus('description')}
        />
        <SelectField
          name="type"
          label="Type de service"
          placeholder="Choisir un type"
          options={ENUMS.types.map((t) => [t.value, t.label])}
          value={v.type}
          error={on('type')}
        />
      </Fieldset>
      <Thematiques values={v.thematiques ?? []} error={on('thematiques')} />
      <CheckboxGroup
        name="publics"
        legend="Publics"
        choices={choicesOf('publics')}
        values={v.publics ?? []}
        error={on('publics')}
      />
      <InputField
        name="publics_precisions"
        label="Précisions sur les publics"
        value={v.publics_precisions}
        error={on('publics_precisions')}
        extra={focus('publics_precisions')}
      />
      <TextareaField
        name="conditions_acces"
        label="Conditions d’accès"
        hint="Ce qu’il faut remplir ou apporter, ex. : être inscrit à France Travail, avoir un projet professionnel."
        value={v.conditions_acces}
        rows={3}
        error={on('conditions_acces')}
        extra={focus('conditions_acces')}
      />
      <RadioGroup
        name="frais"
        legend="Frais"
        inline
        choices={choicesOf('frais')}
        value={v.frais ?? null}
        error={on('frais')}
      />
      <InputField
        name="frais_precisions"
        label="Précisions sur les frais"
        value={v.frais_precisions}
        error={on('frais_precisions')}
        extra={focus('frais_precisions')}
      />
      <Fieldset id="mobilisation-groupe" legend="Accueil et mobilisation">
        <CheckboxGroup
          name="modes_accueil"
          legend="Modes d’accueil"
          inline
          choices={choicesOf('modesAccueil')}
          values={v.modes_accueil ?? []}
          error={on('modes_accueil')}
        />
        <CheckboxGroup
          name="mobilisable_par"
          legend="Mobilisable par"
          hint="« Usagers » : la personne peut s’adresser au service elle-même ; le public voit alors la fiche."
          inline
          choices={choicesOf('mobilisablePar')}
          values={v.mobilisable_par ?? []}
          error={on('mobilisable_par')}
        />
        <CheckboxGroup
          name="modes_mobilisation"
          legend="Comment mobiliser le service"
          choices={choicesOf('modesMobilisation')}
          values={v.modes_mobilisation ?? []}
          error={on('modes_mobilisation')}
        />
        <InputField
          name="lien_mobilisation"
          label="Lien de mobilisation"
          type="url"
          hint="Un formulaire en ligne, une prise de rendez-vous : https://…"
          value={v.lien_mobilisation}
          error={on('lien_mobilisation')}
          extra={focus('lien_mobilisation')}
        />
        <TextareaField
          name="mobilisation_precisions"
          label="Précisions sur la mobilisation"
          value={v.mobilisation_precisions}
          rows={3}
          error={on('mobilisation_precisions')}
          extra={focus('mobilisation_precisions')}
        />
      </Fieldset>
      <Fieldset id="duree" legend="Durée">
        <FieldGrid col="fr-col-12 fr-col-md-6">
          <InputField
            name="volume_horaire_hebdomadaire"
            label="Heures par semaine"
            hint="ex. : 3,5"
            value={v.volume_horaire_hebdomadaire}
            extra={{ inputmode: 'decimal', ...focus('volume_horaire_hebdomadaire') }}
            error={on('volume_horaire_hebdomadaire')}
          />
          <InputField
            name="nombre_semaines"
            label="Nombre de semaines"
            value={v.nombre_semaines}
            extra={{ inputmode: 'numeric', ...focus('nombre_semaines') }}
            error={on('nombre_semaines')}
          />
        </FieldGrid>
      </Fieldset>
      <Fieldset
        id="lieu-service"
        legend="Lieu et contact du service"
        hint="Laissez vide ce qui est celui de la structure."
      >
        <InputField
          name="adresse"
          label="Adresse"
          value={v.adresse}
          error={on('adresse')}
          extra={focus('adresse')}
        />
        <InputField
          name="complement_adresse"
          label="Complément d’adresse"
          value={v.complement_adresse}
          error={on('complement_adresse')}
          extra={focus('complement_adresse')}
        />
        <InputField
          name="code_insee"
          label="Commune"
          hint="Si le service se tient ailleurs que dans la structure : tapez le nom puis choisissez"
          value={v.code_insee}
          error={on('code_insee')}
          {...withFocus(suggested('/communes/suggestions', 'communes-suggerees'), focus('code_insee'))}
        />
        <datalist id="communes-suggerees" />
        <InputField
          name="horaires_accueil"
          label="Horaires"
          hint={OSM_HOURS_HINT}
          value={v.horaires_accueil}
          error={on('horaires_accueil')}
          extra={focus('horaires_accueil')}
        />
        <FieldGrid col="fr-col-12 fr-col-md-4">
          <InputField
            name="contact_nom_prenom"
            label="Contact"
            hint="Prénom et nom"
            value={v.contact_nom_prenom}
            error={on('contact_nom_prenom')}
            extra={focus('contact_nom_prenom')}
          />
          <InputField
            name="telephone"
            label="Téléphone"
            type="tel"
            value={v.telephone}
            error={on('telephone')}
            extra={focus('telephone')}
          />
          <InputField
            name="courriel"
            label="Courriel"
            type="email"
            value={v.courriel}
            error={on('courriel')}
            extra={focus('courriel')}
          />
        </FieldGrid>
      </Fieldset>
      <ButtonsGroup class="fr-btns-group--inline-md">
        <button type="submit" class="fr-btn">
          Enregistrer le service
        </button>
        <a class="fr-btn fr-btn--secondary" href={HOME}>
          Annuler
        </a>
      </ButtonsGroup>
    </form>
  );
}

/** The structure form as the service's input. */
function structureFromForm(body: unknown): StructureInput {
  const v = (name: string) => formValue(body, name);
  return {
    nom: v('nom'),
    siret: v('siret'),
    adresse: v('adresse'),
    complement_adresse: v('complement_adresse'),
    code_insee: v('code_insee'),
    telephone: v('telephone'),
    courriel: v('courriel'),
    site_web: v('site_web'),
    horaires_accueil: v('horaires_accueil'),
    accessibilite_lieu: v('accessibilite_lieu'),
    description: v('description'),
  };
}

/** The service form as the service's input: texts, and the checkbox groups' lists. */
function serviceFromForm(body: unknown): ServiceInput {
  const v = (name: string) => formValue(body, name);
  return {
    nom: v('nom'),
    description: v('description'),
    type: v('type'),
    thematiques: formValues(body, 'thematiques'),
    publics: formValues(body, 'publics'),
    publics_precisions: v('publics_precisions'),
    frais: v('frais'),
    frais_precisions: v('frais_precisions'),
    conditions_acces: v('conditions_acces'),
    modes_accueil: formValues(body, 'modes_accueil'),
    modes_mobilisation: formValues(body, 'modes_mobilisation'),
    mobilisable_par: formValues(body, 'mobilisable_par'),
    mobilisation_precisions: v('mobilisation_precisions'),
    lien_mobilisation: v('lien_mobilisation'),
    volume_horaire_hebdomadaire: v('volume_horaire_hebdomadaire'),
    nombre_semaines: v('nombre_semaines'),
    adresse: v('adresse'),
    complement_adresse: v('complement_adresse'),
    code_insee: v('code_insee'),
    telephone: v('telephone'),
    courriel: v('courriel'),
    contact_nom_prenom: v('contact_nom_prenom'),
    horaires_accueil: v('horaires_accueil'),
  };
}

const staleBadge = (stale: boolean) =>
  stale ? (
    <Badges small badges={[{ text: `À revoir (plus de ${STALE_AFTER_MONTHS} mois)`, kind: 'warning' }]} />
  ) : (
    <Badges small badges={[{ text: 'À jour', kind: 'success' }]} />
  );

const INFO: Record<string, string> = {
  structure: 'La fiche de la structure est enregistrée : les partenaires la lisent dans l’annuaire.',
  service: 'Le service est enregistré : il est cherché dans l’annuaire.',
  suppression: 'Le service est retiré de l’annuaire.',
  revue: 'C’est noté : la fiche est marquée à jour aujourd’hui.',
};

/**
 * Publication pages (issue 13 §1, §5): an organisation's administrators and gestionnaires keep its
 * structure and services. Access 'user': who may publish is decided in the service (rights.ts).
 */
export async function publishPages(app: FastifyInstance, deps: DirectoryDeps) {
  const { directory } = deps;
  const user = { config: { access: 'user' as const } };

  app.get(HOME, user, async (request, reply) => {
    const actor = request.actor!;
    const own = await directory.ownDirectory(actor);
    const ctx = pageContext(request, reply);
    const info = query(request, 'info');
    const staleCount = own.reduce(
      (n, o) => n + (o.structure.stale ? 1 : 0) + o.services.filter((s) => s.stale).length,
      0,
    );
    return html(
      reply,
      <Layout title="Ma fiche dans l’annuaire" ctx={ctx}>
        <h1>Ma fiche dans l’annuaire</h1>
        {info && INFO[info] ? <Alert kind="success" title={INFO[info]!} /> : ''}
        {own.length === 0 ? (
          <>
            <p>
              Votre organisation n’a pas encore sa fiche dans l’annuaire des partenaires. Publiez-la : les
              conseillers de la région y trouvent vos services et vous orientent des personnes.
            </p>
            <LinkButtons
              links={[{ href: `${HOME}/modifier`, label: 'Publier la fiche de votre structure' }]}
            />
          </>
        ) : (
          <>
            {staleCount ? (
              <Alert
                kind="warning"
                title={`${staleCount} fiche${staleCount > 1 ? 's' : ''} à revoir`}
                text={`Non revues depuis plus de ${STALE_AFTER_MONTHS} mois : mettez-les à jour, ou confirmez qu’il n’y a « Rien à changer ».`}
              />
            ) : (
              ''
            )}
            {own.map(({ structure: s, services }) => (
              <section class="fr-mb-6w">
                <h2 safe>{s.nom}</h2>
                {staleBadge(s.stale)}
                <p class="fr-mt-1w" safe>
                  {`Mise à jour le ${formatDate(s.date_maj)}${s.commune ? ` — ${s.commune}` : ''}`}
                </p>
                <ButtonsGroup class="fr-btns-group--inline-md fr-btns-group--sm">
                  <a class="fr-btn fr-btn--sm" href={`${HOME}/modifier?structure=${s.uuid}`}>
                    Modifier la fiche
                  </a>
                  <ReviewButton csrf={ctx.csrf} kind="structure" id={s.uuid} object={s.nom} />
                  <a
                    class="fr-btn fr-btn--sm fr-btn--secondary"
                    href={`${HOME}/services/nouveau?structure=${s.uuid}`}
                  >
                    Ajouter un service
                  </a>
                </ButtonsGroup>
                {services.length ? (
                  <DataTable
                    caption={`Les services de ${s.nom}`}
                    headers={['Service', 'Mise à jour', 'Actions']}
                    stacked
                  >
                    {services.map((v) => (
                      <tr>
                        <td data-label="Service">
                          <a href={`/annuaire/services/${v.uuid}`} safe>
                            {v.nom}
                          </a>
                        </td>
                        <td data-label="Mise à jour">
                          <span safe>{formatDate(v.date_maj)}</span>
                          {staleBadge(v.stale)}
                        </td>
                        <td data-label="Actions">
                          <ButtonsGroup class="fr-btns-group--sm">
                            <a class="fr-btn fr-btn--sm" href={`${HOME}/services/${v.uuid}/modifier`}>
                              Modifier<span class="fr-sr-only" safe>{` ${v.nom}`}</span>
                            </a>
                            <ReviewButton csrf={ctx.csrf} kind="service" id={v.uuid} object={v.nom} />
                            <a
                              class="fr-btn fr-btn--sm fr-btn--tertiary"
                              href={`${HOME}/services/${v.uuid}/suppression`}
                            >
                              Retirer<span class="fr-sr-only" safe>{` ${v.nom}`}</span>
                            </a>
                          </ButtonsGroup>
                        </td>
                      </tr>
                    ))}
                  </DataTable>
                ) : (
                  <p>Aucun service publié : ajoutez ceux que les partenaires peuvent mobiliser.</p>
                )}
              </section>
            ))}
          </>
        )}
      </Layout>,
    );
  });

  function structurePage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { uuid?: string; version?: number; values: StructureInput; error: AppError | null },
  ) {
    const ctx = pageContext(request, reply);
    const title = form.uuid ? 'Modifier la fiche de la structure' : 'Publier la fiche de votre structure';
    return html(
      reply,
      <Layout title={title} ctx={ctx}>
        <h1>{title}</h1>
        {form.uuid ? (
          ''
        ) : (
          <p>Nous avons repris ce que nous savons de votre organisation : vérifiez et complétez.</p>
        )}
        <StructureForm
          action={`${HOME}/modifier${form.uuid ? `?structure=${form.uuid}` : ''}`}
          csrf={ctx.csrf}
          values={form.values}
          error={form.error}
          version={form.version}
        />
      </Layout>,
      form.error ? (form.error.kind === 'conflict' ? 409 : 400) : 200,
    );
  }

  app.get(`${HOME}/modifier`, user, async (request, reply) => {
    const f = await directory.structureForm(request.actor!, query(request, 'structure'));
    return structurePage(request, reply, { ...f, error: null });
  });

  app.post(`${HOME}/modifier`, user, async (request, reply) => {
    const uuid = query(request, 'structure');
    const version = versionOf(request.body);
    const values = structureFromForm(request.body);
    try {
      await directory.saveStructure(request.actor!, values, {
        ...(uuid ? { uuid } : {}),
        ...(version !== undefined ? { version } : {}),
      });
      return reply.redirect(`${HOME}?info=structure`, 303);
    } catch (e) {
      if (shownInForm(e)) return structurePage(request, reply, { uuid, version, values, error: e });
      throw e;
    }
  });

  function servicePage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: {
      structureUuid: string;
      uuid?: string;
      version?: number;
      values: ServiceInput;
      error: AppError | null;
    },
  ) {
    const ctx = pageContext(request, reply);
    const title = form.uuid ? 'Modifier le service' : 'Ajouter un service';
    return html(
      reply,
      <Layout title={title} ctx={ctx}>
        <h1>{title}</h1>
        <ServiceForm
          action={form.uuid ? `${HOME}/services/${form.uuid}/modifier` : `${HOME}/services/nouveau`}
          csrf={ctx.csrf}
          values={form.values}
          error={form.error}
          version={form.version}
          structureUuid={form.structureUuid}
        />
      </Layout>,
      form.error ? (form.error.kind === 'conflict' ? 409 : 400) : 200,
    );
  }

  app.get(`${HOME}/services/nouveau`, user, async (request, reply) => {
    const f = await directory.serviceForm(request.actor!, {
      ...(query(request, 'structure') ? { structureUuid: query(request, 'structure') } : {}),
    });
    return servicePage(request, reply, { ...f, error: null });
  });

  app.post(`${HOME}/services/nouveau`, user, async (request, reply) => {
    // The structure: the form's, else the organisation's own (checked by the service either way).
    const structureUuid =
      formValue(request.body, 'structure') || (await directory.serviceForm(request.actor!, {})).structureUuid;
    const values = serviceFromForm(request.body);
    try {
      await directory.saveService(request.actor!, structureUuid, values);
      return reply.redirect(`${HOME}?info=service`, 303);
    } catch (e) {
      if (shownInForm(e)) return servicePage(request, reply, { structureUuid, values, error: e });
      throw e;
    }
  });

  app.get(`${HOME}/services/:serviceId/modifier`, user, async (request, reply) => {
    const f = await directory.serviceForm(request.actor!, { serviceUuid: uuidParam(request) });
    return servicePage(request, reply, { ...f, error: null });
  });

  app.post(`${HOME}/services/:serviceId/modifier`, user, async (request, reply) => {
    const uuid = uuidParam(request);
    const { structureUuid } = await directory.serviceForm(request.actor!, { serviceUuid: uuid });
    const version = versionOf(request.body);
    const values = serviceFromForm(request.body);
    try {
      await directory.saveService(request.actor!, structureUuid, values, {
        uuid,
        ...(version !== undefined ? { version } : {}),
      });
      return reply.redirect(`${HOME}?info=service`, 303);
    } catch (e) {
      if (shownInForm(e))
        return servicePage(request, reply, { structureUuid, uuid, version, values, error: e });
      throw e;
    }
  });

  /** The deletion's confirmation, without JavaScript: a page and its form. */
  async function deletionPage(request: FastifyRequest, reply: FastifyReply, error: AppError | null) {
    const v = await directory.editableService(request.actor!, uuidParam(request));
    const ctx = pageContext(request, reply);
    return html(
      reply,
      <Layout title={`Retirer le service ${v.nom}`} ctx={ctx}>
        <h1 safe>{`Retirer le service « ${v.nom} » ?`}</h1>
        {error ? <Alert kind="error" title="Le service n’est pas retiré" text={error.message} focus /> : ''}
        <p>
          Le service disparaît de l’annuaire : les partenaires ne le trouvent plus. Les orientations déjà
          envoyées vers lui restent.
        </p>
        <form method="post" action={`${HOME}/services/${v.uuid}/suppression`}>
          <CsrfField token={ctx.csrf} />
          <input type="hidden" name="version" value={String(v.version)} />
          <ButtonsGroup class="fr-btns-group--inline-md">
            <button type="submit" class="fr-btn">
              Retirer le service
            </button>
            <a class="fr-btn fr-btn--secondary" href={HOME}>
              Annuler
            </a>
          </ButtonsGroup>
        </form>
      </Layout>,
      error ? 409 : 200,
    );
  }

  app.get(`${HOME}/services/:serviceId/suppression`, user, (request, reply) =>
    deletionPage(request, reply, null),
  );

  app.post(`${HOME}/services/:serviceId/suppression`, user, async (request, reply) => {
    try {
      await directory.deleteService(request.actor!, uuidParam(request), versionOf(request.body));
      return reply.redirect(`${HOME}?info=suppression`, 303);
    } catch (e) {
      if (e instanceof AppError && e.kind === 'conflict') return deletionPage(request, reply, e);
      throw e;
    }
  });

  app.post(`${HOME}/revue`, user, async (request, reply) => {
    const kind = formValue(request.body, 'kind') === 'service' ? 'service' : 'structure';
    await directory.markReviewed(request.actor!, kind, formValue(request.body, 'id'));
    return reply.redirect(`${HOME}?info=revue`, 303);
  });
}

/** « Rien à changer »: the record is reviewed as it is (a POST, with its CSRF token). */
function ReviewButton(p: { csrf: string; kind: 'structure' | 'service'; id: string; object: string }) {
  return (
    <form method="post" action={`${HOME}/revue`}>
      <CsrfField token={p.csrf} />
      <input type="hidden" name="kind" value={p.kind} />
      <input type="hidden" name="id" value={p.id} />
      <button type="submit" class="fr-btn fr-btn--sm fr-btn--secondary">
        Rien à changer<span class="fr-sr-only" safe>{` : ${p.object}`}</span>
      </button>
    </form>
  );
}
