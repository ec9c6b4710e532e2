import type { Kysely } from 'kysely';
import { runScript } from '../script.js';

/**
 * Feed sources become data with an owner (issue 8, hole 3): France Travail could withdraw a
 * training organisation's offer by posting an empty full feed under that organisation's source.
 * A source belongs to the organisation whose import created it, or is a declared Carif-Oref feed
 * (kind carif_oref: the platform's, optionally operated by one organisation); rights.ts says who
 * may import under which.
 *
 * Backfill, from the imports already made: `of-<SIRET>` belongs to the training organisation with
 * that SIRET (whoever imported first, since any feed organisation could type that name before);
 * another source to the organisation of its first completed import (its first import otherwise);
 * a source imported by the CLI or the demo seed (no organisation), 'carif-oref-demo' included,
 * and one known from the catalogue only, is a declared Carif-Oref feed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table lheo_source (
      name text primary key,
      kind text not null check (kind in ('organisation', 'carif_oref')),
      organisation_id uuid references organisation (id),
      created_at timestamptz not null default now(),
      check (kind = 'carif_oref' or organisation_id is not null)
    );
    create index lheo_source_organisation on lheo_source (organisation_id);

    insert into lheo_source (name, kind, organisation_id, created_at)
    select source,
      case when owner is null then 'carif_oref' else 'organisation' end,
      owner, started_at
    from (
      select distinct on (i.source) i.source, i.started_at,
        case
          when i.source = 'carif-oref-demo' then null
          when i.source ~ '^of-[0-9]{14}$' then coalesce(
            (select o.id from organisation o
              where o.siret = substr(i.source, 4) and o.kind = 'organisme_formation' order by o.created_at limit 1),
            i.organisation_id)
          else i.organisation_id
        end as owner
      from lheo_import i
      order by i.source, (i.status = 'done') desc, i.started_at
    ) first_import;

    insert into lheo_source (name, kind)
    select distinct source, 'carif_oref' from training
    on conflict (name) do nothing;
    `,
  );
}
