import { createHash } from 'node:crypto';
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';

/** An element of one <formation>, with where it starts in the file for error reports. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
  line: number;
  column: number;
}

/** The file is not well-formed XML, or not LHÉO, or refused for safety: nothing is imported. */
export class LheoFileError extends Error {
  constructor(
    /** What is wrong, without the position. */
    readonly reason: string,
    readonly line: number | null = null,
    readonly column: number | null = null,
  ) {
    super(line ? `${reason} (ligne ${line}, colonne ${column ?? 0})` : reason);
  }
}

export interface ScanResult {
  sha256: string;
  bytes: number;
  formations: number;
  actions: number;
  sessions: number;
}

// A formation with more elements or longer texts than this is hostile or broken; it would break
// the constant-memory promise of the reader.
const MAX_NODES_PER_FORMATION = 50_000;
const MAX_TEXT = 100_000;
const SUPPORTED_ENCODINGS = new Set(['utf-8', 'utf8', 'iso-8859-1', 'latin1', 'iso-8859-15', 'windows-1252']);

function declaredEncoding(head: Uint8Array): string {
  if (head[0] === 0xfe || head[0] === 0xff)
    throw new LheoFileError('Fichier en UTF-16 : seuls UTF-8 et ISO-8859-1 sont acceptés.');
  const start = Buffer.from(head.subarray(0, 300)).toString('latin1');
  const declaration = start.match(/^(?:\uFEFF|ï»¿)?<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/);
  const encoding = (declaration?.[1] ?? 'utf-8').toLowerCase();
  if (!SUPPORTED_ENCODINGS.has(encoding))
    throw new LheoFileError(
      `Encodage déclaré « ${declaration?.[1]} » non pris en charge : utilisez UTF-8 ou ISO-8859-1.`,
      1,
      1,
    );
  return encoding;
}

/**
 * Reads an LHÉO file as a stream, in constant memory: DOCTYPE (hence external entities and entity
 * expansion) is refused, the bytes are decoded with the encoding the XML declaration names (UTF-8
 * strictly), and each <formation> is handed over as a small tree once closed. What the file held
 * (counts, SHA-256) comes back at the end.
 */
export async function readLheo(
  input: AsyncIterable<Uint8Array>,
  onFormation: (node: XmlNode, index: number) => void | Promise<void>,
): Promise<ScanResult> {
  const hash = createHash('sha256');
  const parser = new SaxesParser({ position: true });
  const counts = { formations: 0, actions: 0, sessions: 0 };
  let bytes = 0;
  let decoder: TextDecoder | null = null;
  let rootSeen = false;
  let depth = 0;
  let stack: XmlNode[] = [];
  let nodesInFormation = 0;
  let ready: XmlNode[] = [];
  let failure: LheoFileError | null = null;
  const fail = (message: string) => {
    failure ??= new LheoFileError(message, parser.line, parser.column);
    throw failure;
  };

  parser.on('doctype', () => fail('Déclaration DOCTYPE refusée (entités et DTD ne sont pas acceptées)'));
  parser.on('error', (error) => fail(`XML mal formé : ${error.message.replace(/^(?:.*?:)?\d+:\d+: /, '')}`));
  parser.on('opentag', (tag) => {
    const name = tag.name.includes(':') ? tag.name.slice(tag.name.indexOf(':') + 1) : tag.name;
    depth++;
    if (depth === 1) {
      if (name !== 'lheo') fail(`Élément racine <${tag.name}> : un fichier LHÉO commence par <lheo>`);
      rootSeen = true;
    }
    if (name === 'formation' && stack.length === 0) {
      counts.formations++;
      nodesInFormation = 0;
    } else if (name === 'action' && stack.length === 1) counts.actions++;
    else if (name === 'session' && stack.length === 2) counts.sessions++;
    if (stack.length === 0 && name !== 'formation') return;
    if (++nodesInFormation > MAX_NODES_PER_FORMATION) fail('Formation démesurée (trop d’éléments)');
    const node: XmlNode = {
      name,
      attrs: tag.attributes as Record<string, string>,
      children: [],
      text: '',
      line: parser.line,
      column: parser.column,
    };
    stack.at(-1)?.children.push(node);
    stack.push(node);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (!top) return;
    if (top.text.length + text.length > MAX_TEXT) fail(`Texte trop long dans <${top.name}>`);
    top.text += text;
  });
  parser.on('cdata', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => {
    depth--;
    if (stack.length === 0) return;
    const node = stack.pop()!;
    node.text = node.text.trim();
    if (stack.length === 0 && node.name === 'formation') ready.push(node);
  });

  let index = 0;
  let head: Buffer | null = Buffer.alloc(0);
  try {
    for await (const piece of input) {
      bytes += piece.length;
      hash.update(piece);
      let chunk: Uint8Array = piece;
      if (head) {
        // The XML declaration names the encoding: wait for it whole before decoding anything.
        head = Buffer.concat([head, piece]);
        if (head.length < 300 && !head.includes('?>')) continue;
        decoder = new TextDecoder(declaredEncoding(head), { fatal: true });
        chunk = head;
        head = null;
      }
      if (!decoder) continue;
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new LheoFileError(
          'Octets invalides pour l’encodage déclaré (un fichier ISO-8859-1 doit le dire dans sa déclaration XML)',
          parser.line,
          parser.column,
        );
      }
      parser.write(text);
      if (ready.length) {
        const batch = ready;
        ready = [];
        for (const node of batch) await onFormation(node, index++);
      }
    }
    if (head?.length) {
      decoder = new TextDecoder(declaredEncoding(head), { fatal: true });
      parser.write(decoder.decode(head, { stream: true }));
    }
    if (decoder) parser.write(decoder.decode());
    parser.close();
    if (ready.length) {
      const batch = ready;
      ready = [];
      for (const node of batch) await onFormation(node, index++);
    }
  } catch (error) {
    if (error instanceof LheoFileError) throw error;
    throw failure ?? error;
  }
  stack = [];
  if (!rootSeen) throw new LheoFileError('Fichier vide ou sans élément <lheo>');
  return { sha256: hash.digest('hex'), bytes, ...counts };
}
