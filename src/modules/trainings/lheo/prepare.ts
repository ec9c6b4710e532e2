import { createHash } from 'node:crypto';
import { type CommuneReferential, communeResolver } from './communes.js';
import { type MappingContext, mapFormation, type ResolvedPlace } from './map.js';
import type { LheoFormation, Rejection, Warning } from './model.js';
import type { XmlNode } from './reader.js';

export type { CommunePoint } from './communes.js';

/** The referentials an import checks codes against (they travel to the parsing thread). */
export interface ImportReferentials extends CommuneReferential {
  romeCodes: Set<string>;
}

/** A formation ready to write, with the hash that tells a re-import it has not changed. */
export interface PreparedFormation {
  formation: LheoFormation;
  hash: string;
  /** Where each action takes place (same order as its actions), resolved against the communes. */
  places: (ResolvedPlace | null)[];
  /** Characters of the formation (as JSON): the importer writes a batch before it grows too large. */
  size: number;
}

export function mappingContext(
  refs: ImportReferentials,
  restrictToSiret: string | null = null,
): MappingContext {
  const resolveCommune = communeResolver(refs);
  return {
    isRomeCode: (code) => refs.romeCodes.has(code),
    isCommune: (code) => refs.communes.has(code),
    restrictToSiret,
    resolveCommune,
    resolvePlace(address) {
      // The address was resolved when it was read (map.ts): its code is today's, its point checked.
      const found = resolveCommune(address);
      if ('error' in found) return null;
      return {
        communeCode: found.code,
        department: found.point.department,
        latitude: address.latitude ?? found.point.latitude,
        longitude: address.longitude ?? found.point.longitude,
      };
    },
  };
}

/**
 * Maps each <formation> of a file in turn: the valid ones with their hash, the rejections and the
 * warnings, and a formation number seen twice rejected the second time.
 */
export function formationPreparer(context: MappingContext) {
  const seen = new Set<string>();
  return (
    node: XmlNode,
  ): { prepared: PreparedFormation | null; rejections: Rejection[]; warnings: Warning[] } => {
    const number = node.attrs.numero?.trim() ?? '';
    const mapped = mapFormation(node, context);
    const { warnings } = mapped;
    if (!mapped.formation) return { prepared: null, rejections: mapped.rejections, warnings };
    if (seen.has(number))
      return {
        prepared: null,
        rejections: [
          ...mapped.rejections,
          {
            line: node.line,
            column: node.column,
            element: 'formation',
            record: `formation ${number}`,
            reason: 'numéro de formation déjà présent plus haut dans le fichier',
          },
        ],
        warnings,
      };
    seen.add(number);
    const json = JSON.stringify(mapped.formation);
    return {
      prepared: {
        formation: mapped.formation,
        places: mapped.places,
        hash: createHash('sha1').update(json).digest('base64url'),
        size: json.length,
      },
      rejections: mapped.rejections,
      warnings,
    };
  };
}
