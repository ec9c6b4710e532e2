import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines } from '../../../test/databases.js';
import { sampleService, sampleStructure } from '../../../test/directory-fixtures.js';
import type { Db } from '../../db/database.js';
import { ENUMS } from './enums.js';
import { recordsRepository } from './records-repository.js';
import { checkService, checkStructure, enumsOfSchema } from './schema-check.js';

describe('data·inclusion schema checks', () => {
  it('accepts a valid structure and service', () => {
    expect(checkStructure(sampleStructure())).toEqual([]);
    expect(checkService(sampleService())).toEqual([]);
  });

  it('names every faulty field of a record, once each, in French', () => {
    const problems = checkService({
      ...sampleService(),
      thematiques: ['logement-hebergement--louer-un-logement', 'logement'],
      frais: 'cher',
      courriel: 'pas-un-courriel',
      date_maj: '2026-02-30',
      nom: undefined,
    });
    expect(problems.map((p) => p.field).sort()).toEqual([
      'courriel',
      'date_maj',
      'frais',
      'nom',
      'thematiques',
    ]);
    expect(problems.find((p) => p.field === 'frais')!.message).toContain('« cher »');
    expect(problems.find((p) => p.field === 'thematiques')!.message).toContain('« logement »');
    expect(problems.find((p) => p.field === 'nom')!.message).toBe('champ obligatoire absent');
  });

  it('refuses a SIRET whose check digit is wrong, and an INSEE code of the wrong shape', () => {
    const problems = checkStructure({ ...sampleStructure(), siret: '21690123100012', code_insee: '6912' });
    expect(problems).toEqual(
      expect.arrayContaining([
        { field: 'siret', message: expect.stringContaining('clé de contrôle') },
        { field: 'code_insee', message: expect.stringContaining('5 caractères') },
      ]),
    );
  });

  it('labels come from the same enumerations as the schema', () => {
    const schemaEnums = enumsOfSchema();
    for (const [name, values] of Object.entries(ENUMS))
      expect(values.map((v) => v.value).sort(), name).toEqual([...(schemaEnums[name] ?? [])].sort());
  });
});

describe.each(testEngines())('directory records on %s', (engine) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase(engine));
  });
  afterAll(async () => drop());

  it('writes by producer and id: the same record twice is unchanged, a change updates', async () => {
    const records = recordsRepository(db);
    const s = await records.writeStructure(db, sampleStructure());
    expect(s.outcome).toBe('created');
    expect((await records.writeStructure(db, sampleStructure())).outcome).toBe('unchanged');
    const v = await records.writeService(db, sampleService(), s.uuid);
    expect(v.outcome).toBe('created');
    expect((await records.writeService(db, sampleService(), s.uuid)).outcome).toBe('unchanged');
    expect(
      (await records.writeService(db, sampleService({ nom: 'Accès au logement' }), s.uuid)).outcome,
    ).toBe('updated');
    const stored = await records.service(v.uuid);
    expect(stored).toMatchObject({ nom: 'Accès au logement', structure_id: 'dora--ccas-lyon', version: 2 });
  });

  it('searches a service at its structure’s point, its department from the commune, its words in the vocabulary', async () => {
    const records = recordsRepository(db);
    const s = await records.writeStructure(db, sampleStructure({ id: 'dora--s2' }));
    const v = await records.writeService(
      db,
      sampleService({ id: 'dora--v2', structure_id: 'dora--s2' }),
      s.uuid,
    );
    const row = await db
      .selectFrom('directory_service')
      .select(['place_latitude', 'place_longitude', 'place_department'])
      .where('id', '=', v.uuid)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ place_latitude: 45.767, place_longitude: 4.836, place_department: '69' });
    // The French stem of « logement », as a search for it is analysed.
    const words = await db
      .selectFrom('directory_word')
      .select('word')
      .where('word', 'in', (eb) =>
        eb
          .selectFrom(sql`unnest(to_tsvector('french', 'logement'))`.as('t'))
          .select(sql<string>`lexeme`.as('lexeme')),
      )
      .execute();
    expect(words).toHaveLength(1);
    // Moving the structure moves the services searched at its place.
    await records.writeStructure(
      db,
      sampleStructure({ id: 'dora--s2', latitude: 45.75, code_insee: '69266' }),
    );
    const moved = await db
      .selectFrom('directory_service')
      .select(['place_latitude', 'place_department'])
      .where('id', '=', v.uuid)
      .executeTakeFirstOrThrow();
    expect(moved).toEqual({ place_latitude: 45.75, place_department: '69' });
  });
});
