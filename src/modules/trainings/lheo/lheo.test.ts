import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleFormation } from '../../../../test/lheo-sample.js';
import { lheoXsdErrors } from '../../../../test/lheo-xsd.js';
import { READER_LIMITS } from './guard.js';
import { type MappingContext, mapFormation } from './map.js';
import type { LheoAction, LheoFormation, LheoSession } from './model.js';
import { LheoFileError, readLheo, type XmlNode } from './reader.js';
import { NUMERIC_FIELDS } from './rules.js';
import { formationXml, LHEO_HEAD, LHEO_TAIL } from './writer.js';

const context: MappingContext = {
  isRomeCode: (c) => /^[A-N]\d{4}$/.test(c) && c !== 'Z9999',
  isCommune: (c) => c === '69123' || c === '38185',
  resolveCommune: (a) =>
    a.postalCode === '99999' || (a.inseeCode && a.inseeCode !== '69123' && a.inseeCode !== '38185')
      ? { error: `commune « ${a.inseeCode ?? a.city} » inconnue` }
      : {
          code: a.inseeCode ?? '69123',
          point: { name: 'Lyon', department: '69', latitude: 45.76, longitude: 4.83 },
          note: null,
        },
  resolvePlace: (a) =>
    a.postalCode === '99999'
      ? null
      : { communeCode: '69123', department: '69', latitude: 45.76, longitude: 4.83 },
};

async function* bytes(text: string | Uint8Array, chunk = 7) {
  const all = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  for (let i = 0; i < all.length; i += chunk) yield all.subarray(i, i + chunk);
}

async function parse(xml: string | Uint8Array) {
  const nodes: XmlNode[] = [];
  const scan = await readLheo(bytes(xml), (node) => {
    nodes.push(node);
  });
  return { scan, results: nodes.map((n) => mapFormation(n, context)) };
}

const sample = () => sampleFormation(1, 3);

const doc = (...formations: string[]) => `${LHEO_HEAD}${formations.join('\n')}${LHEO_TAIL}`;

describe('LHÉO reader', () => {
  it('refuses a file that is not well-formed and says where it broke', async () => {
    const broken = doc(formationXml(sample())).replace('</intitule-formation>', '</intitule>');
    const error = await parse(broken).catch((e) => e);
    expect(error).toBeInstanceOf(LheoFileError);
    expect(error.line).toBeGreaterThan(0);
    expect(error.message).toMatch(/mal formé.*ligne \d+, colonne \d+/);
  });

  it('refuses DOCTYPE, hence external entities and entity bombs, before reading any record', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY x SYSTEM "file:///etc/passwd">]><lheo><offres>&x;</offres></lheo>`;
    await expect(parse(xxe)).rejects.toThrow(/DOCTYPE refusée/);
    const bomb = `<?xml version="1.0"?><!DOCTYPE lheo [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><lheo>&b;</lheo>`;
    await expect(parse(bomb)).rejects.toThrow(/DOCTYPE refusée/);
    await expect(parse('<lheo><offres>&foo;</offres></lheo>')).rejects.toThrow(LheoFileError);
  });

  it('decodes ISO-8859-1 when declared, and refuses bytes that contradict the declared UTF-8', async () => {
    const text = doc(formationXml({ ...sample(), title: "Préparation à l'emploi : électricité" })).replace(
      /[^\n\u0020-\u00ff]/g,
      '-',
    );
    const latin1 = Buffer.from(text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), 'latin1');
    const { results } = await parse(latin1);
    expect(results[0]?.formation?.title).toBe("Préparation à l'emploi : électricité");
    await expect(parse(Buffer.from(text, 'latin1'))).rejects.toThrow(/Octets invalides/);
    await expect(parse(text.replace('UTF-8', 'EBCDIC'))).rejects.toThrow(/non pris en charge/);
  });

  it('refuses a root that is not <lheo> and an empty file', async () => {
    await expect(parse('<catalogue/>')).rejects.toThrow(/racine/);
    await expect(parse('')).rejects.toThrow(LheoFileError);
  });

  it('counts formations, actions and sessions in constant memory', async () => {
    const f = sample();
    const { scan } = await parse(doc(formationXml(f), formationXml({ ...f, number: 'B' })));
    expect(scan).toMatchObject({
      formations: 2,
      actions: 2 * f.actions.length,
      sessions: 2 * f.actions.reduce((n, a) => n + a.sessions.length, 0),
    });
  });
});

describe('LHÉO records', () => {
  it('rejects each invalid record with its line, element and reason, and keeps the rest', async () => {
    const good = sample();
    const session = good.actions[0]!.sessions[0]!;
    const xml = doc(
      formationXml(good),
      formationXml({ ...good, number: 'ROME-INCONNU', romeCodes: ['Z9999'] }),
      formationXml({
        ...good,
        number: 'SESSION-INVERSEE',
        actions: [
          {
            ...good.actions[0]!,
            sessions: [
              { ...session, start: '2027-03-01', end: '2027-01-01' },
              { ...session, number: 'ok' },
            ],
          },
        ],
      }),
      formationXml({
        ...good,
        number: 'PLACES-NEGATIVES',
        actions: [{ ...good.actions[0]!, funders: [{ code: '2', places: -3, extras: [] }] }],
      }),
      formationXml({
        ...good,
        number: 'FINANCEUR-INCONNU',
        actions: [{ ...good.actions[0]!, funders: [{ code: '99', places: 3, extras: [] }] }],
      }),
      formationXml({
        ...good,
        number: 'SIRET-FAUX',
        provider: { ...good.provider, siret: '12345678901234' },
      }),
    );
    const { results } = await parse(xml);
    expect(results[0]!.rejections).toEqual([]);
    const reasons = results.slice(1).map((r) => ({
      kept: r.formation !== null,
      r: r.rejections.map((x) => `${x.record} | ${x.element} | ${x.reason}`),
    }));
    expect(reasons[0]).toEqual({
      kept: false,
      r: [expect.stringMatching(/ROME-INCONNU \| code-ROME \| .*Z9999.*inconnu/)],
    });
    expect(reasons[1]!.kept).toBe(true);
    expect(reasons[1]!.r).toEqual([
      expect.stringMatching(/SESSION-INVERSEE \/ action .* \/ session .* \| fin \| .*avant <debut>/),
    ]);
    expect(reasons[2]!.r.join()).toMatch(/PLACES-NEGATIVES.*nb-places-financees.*négative/);
    expect(reasons[3]!.r.join()).toMatch(/FINANCEUR-INCONNU.*code-financeur.*« 99 » inconnu/);
    expect(reasons[4]!.r.join()).toMatch(/SIRET-FAUX.*SIRET.*invalide/);
    for (const r of results.slice(1)) for (const x of r.rejections) expect(x.line).toBeGreaterThan(2);
  });

  it('refuses an OF’s formations published under another SIRET', async () => {
    const f = sample();
    const nodes: XmlNode[] = [];
    await readLheo(bytes(doc(formationXml(f))), (n) => {
      nodes.push(n);
    });
    const mapped = mapFormation(nodes[0]!, { ...context, restrictToSiret: '13002526500013' });
    expect(mapped.formation).toBeNull();
    expect(mapped.rejections[0]!.reason).toMatch(/pas celui de votre organisme/);
  });

  it('round trip: import(export(x)) gives back x', async () => {
    const text = fc.string({ minLength: 1, maxLength: 40 }).filter(
      // XML 1.0 forbids control characters and lone surrogates in text: the generator avoids them.
      (s) =>
        s.trim() === s &&
        s.trim().length > 0 &&
        [...s].every(
          (c) => c.codePointAt(0)! >= 0x20 && c !== '\ufffe' && c !== '\uffff' && !/\p{Cs}/u.test(c),
        ),
    );
    const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
    /** Text of 3 to n characters (a phone fits <numtel>'s 25, an e-mail <courriel>'s 3 to 160). */
    const short = (n: number) => text.filter((t) => t.length >= 3 && t.length <= n);
    const stamps = fc.record({
      createdOn: fc.option(digits(8), { nil: null }),
      updatedOn: fc.option(digits(8), { nil: null }),
    });
    const escapeText = (t: string) =>
      t.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
    /** <extras> as a Carif writes them: CPF eligibility, a funding programme, nested extras. */
    const extras = fc.array(
      fc
        .tuple(fc.constantFrom('cpf', 'programme-financeur', 'FLUX-CARIF'), text, fc.boolean())
        .map(([info, value, nested]) =>
          nested
            ? `<extras info="${info}"><extras info="detail"><extra info="valeur">${escapeText(value)}</extra></extras></extras>`
            : `<extras info="${info}"><extra info="${info}">${escapeText(value)}</extra></extras>`,
        ),
      { maxLength: 2 },
    );
    const address = fc
      .record({
        lines: fc.array(text, { minLength: 1, maxLength: 3 }),
        postalCode: digits(5),
        city: text.map((s) => s.slice(0, 50)),
        inseeCode: fc.constantFrom(null, '69123', '38185'),
        latitude: fc.option(
          // Within a few km of the commune's point (Lyon): farther ones are replaced by it (rules.ts).
          fc.double({ min: 45.7, max: 45.82, noNaN: true }).map((x) => x + 0),
          { nil: null },
        ),
        longitude: fc.option(
          fc.double({ min: 4.75, max: 4.91, noNaN: true }).map((x) => x + 0),
          { nil: null },
        ),
        department: fc.option(fc.constantFrom('69', '2A', '974'), { nil: null }),
        region: fc.option(fc.constantFrom('84', '11'), { nil: null }),
        country: fc.option(fc.constant('FR'), { nil: null }),
      })
      .map((a) =>
        a.latitude === null || a.longitude === null ? { ...a, latitude: null, longitude: null } : a,
      );
    const reachable = {
      civility: fc.option(fc.constantFrom('Madame', 'Monsieur'), { nil: null }),
      name: fc.option(text, { nil: null }),
      firstName: fc.option(text, { nil: null }),
      phone: fc.option(short(25), { nil: null }),
      mobile: fc.option(short(25), { nil: null }),
      fax: fc.option(short(25), { nil: null }),
      email: fc.option(short(40), { nil: null }),
      web: fc.option(short(40), { nil: null }),
    };
    const contact = fc.record({ ...reachable, address: fc.option(address, { nil: null }) });
    // The organisation's address is its own field: its coordinates carry phones and web only.
    const coordinates = fc.record({ ...reachable, address: fc.constant(null) });
    const date = fc
      .integer({ min: 0, max: 3000 })
      .map((d) => new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10));
    const session = fc
      .record({
        number: text,
        start: date,
        days: fc.integer({ min: 0, max: 400 }),
        recruitmentState: fc.constantFrom('1' as const, '2' as const, '3' as const),
        placesTotal: fc.option(fc.integer({ min: 20, max: 40 }), { nil: null }),
        placesRemaining: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
        registrationAddress: address,
        registrationPeriod: fc.option(
          fc.record({ start: fc.option(date, { nil: null }), end: fc.option(date, { nil: null }) }),
          { nil: null },
        ),
        extras,
        stamps,
      })
      .map(({ days, ...s }) => ({
        ...s,
        end: new Date(Date.parse(s.start) + days * 86400000).toISOString().slice(0, 10),
      }));
    const action = fc.record({
      number: text,
      rhythm: text,
      publicCodes: fc.array(digits(5), { minLength: 1, maxLength: 2 }),
      publicInfo: fc.option(text, { nil: null }),
      entryLevelRequired: fc.boolean(),
      alternance: text,
      teachingMode: fc.constantFrom('0', '1', '2'),
      specificConditions: text,
      fundingPossible: fc.boolean(),
      place: fc.option(
        fc
          .tuple(address, fc.option(text, { nil: null }), coordinates)
          .map(([a, name, c]) => ({ ...a, name, phone: c.phone, email: c.email, web: c.web })),
        { nil: null },
      ),
      entriesExits: fc.constantFrom('0', '1'),
      url: fc.option(short(40), { nil: null }),
      informationAddress: fc.option(address, { nil: null }),
      languages: fc.array(fc.constantFrom('FR', 'EN', 'DE'), { maxLength: 2 }),
      recruitmentArea: fc.option(fc.constantFrom('0', '3', '6'), { nil: null }),
      recruitmentAreaInfo: fc.option(text, { nil: null }),
      indicativeDuration: fc.option(text, { nil: null }),
      hoursTotal: fc.option(fc.nat(3000), { nil: null }),
      contracted: fc.option(fc.boolean(), { nil: null }),
      contractedHours: fc.option(fc.nat(3000), { nil: null }),
      trainers: fc.array(
        fc.record({
          number: fc.option(text, { nil: null }),
          siret: fc.constant(sample().provider.siret),
          legalName: text,
          contact: fc.option(contact, { nil: null }),
          potential: fc.array(digits(5), { maxLength: 2 }),
          extras,
        }),
        { maxLength: 2 },
      ),
      extras,
      stamps,
      sessions: fc.uniqueArray(session, { minLength: 1, maxLength: 3, selector: (s) => s.number }),
      disabilityAccess: fc.option(text, { nil: null }),
      recruitmentTerms: fc.option(text, { nil: null }),
      priceHourly: fc.option(
        fc.integer({ min: 0, max: 99999 }).map((c) => c / 100),
        { nil: null },
      ),
      priceTotal: fc.option(
        fc.integer({ min: 0, max: 9999999 }).map((c) => c / 100),
        { nil: null },
      ),
      hoursCentre: fc.option(fc.nat(3000), { nil: null }),
      hoursCompany: fc.option(fc.nat(3000), { nil: null }),
      funders: fc.uniqueArray(
        fc.record({
          code: fc.constantFrom('2', '4', '7', '10', '16', '17', '20'),
          places: fc.option(fc.nat(50), { nil: null }),
          extras,
        }),
        { maxLength: 3, selector: (f) => f.code },
      ),
    });
    const formation = fc
      .record({
        number: text,
        formacodes: fc.array(digits(5), { maxLength: 2 }),
        nsfCodes: fc.array(digits(3), { maxLength: 2 }),
        romeCodes: fc.array(fc.constantFrom('F1602', 'J1501', 'N1103'), { maxLength: 2 }),
        title: text,
        objective: text,
        expectedResults: text,
        content: text,
        certifying: fc.boolean(),
        contact,
        courseType: fc.constantFrom('1', '2', '3', '4'),
        entryLevel: fc.constantFrom('0', '13', '14'),
        rncpCode: fc.option(digits(5), { nil: null }),
        rsCode: fc.option(digits(4), { nil: null }),
        certifinfoCode: fc.option(digits(6), { nil: null }),
        generalObjective: fc.option(fc.constantFrom('6', '7', '9'), { nil: null }),
        exitLevel: fc.option(fc.constantFrom('13', '15'), { nil: null }),
        url: fc.option(short(40), { nil: null }),
        actions: fc.uniqueArray(action, { minLength: 1, maxLength: 3, selector: (a) => a.number }),
        provider: fc.record({
          number: fc.option(text, { nil: null }),
          siret: fc.constant(sample().provider.siret),
          activityNumber: digits(11),
          name: text,
          legalName: text,
          address,
          contact,
          coordinates,
          specificInfo: fc.option(text, { nil: null }),
          potential: fc.array(digits(5), { maxLength: 2 }),
          extras,
        }),
        extras,
        stamps,
        principal: fc.boolean(),
      })
      .map(({ principal, ...f }) => ({
        ...f,
        // The principal Formacode is one of the formation's codes (tag="principal"), or none.
        mainFormacode: principal ? (f.formacodes[0] ?? null) : null,
      }));
    const canonical = (f: LheoFormation): LheoFormation => ({
      ...f,
      actions: [...f.actions]
        .sort((a, b) => (a.number < b.number ? -1 : 1))
        .map((a) => ({
          ...a,
          sessions: [...a.sessions].sort((x, y) => (x.number < y.number ? -1 : 1)),
          funders: [...a.funders].sort((x, y) => Number(x.code) - Number(y.code)),
        })),
    });
    const written: string[] = [];
    await fc.assert(
      fc.asyncProperty(formation, async (x) => {
        const xml = formationXml(x as LheoFormation);
        written.push(xml);
        const { results } = await parse(doc(xml));
        expect(results[0]!.rejections).toEqual([]);
        expect(results[0]!.formation).toEqual(canonical(x as LheoFormation));
      }),
      { numRuns: 150 },
    );
    // Every formation written above is valid LHÉO 2.3 too (one document: one schema compilation).
    expect(await lheoXsdErrors(doc(...written))).toEqual([]);
  });
});

describe('LHÉO numbers and dates (rules.ts)', () => {
  type Patch = { action?: Partial<LheoAction>; session?: Partial<LheoSession> };
  const f = sample();
  const a0 = f.actions[0]!;
  const s0 = a0.sessions[0]!;
  const place = { ...s0.registrationAddress, name: 'Site', phone: null, email: null, web: null };
  /** Each numeric element, how to set it, and the record a value past its bound rejects. */
  const cases: {
    field: keyof typeof NUMERIC_FIELDS;
    at: number;
    past: number[];
    set: (v: number) => Patch;
  }[] = [
    {
      field: 'nombre-heures-centre',
      at: 99_999,
      past: [100_000, 1e20],
      set: (v) => ({ action: { hoursCentre: v } }),
    },
    {
      field: 'nombre-heures-entreprise',
      at: 99_999,
      past: [100_000],
      set: (v) => ({ action: { hoursCompany: v } }),
    },
    {
      field: 'nb-places-financees',
      at: 99_999,
      past: [100_000, 99_999_999_999],
      set: (v) => ({ action: { funders: [{ code: '2', places: v, extras: [] }] } }),
    },
    {
      field: 'prix-horaire-TTC',
      at: 999_999,
      // Not 999 999,01: the schema allows 6 characters, so the writer writes it 999999 (at the bound).
      past: [1_000_000, 1e20],
      set: (v) => ({ action: { priceHourly: v } }),
    },
    {
      field: 'prix-total-TTC',
      at: 9_999_999_999,
      // Not 9 999 999 999,01: the schema allows 10 characters, so the writer writes 9999999999.
      past: [10_000_000_000, 1e20],
      set: (v) => ({ action: { priceTotal: v } }),
    },
    {
      field: 'latitude',
      at: 90,
      past: [90.000001],
      set: (v) => ({ action: { place: { ...place, latitude: v, longitude: 4.8 } } }),
    },
    {
      field: 'longitude',
      at: 180,
      past: [180.5],
      set: (v) => ({ action: { place: { ...place, latitude: 45, longitude: v } } }),
    },
    {
      field: 'places-totales',
      at: 99_999,
      past: [100_000, 99_999_999_999],
      set: (v) => ({ session: { placesTotal: v, placesRemaining: null } }),
    },
    {
      field: 'places-restantes',
      at: 99_999,
      past: [100_000],
      set: (v) => ({ session: { placesTotal: null, placesRemaining: v } }),
    },
  ];
  /** A formation with a good action and one carrying the patch (in its second session, if a session's). */
  const withPatch = (p: Patch, number = 'F'): LheoFormation => ({
    ...f,
    number,
    actions: [
      { ...a0, number: 'BON' },
      {
        ...a0,
        number: 'BORNE',
        ...p.action,
        sessions: [
          { ...s0, number: 'S1' },
          { ...s0, number: 'S2', ...p.session },
        ],
      },
    ],
  });
  const mapOne = async (formation: LheoFormation) => (await parse(doc(formationXml(formation)))).results[0]!;

  it.each(cases)(
    '<$field> at its bound is kept; just past it, only its record is rejected, naming the bound',
    async (c) => {
      const at = await mapOne(withPatch(c.set(c.at)));
      expect(at.rejections).toEqual([]);
      const kept = at.formation!.actions.find((a) => a.number === 'BORNE')!;
      const patch = c.set(c.at);
      if (patch.session) expect(kept.sessions.find((s) => s.number === 'S2')).toMatchObject(patch.session);
      else if (c.field === 'latitude' || c.field === 'longitude') {
        // In range, but far from the commune (rules.ts, FAR_COORDINATES_KM): its point replaces
        // them, and the report says so.
        expect(kept.place).toMatchObject({ latitude: 45.76, longitude: 4.83 });
        expect(at.warnings.map((w) => w.reason).join('\n')).toMatch(/<geolocalisation> à \d+ km .*remplacée/);
      } else expect(kept).toMatchObject(patch.action!);
      for (const value of c.past) {
        const past = await mapOne(withPatch(c.set(value)));
        // The formation stays, and so does every record but the faulty one.
        expect(past.formation).not.toBeNull();
        const actions = past.formation!.actions;
        if (patch.session) {
          expect(actions.map((a) => a.number)).toEqual(['BON', 'BORNE']);
          expect(actions[1]!.sessions.map((s) => s.number)).toEqual(['S1']);
        } else expect(actions.map((a) => a.number)).toEqual(['BON']);
        expect(past.rejections).toHaveLength(1);
        const r = past.rejections[0]!;
        expect(r.record).toBe(
          patch.session ? 'formation F / action BORNE / session S2' : 'formation F / action BORNE',
        );
        expect(r.element).toBe(patch.session ? 'extra' : c.field);
        const bound = new Intl.NumberFormat('fr-FR').format(NUMERIC_FIELDS[c.field].max);
        expect(r.reason).toContain(`<${c.field}> : `);
        expect(r.reason).toContain(`dépasse le maximum ${bound}`);
        expect(r.line).toBeGreaterThan(2);
      }
    },
  );

  it('adds up the places of a funder listed twice and keeps the sum within the bound', async () => {
    const at = await mapOne(
      withPatch({
        action: {
          funders: [
            { code: '2', places: 50_000, extras: [] },
            { code: '2', places: 49_999, extras: [] },
          ],
        },
      }),
    );
    expect(at.formation!.actions.find((a) => a.number === 'BORNE')!.funders).toEqual([
      { code: '2', places: 99_999, extras: [] },
    ]);
    const past = await mapOne(
      withPatch({
        action: {
          funders: [
            { code: '2', places: 50_000, extras: [] },
            { code: '2', places: 50_000, extras: [] },
          ],
        },
      }),
    );
    expect(past.formation!.actions.map((a) => a.number)).toEqual(['BON']);
    expect(past.rejections[0]!.reason).toMatch(/nb-places-financees.*100000 places.*maximum 99\u202f999/);
  });

  it('keeps dates PostgreSQL can store: 1900-01-01 to 9999-12-31', async () => {
    const at = await mapOne(withPatch({ session: { start: '1900-01-01', end: '9999-12-31' } }));
    expect(at.rejections).toEqual([]);
    for (const start of ['0000-01-01', '1899-12-31']) {
      const past = await mapOne(withPatch({ session: { start } }));
      expect(past.formation!.actions[1]!.sessions.map((s) => s.number)).toEqual(['S1']);
      expect(past.rejections.map((r) => `${r.record} | ${r.element} | ${r.reason}`)).toEqual([
        expect.stringMatching(/session S2 \| debut \| .*hors des bornes \(du 01\/01\/1900 au 31\/12\/9999\)/),
      ]);
    }
  });

  it('cuts a hostile value short in the rejection', async () => {
    const past = await mapOne(withPatch({ action: { hoursCentre: Number('9'.repeat(300)) } }));
    expect(past.rejections[0]!.reason.length).toBeLessThan(200);
  });
});

describe('LHÉO reader bounds (guard.ts): a memory bomb is refused while it streams', () => {
  const CHUNK = 64 * 1024;
  /** `head`, then `body` repeated up to 400 MB, in 64 KB chunks, counting what the reader pulled. */
  const bomb = (head: string, body: string, tail = '') => {
    const counter = { bytes: 0 };
    async function* stream() {
      const unit = Buffer.from(body.repeat(Math.floor(CHUNK / body.length)));
      const first = Buffer.from(head);
      counter.bytes += first.length;
      yield first;
      while (counter.bytes < 400e6) {
        counter.bytes += unit.length;
        yield unit;
      }
      yield Buffer.from(tail);
    }
    return { stream: stream(), counter };
  };
  const refuse = async (head: string, body: string) => {
    const { stream, counter } = bomb(head, body);
    const error = await readLheo(stream, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LheoFileError);
    return { error: error as LheoFileError, bytes: counter.bytes };
  };
  const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';
  const cases: { kind: string; head: string; body: string; bound: number; message: RegExp }[] = [
    {
      kind: 'deep nesting',
      head: `${XML}<lheo><offres>`,
      body: '<a>',
      bound: READER_LIMITS.depth * 3,
      message: /^Plus de 100 éléments imbriqués dans <a> \(ouverture de <a>\) \(ligne 2, colonne \d+\)$/,
    },
    {
      kind: 'text',
      head: `${XML}<lheo><offres>`,
      body: 'a',
      bound: READER_LIMITS.textRun,
      message:
        /^Texte de plus de 1 000 000 caractères dans <offres> : fichier refusé par sécurité \(ligne 2, colonne 14\)$/,
    },
    {
      kind: 'text made of entities',
      head: `${XML}<lheo><offres>`,
      body: '&amp;',
      bound: READER_LIMITS.textRun,
      message: /^Texte de plus de 1 000 000 caractères dans <offres>/,
    },
    {
      kind: 'CDATA',
      head: `${XML}<lheo><offres><formation numero="1"><intitule-formation><![CDATA[`,
      body: 'a',
      bound: READER_LIMITS.cdata,
      message:
        /^Section CDATA de plus de 1 000 000 caractères dans <intitule-formation> .*\(ligne 2, colonne 56\)$/,
    },
    {
      kind: 'comment',
      head: `${XML}<lheo>\n<!--`,
      body: 'x',
      bound: READER_LIMITS.comment,
      message: /^Commentaire de plus de 100 000 caractères dans <lheo> .*\(ligne 3, colonne 0\)$/,
    },
    {
      kind: 'attributes without end',
      head: `${XML}<lheo><offres><formation `,
      body: 'a="1" ',
      bound: READER_LIMITS.markup,
      message: /^Balise <formation> de plus de 100 000 caractères \(attributs trop nombreux ou trop longs\)/,
    },
    {
      kind: 'one endless attribute value',
      head: `${XML}<lheo><offres><formation numero="`,
      body: 'a',
      bound: READER_LIMITS.markup,
      message: /^Balise <formation> de plus de 100 000 caractères/,
    },
    {
      kind: 'processing instruction',
      head: `${XML}<lheo><?pi `,
      body: 'x',
      bound: READER_LIMITS.markup,
      message: /^Instruction de traitement de plus de 100 000 caractères/,
    },
    {
      kind: 'DOCTYPE',
      head: `${XML}<!DOCTYPE lheo [`,
      body: '<!-- x -->',
      bound: READER_LIMITS.markup,
      message: /^Déclaration de plus de 100 000 caractères/,
    },
    {
      kind: 'one formation of many long texts',
      head: `${XML}<lheo><offres><formation numero="1">`,
      body: `<contenu-formation>${'a'.repeat(5000)}</contenu-formation>`,
      bound: READER_LIMITS.formationChars,
      message:
        /^Formation démesurée : plus de 2 000 000 caractères de texte et d’attributs dans <contenu-formation>/,
    },
    {
      kind: 'one element’s text cut by comments',
      head: `${XML}<lheo><offres><formation numero="1"><contenu-formation>`,
      body: `${'a'.repeat(1000)}<!---->`,
      bound: READER_LIMITS.elementText,
      message: /^Texte de plus de 100 000 caractères dans <contenu-formation>/,
    },
  ];
  it.each(cases)('refuses $kind after reading little more than its bound', async (c) => {
    const { error, bytes } = await refuse(c.head, c.body);
    expect(error.message.replace(/\u202f/g, ' ')).toMatch(c.message);
    expect(error.line).toBeGreaterThan(0);
    // What was pulled from the stream: the bound (in bytes, one per character here) and two chunks.
    expect(bytes).toBeLessThanOrEqual(c.bound + 2 * CHUNK + c.head.length);
  });

  it('refuses too many attributes, or one too long, on a tag that ends', async () => {
    const attrs = Array.from({ length: 101 }, (_, i) => `a${i}="1"`).join(' ');
    await expect(parse(`<lheo><offres ${attrs}/></lheo>`)).rejects.toThrow(
      /^Plus de 100 attributs sur <offres> \(ligne 1/,
    );
    await expect(parse(`<lheo><offres x="${'a'.repeat(10_001)}"/></lheo>`)).rejects.toThrow(
      /^Attribut « x » de plus de 10.000 caractères sur <offres>/,
    );
    expect(
      (await parse(`<lheo><offres ${attrs.replace(/ a9[89]="1"/g, '')} x="${'a'.repeat(10_000)}"/></lheo>`))
        .scan.formations,
    ).toBe(0);
  });

  it('reads a file at every bound (real feeds stay far below them)', async () => {
    const depth = READER_LIMITS.depth - 2;
    const xml = `<lheo><offres>${'<e>'.repeat(depth)}${'</e>'.repeat(depth)}<x>${'a'.repeat(READER_LIMITS.textRun)}</x><!--${'c'.repeat(READER_LIMITS.comment - 7)}--><y><![CDATA[${'d'.repeat(READER_LIMITS.cdata - 12)}]]></y></offres></lheo>`;
    const nodes: XmlNode[] = [];
    await readLheo(bytes(xml, 64 * 1024), (n) => {
      nodes.push(n);
    });
    const f = sample();
    // The real samples, and a generated formation, read as before.
    for (const file of ['intercarif-afpa-plaquiste.xml', 'intercarif-daeu.xml', 'intercarif-poec.xml']) {
      const found: XmlNode[] = [];
      await readLheo(bytes(readFileSync(`/work/shared/data/lheo/samples/${file}`), 4096), (n) => {
        found.push(n);
      });
      expect(found).toHaveLength(1);
    }
    expect((await parse(doc(formationXml(f)))).results[0]!.formation).toEqual(f);
  });
});

describe('LHÉO encodings: bytes that contradict the declaration are refused, saying what they look like', () => {
  const title = 'Électricité : l’œuvre';
  /** One byte per character; what the encoding cannot hold (faker's typography elsewhere) becomes « ? ». */
  const oneByte = (s: string, special: Record<string, number>) =>
    Buffer.from([...s].map((c) => special[c] ?? (c.charCodeAt(0) > 0xff ? 0x3f : c.charCodeAt(0))));
  const xml = (declaration: string) =>
    doc(formationXml({ ...sample(), title })).replace('<?xml version="1.0" encoding="UTF-8"?>', declaration);
  const decl = (encoding: string) => `<?xml version="1.0" encoding="${encoding}"?>`;
  const titleOf = async (file: Uint8Array) => (await parse(file)).results[0]!.formation!.title;

  it('refuses UTF-8 bytes declared ISO-8859-1 or Windows-1252 (mojibake), naming UTF-8 and where', async () => {
    for (const encoding of ['ISO-8859-1', 'windows-1252', 'iso-8859-15']) {
      const error = await parse(Buffer.from(xml(decl(encoding)))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LheoFileError);
      expect((error as LheoFileError).message).toMatch(
        new RegExp(
          `^Le fichier déclare l’encodage « ${encoding.toUpperCase()} » mais ses octets sont en UTF-8 \\(« . » deviendrait « .+ »\\) : corrigez la déclaration`,
        ),
      );
      expect((error as LheoFileError).line).toBeGreaterThan(2);
    }
  });

  it('reads ISO-8859-1 as Windows-1252 (’ œ € from Windows tools), and ISO-8859-15 as itself', async () => {
    const cp1252 = (s: string) => oneByte(s, { '’': 0x92, œ: 0x9c, '€': 0x80 });
    expect(await titleOf(cp1252(xml(decl('ISO-8859-1'))))).toBe(title);
    expect(await titleOf(cp1252(xml(decl('windows-1252'))))).toBe(title);
    const latin9 = oneByte(xml(decl('ISO-8859-15')).replace(title, 'Prix en €, cœur'), {
      '€': 0xa4,
      œ: 0xbd,
    });
    expect(await titleOf(latin9)).toBe('Prix en €, cœur');
  });

  it('reads UTF-8 with a byte order mark, and refuses it when the declaration says otherwise', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(await titleOf(Buffer.concat([bom, Buffer.from(xml(decl('UTF-8')))]))).toBe(title);
    expect(await titleOf(Buffer.concat([bom, Buffer.from(xml(''))]))).toBe(title);
    await expect(parse(Buffer.concat([bom, Buffer.from(xml(decl('ISO-8859-1')))]))).rejects.toThrow(
      /déclare l’encodage « ISO-8859-1 » mais commence par la marque UTF-8.*semblent en UTF-8/,
    );
  });

  it('names UTF-16 (and its byte order) for a UTF-16 file with or without a byte order mark', async () => {
    const text = xml(decl('UTF-16'));
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    await expect(parse(le)).rejects.toThrow(/^Fichier en UTF-16 petit-boutiste \(UTF-16LE, sans marque/);
    await expect(parse(be)).rejects.toThrow(/^Fichier en UTF-16 gros-boutiste \(UTF-16BE, sans marque/);
    await expect(parse(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).rejects.toThrow(
      /^Fichier en UTF-16 \(marque/,
    );
    await expect(parse(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).rejects.toThrow(
      /^Fichier en UTF-16 \(marque/,
    );
    await expect(parse(Buffer.from('<lheo/>', 'utf16le'))).rejects.toThrow(/UTF-16LE/);
  });

  it('says where ISO-8859-1 bytes break a file declared UTF-8', async () => {
    const error = await parse(Buffer.from(xml(decl('UTF-8')), 'latin1')).catch((e: unknown) => e);
    expect((error as LheoFileError).message).toMatch(
      /^Octets invalides en UTF-8.*ISO-8859-1 ou Windows-1252/,
    );
    expect((error as LheoFileError).line).toBeGreaterThan(2);
  });
});
