import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/app.js';
import { testEngines } from '../../../test/databases.js';
import { closestByEdits, editDistance } from '../../shared/text.js';
import { pageWindow } from '../../web/pagination.js';
import { DEMO_FEATURED_TRADES } from './demo.js';
import { generateFeed } from './lheo/generate.js';
import { hoursText, nextSessionText, resultCount, searchReturnUrl } from './search-page.js';
import { fundedPlacesTotal, sessionRecruitment } from './training-page.js';

describe('what the search pages say, in words a counsellor can trust', () => {
  const session = { nextStart: '2027-01-04', nextEnd: '2027-06-30', nextState: '1', sessions: 3 };
  it('never shows a session with no place left as « Recrutement ouvert », nor unknown places as 0', () => {
    const full = nextSessionText({ ...session, placesRemaining: 0 }, '2026-11-23');
    expect(full.badge.text).toBe('Complet');
    expect(full.detail).toContain('aucune place restante');
    const unknown = nextSessionText({ ...session, placesRemaining: null }, '2026-11-23');
    expect(unknown.badge.text).toBe('Recrutement ouvert');
    expect(unknown.detail).toContain('places non précisées');
    expect(unknown.detail).not.toMatch(/\b0 place/);
    expect(nextSessionText({ ...session, placesRemaining: 1 }, '2026-11-23').detail).toContain(
      '1 place restante',
    );
    expect(nextSessionText({ ...session, nextState: '2', placesRemaining: 5 }, '2026-11-23').badge.text).toBe(
      'Recrutement fermé',
    );
  });

  it('says when a later session recruits while the next one is full', () => {
    const later = nextSessionText(
      { ...session, placesRemaining: 0, nextOpenStart: '2027-03-01' },
      '2026-11-23',
    );
    expect(later.badge.text).toBe('Complet');
    expect(later.detail).toMatch(/recrutement ouvert pour l’entrée du 1(er)? mars 2027/);
    const none = nextSessionText({ ...session, placesRemaining: 0, nextOpenStart: null }, '2026-11-23');
    expect(none.detail).not.toContain('recrutement ouvert');
  });

  it('says a session that began is under way, never a « next start » in the past', () => {
    const running = nextSessionText({ ...session, placesRemaining: 4 }, '2027-02-01');
    expect(running.detail).toMatch(/^Session en cours : du 4 janvier 2027/);
    expect(nextSessionText({ ...session, placesRemaining: 4 }, '2027-01-04').detail).toMatch(
      /^Prochaine entrée/,
    );
  });

  it('says missing hours are not given, never « ? h » or « 0 h »', () => {
    expect(hoursText(null, null)).toBe('Durée non précisée');
    expect(hoursText(420, null)).toBe('Durée : 420 h en centre, heures en entreprise non précisées');
    expect(hoursText(null, 70)).toBe('Durée : heures en centre non précisées, 70 h en entreprise');
    expect(hoursText(1200, 0)).toBe('Durée : 1\u202f200 h en centre, sans période en entreprise');
  });

  it('never counts unknown funded places as 0', () => {
    expect(fundedPlacesTotal([{ places: 12 }, { places: 10 }])).toBe('22');
    expect(fundedPlacesTotal([{ places: 12 }, { places: null }])).toBe('au moins 12');
    expect(fundedPlacesTotal([{ places: null }])).toBe('non précisé');
    expect(sessionRecruitment({ recruitmentState: '1', placesRemaining: 0 })).toMatch(/^Complet/);
    expect(sessionRecruitment({ recruitmentState: '1', placesRemaining: null })).toBe('Ouvert');
  });

  it('counts « Aucune formation » at zero', () => {
    expect(resultCount(0)).toBe('Aucune formation trouvée');
    expect(resultCount(1)).toBe('1 formation trouvée');
    expect(resultCount(1234)).toBe('1\u202f234 formations trouvées');
  });

  it('numbers the pages around the current one, with the first and the last', () => {
    expect(pageWindow(1, 1)).toEqual([1]);
    expect(pageWindow(1, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(pageWindow(1, 12)).toEqual([1, 2, 3, null, 12]);
    expect(pageWindow(7, 12)).toEqual([1, null, 5, 6, 7, 8, 9, null, 12]);
    // One left-out page is shown, not replaced by « … ».
    expect(pageWindow(4, 12)).toEqual([1, 2, 3, 4, 5, 6, null, 12]);
  });

  it('brings back the same search, and only to the search page', () => {
    expect(searchReturnUrl('q=aide-soignant&commune=Lyon+(69)&radiusKm=30&page=3')).toBe(
      '/formations?q=aide-soignant&commune=Lyon+%2869%29&radiusKm=30&page=3',
    );
    expect(searchReturnUrl('q=cariste&next=https://ailleurs.example&page=1')).toBe('/formations?q=cariste');
    expect(searchReturnUrl(undefined)).toBe('/formations');
    expect(searchReturnUrl(['q=a', 'q=b'])).toBe('/formations');
  });

  it('corrects a typo to the word fewest edits away, a swap of two letters counting one', () => {
    expect(editDistance('electricein', 'electricien')).toBe(1);
    expect(editDistance('electricein', 'electricit')).toBe(2);
    // Trigram similarity ranks « electricit » (electricity) first: the trade must win.
    expect(closestByEdits('electricein', ['electricit', 'electricien', 'electr'])).toBe('electricien');
    expect(closestByEdits('x', [])).toBeNull();
  });
});

describe('the demo catalogue covers its own hint', () => {
  it('adds the featured trades in the biggest towns, open with places, without changing the drawn catalogue', () => {
    const appellations = [
      { code: '10891', label: 'Aide-soignant / Aide-soignante', rome: 'J1501' },
      { code: '11679', label: 'Cariste', rome: 'N1101' },
      { code: '11155', label: 'Boulanger / Boulangère', rome: 'D1102' },
    ];
    const town = (code: string, name: string, population: number) => ({
      code,
      name,
      postalCode: `${code.slice(0, 2)}000`,
      latitude: 45,
      longitude: 4.5,
      population,
    });
    const communes = [
      town('01004', 'Ambérieu-en-Bugey', 14_000),
      town('69123', 'Lyon', 520_000),
      town('42218', 'Saint-Étienne', 170_000),
    ];
    const base = { seed: 3, sessions: 40, appellations, communes, today: '2026-11-23' };
    const drawn = [...generateFeed(base)];
    const all = [...generateFeed({ ...base, featured: { trades: ['aide-soignant', 'Cariste'], towns: 2 } })];
    expect(all.slice(0, drawn.length)).toEqual(drawn);
    const featured = all.slice(drawn.length);
    expect(featured.map((f) => `${f.romeCodes[0]} ${f.actions[0]!.place?.city}`)).toEqual([
      'J1501 Lyon',
      'J1501 Saint-Étienne',
      'N1101 Lyon',
      'N1101 Saint-Étienne',
    ]);
    for (const f of featured) {
      const first = f.actions[0]!.sessions[0]!;
      expect(first.start > base.today).toBe(true);
      expect(first.recruitmentState).toBe('1');
      expect(first.placesRemaining).toBeGreaterThan(0);
    }
  });
});

describe.each(testEngines())('the search pages on %s', (engine) => {
  let t: TestApp;
  let b: Browser;
  beforeAll(async () => {
    t = await createTestApp(engine, { demo: true });
    b = await new Browser(t.app).login('conseiller.missionlocale@passerelle.demo');
  });
  afterAll(() => t.close());

  it('suggests communes for what the commune field sends, and reads the chosen one back', async () => {
    const res = await b.get('/formations/communes-suggerees?commune=Lyo');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<option value="Lyon (69)">');
    const search = await b.get('/formations?q=&commune=Lyon+(69)&radiusKm=30');
    expect(search.statusCode).toBe(200);
    expect(search.body).toMatch(/formations? trouvées? à moins de 30 km de Lyon</);
  });

  it('without JavaScript, answers an unfinished commune with the communes it may be', async () => {
    const res = await b.get('/formations?q=cariste&commune=Lyo&radiusKm=30');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Commune «\u00a0Lyo\u00a0» inconnue');
    expect(res.body).toContain('href="/formations?q=cariste&commune=Lyon+%2869%29&radiusKm=30"');
  });

  it.each(DEMO_FEATURED_TRADES.slice(0, 2).concat(['électricien', 'soudeur']))(
    'finds « %s » trainings around each big town of the demo region, as the hint promises',
    async (trade) => {
      // Lyon, Saint-Étienne, Grenoble, Clermont-Ferrand (the API takes INSEE codes).
      for (const town of ['69123', '42218', '38185', '63113']) {
        const res = await b.api(
          'GET',
          `/api/v1/trainings?q=${encodeURIComponent(trade.split(' / ')[0]!)}&commune=${encodeURIComponent(town)}&radiusKm=30`,
        );
        expect(res.statusCode).toBe(200);
        expect(res.json().total, `${trade} à ${town}`).toBeGreaterThan(0);
      }
    },
  );

  it('corrects « electricein » to a word of the catalogue and keeps the trade', async () => {
    const res = await b.api('GET', '/api/v1/trainings?q=electricein&commune=Lyon&radiusKm=30');
    const body = res.json();
    expect(body.corrections).toEqual([{ from: 'electricein', to: 'electricien' }]);
    expect(body.total).toBeGreaterThan(0);
    for (const item of body.items) expect(item.title).toMatch(/lectricien/i);
    // A stem is never shown: the correction is a word as the catalogue writes it.
    const vocabulary = await sql<{
      word: string;
    }>`select word from training_word where word like 'plaquist%'`.execute(t.db);
    const page = await b.get('/formations?q=electricein');
    expect(page.body).toContain('«\u00a0electricein\u00a0» → «\u00a0electricien\u00a0»');
    expect(vocabulary.rows.every((r) => !page.body.includes(`«\u00a0${r.word}\u00a0»`))).toBe(true);
  });

  it('numbers the result pages, and says « Aucune formation » at zero', async () => {
    const many = await b.get('/formations?commune=Lyon&radiusKm=100');
    expect(many.body).toMatch(
      /class="fr-pagination__link" href="\/formations\?commune=Lyon&radiusKm=100&page=2" title="Page 2"/,
    );
    expect(many.body).toContain('aria-current="page"');
    const none = await b.get('/formations?q=astronaute+sous-marin&commune=Lyon&radiusKm=10');
    expect(none.body).toContain('Aucune formation trouvée à moins de 10 km de Lyon');
  });

  it('carries the search to the training and back, by the breadcrumb', async () => {
    const results = await b.get('/formations?q=cariste&commune=Lyon&radiusKm=30');
    const link = /href="(\/formations\/[0-9a-f-]{36}\?recherche=[^"#]+)#action-/.exec(results.body)?.[1];
    expect(link).toBeDefined();
    const training = await b.get(link!.replaceAll('&amp;', '&'));
    expect(training.statusCode).toBe(200);
    expect(training.body).toContain(
      '<a class="fr-breadcrumb__link" href="/formations?q=cariste&commune=Lyon&radiusKm=30">Résultats de la recherche</a>',
    );
    expect(training.body).toContain('Retour aux résultats');
  });

  it('shows unknown hours and places as such on the training page and its sheet, and the sheet as a person needs it', async () => {
    const { rows } = await sql<{ training_id: string; action_id: string }>`
      select a.training_id, a.id as action_id from training_action a
      join training t on t.id = a.training_id
      where t.status = 'active' and a.status = 'active' order by t.lheo_number limit 1`.execute(t.db);
    const { training_id: id, action_id: actionId } = rows[0]!;
    await sql`update training_action set hours_centre = null, hours_company = null where id = ${actionId}`.execute(
      t.db,
    );
    await sql`update action_funder set places = null where action_id = ${actionId}`.execute(t.db);
    await sql`update training_session set places_remaining = null where action_id = ${actionId}`.execute(
      t.db,
    );
    const page = await b.get(`/formations/${id}`);
    expect(page.body).toContain('Durée non précisée');
    expect(page.body).not.toMatch(/\? h|>0 h/);
    expect(page.body).toContain('places non précisées');
    expect(page.body).toContain('<td>non précisé</td>');

    const sheet = await new Browser(t.app).get(`/formations/${id}/fiche`);
    expect(sheet.statusCode).toBe(200);
    expect(sheet.body).toContain(`href="http://passerelle.test/formations/${id}/fiche"`);
    expect(sheet.body).toMatch(/<svg[^>]*viewBox/);
    expect(sheet.body).toMatch(/href="tel:[\d+]+"/);
    expect(sheet.body).toContain('Imprimer la fiche');
    expect(sheet.body).toContain('Financement\u00a0: ');
    expect(sheet.body).toContain('places non précisées');
    expect(sheet.body).not.toMatch(/SIRET|déclaration d’activité|DEMO-[FAS]\d/);

    // The CSV says so too, instead of « (?) ».
    const { rows: titles } = await sql<{ title: string; lheo_number: string }>`
      select title, lheo_number from training where id = ${id}`.execute(t.db);
    const csv = await b.api('GET', `/api/v1/trainings/export.csv?q=${encodeURIComponent(titles[0]!.title)}`);
    // The first column is the formation's source (issue 9: same number, two sources).
    const line = csv.body.split('\r\n').find((l) => l.includes(`;${titles[0]!.lheo_number};`));
    expect(line).toContain('(places non précisées)');
    expect(csv.body).not.toContain('(?)');
  });
});
