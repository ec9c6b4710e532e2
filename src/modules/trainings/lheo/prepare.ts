import { createHash } from 'node:crypto';
import { searchForm } from '../../../shared/text.js';
import { type MappingContext, mapFormation, type ResolvedPlace } from './map.js';
import type { LheoAddress, LheoFormation, Rejection } from './model.js';
import type { XmlNode } from './reader.js';

export interface CommunePoint {
  department: string;
  latitude: number;
  longitude: number;
}

/** The referentials an import checks codes against (they travel to the parsing thread). */
export interface ImportReferentials {
  romeCodes: Set<string>;
  communes: Map<string, CommunePoint>;
  /** Postal code → communes (INSEE code, search form of the name): resolves places without an INSEE code. */
  byPostalCode: Map<string, { code: string; name: string }[]>;
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
  return {
    isRomeCode: (code) => refs.romeCodes.has(code),
    isCommune: (code) => refs.communes.has(code),
    restrictToSiret,
    resolvePlace(address: LheoAddress) {
      let code = address.inseeCode;
      if (!code) {
        const candidates = refs.byPostalCode.get(address.postalCode) ?? [];
        const city = searchForm(address.city);
        code = (candidates.find((c) => c.name === city) ?? candidates[0])?.code ?? null;
      }
      const commune = code ? refs.communes.get(code) : undefined;
      if (!code || !commune) return null;
      return {
        communeCode: code,
        department: commune.department,
        latitude: address.latitude ?? commune.latitude,
        longitude: address.longitude ?? commune.longitude,
      };
    },
  };
}

/**
 * Maps each <formation> of a file in turn: the valid ones with their hash, the rejections, and a
 * formation number seen twice rejected the second time.
 */
export function formationPreparer(context: MappingContext) {
  const seen = new Set<string>();
  return (node: XmlNode): { prepared: PreparedFormation | null; rejections: Rejection[] } => {
    const number = node.attrs.numero?.trim() ?? '';
    const mapped = mapFormation(node, context);
    if (!mapped.formation) return { prepared: null, rejections: mapped.rejections };
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
    };
  };
}
