import { createHash } from 'node:crypto';
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';
import { MarkupGuard, READER_LIMITS, type RunKind } from './guard.js';
import type { Warning } from './model.js';

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

const UTF8 = new Set(['utf-8', 'utf8']);
// ISO-8859-1 is decoded as Windows-1252, as the WHATWG Encoding standard (and every browser) does:
// the bytes 0x80–0x9F are C1 control characters in ISO-8859-1, never text, while French files saved
// by Windows tools and declared ISO-8859-1 use them for ’ “ ” … € œ. TextDecoder('iso-8859-1') is
// that decoder already; ISO-8859-15 (€ at 0xA4) keeps its own.
const SINGLE_BYTE = new Set(['iso-8859-1', 'latin1', 'iso-8859-15', 'windows-1252']);

const UTF16_OR_32 = 'seuls UTF-8 et ISO-8859-1 sont acceptés : réenregistrez le fichier en UTF-8.';

/**
 * The encoding to decode the file with, from its first bytes: the XML declaration, checked against
 * what the bytes themselves say (a byte order mark, or the NUL bytes UTF-16 and UTF-32 put around
 * the ASCII of « <?xml »: XML 1.0 appendix F).
 */
function declaredEncoding(head: Uint8Array): string {
  const [b0, b1, b2, b3] = head;
  if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe && !(b2 === 0 && b3 === 0)))
    throw new LheoFileError(`Fichier en UTF-16 (marque d’ordre des octets en tête) : ${UTF16_OR_32}`);
  if ((b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0x3c) || (b0 === 0x3c && b1 === 0 && b2 === 0 && b3 === 0))
    throw new LheoFileError(`Fichier en UTF-32 : ${UTF16_OR_32}`);
  if (b0 === 0 && b1 === 0x3c)
    throw new LheoFileError(
      `Fichier en UTF-16 gros-boutiste (UTF-16BE, sans marque d’ordre des octets) : ${UTF16_OR_32}`,
    );
  if (b0 === 0x3c && b1 === 0)
    throw new LheoFileError(
      `Fichier en UTF-16 petit-boutiste (UTF-16LE, sans marque d’ordre des octets) : ${UTF16_OR_32}`,
    );
  const bom = b0 === 0xef && b1 === 0xbb && b2 === 0xbf;
  const start = Buffer.from(head.subarray(bom ? 3 : 0, 300)).toString('latin1');
  const declaration = start.match(/^<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/);
  const encoding = (declaration?.[1] ?? 'utf-8').toLowerCase();
  if (!UTF8.has(encoding) && !SINGLE_BYTE.has(encoding))
    throw new LheoFileError(
      `Encodage déclaré « ${declaration?.[1]?.slice(0, 40)} » non pris en charge : utilisez UTF-8 ou ISO-8859-1.`,
      1,
      1,
    );
  if (bom && !UTF8.has(encoding))
    throw new LheoFileError(
      `Le fichier déclare l’encodage « ${declaration?.[1]} » mais commence par la marque UTF-8 (octets EF BB BF) : ses octets semblent en UTF-8 ; corrigez la déclaration (encoding="UTF-8") ou réenregistrez-le en ISO-8859-1.`,
      1,
      1,
    );
  return encoding;
}

/**
 * Watches a file declared in a one-byte encoding (ISO-8859-1, Windows-1252…) for UTF-8 bytes:
 * decoded as declared, « é » (C3 A9) would silently become « Ã© » in the catalogue. The first
 * non-ASCII bytes decide: a real ISO-8859-1 file breaks UTF-8's rules at its first accent (an « é »
 * is E9 followed by a letter), while UTF-8 bytes form a valid sequence. So the file is refused at
 * the first complete UTF-8 sequence met before any byte that UTF-8 forbids, and the watch stops at
 * the first such byte (the file then is not UTF-8). Refusing rather than importing with a warning:
 * every accented text of the file would be wrong, and the fix (the declaration) is one line.
 */
class Utf8Sniffer {
  private need = 0;
  private sequence: number[] = [];
  done = false;

  /** The end (exclusive) of the first UTF-8 sequence in the chunk, with the sequence; null if none. */
  check(chunk: Uint8Array): { end: number; bytes: number[] } | null {
    for (let i = 0; i < chunk.length && !this.done; i++) {
      const b = chunk[i]!;
      if (this.need) {
        if (b < 0x80 || b > 0xbf) {
          this.done = true;
          break;
        }
        this.sequence.push(b);
        if (--this.need === 0) return { end: i + 1, bytes: this.sequence };
      } else if (b < 0x80) continue;
      else if (b >= 0xc2 && b <= 0xdf) this.need = 1;
      else if (b >= 0xe0 && b <= 0xef) this.need = 2;
      else if (b >= 0xf0 && b <= 0xf4) this.need = 3;
      else this.done = true;
      this.sequence = [b];
    }
    return null;
  }
}

const number = (n: number) => new Intl.NumberFormat('fr-FR').format(n);

/**
 * The namespaces of the LHÉO versions read (their elements are the same for what Passerelle
 * keeps): 2.2, as the real Intercarif records declare it, and 2.3, the XSD's targetNamespace
 * (data/lheo/lheo-2.3.xsd). Writing exports in 2.3 is writer.ts's business.
 */
export const LHEO_NAMESPACES: Record<string, string> = {
  'http://www.lheo.org/2.2': 'LHÉO 2.2',
  'http://lheo.gouv.fr/2.3': 'LHÉO 2.3',
};
const RUN_NAMES: Record<RunKind, string> = {
  text: 'Texte',
  markup: 'Balise',
  comment: 'Commentaire',
  cdata: 'Section CDATA',
  instruction: 'Instruction de traitement',
  declaration: 'Déclaration',
};

/**
 * Reads an LHÉO file as a stream, in constant memory: DOCTYPE (hence external entities and entity
 * expansion) is refused, the bytes are decoded with the encoding the XML declaration names (UTF-8
 * strictly, and a file whose bytes contradict its declaration is refused), every run of text or
 * markup, the depth and the attributes are bounded before saxes buffers them (guard.ts), and each
 * <formation> is handed over as a small tree once closed. What the file held (counts, SHA-256)
 * comes back at the end.
 */
export async function readLheo(
  input: AsyncIterable<Uint8Array>,
  onFormation: (node: XmlNode, index: number) => void | Promise<void>,
  onWarning: (warning: Warning) => void = () => {},
): Promise<ScanResult> {
  const hash = createHash('sha256');
  const parser = new SaxesParser({ position: true });
  const guard = new MarkupGuard();
  const counts = { formations: 0, actions: 0, sessions: 0 };
  let bytes = 0;
  let decoder: TextDecoder | null = null;
  let encoding = '';
  let sniffer: Utf8Sniffer | null = null;
  let rootSeen = false;
  /** The names of the open elements, for messages (as deep as READER_LIMITS.depth). */
  const open: string[] = [];
  let stack: XmlNode[] = [];
  let nodesInFormation = 0;
  let charsInFormation = 0;
  let ready: XmlNode[] = [];
  let failure: LheoFileError | null = null;
  /** Where the run still open at the end of the last chunk started, and in which element. */
  let runAt = { line: 1, column: 0, element: '' };
  const fail = (message: string, line = parser.line, column = parser.column) => {
    failure ??= new LheoFileError(message, line, column);
    throw failure;
  };
  const inside = (name = open.at(-1)) => (name ? ` dans <${name}>` : '');
  const keep = (chars: number) => {
    charsInFormation += chars;
    if (charsInFormation > READER_LIMITS.formationChars)
      fail(
        `Formation démesurée : plus de ${number(READER_LIMITS.formationChars)} caractères de texte et d’attributs${inside()}`,
      );
  };

  parser.on('doctype', () => fail('Déclaration DOCTYPE refusée (entités et DTD ne sont pas acceptées)'));
  parser.on('error', (error) => fail(`XML mal formé : ${error.message.replace(/^(?:.*?:)?\d+:\d+: /, '')}`));
  parser.on('opentag', (tag) => {
    const name = tag.name.includes(':') ? tag.name.slice(tag.name.indexOf(':') + 1) : tag.name;
    if (open.length >= READER_LIMITS.depth)
      fail(
        `Plus de ${number(READER_LIMITS.depth)} éléments imbriqués${inside()} (ouverture de <${tag.name.slice(0, 60)}>)`,
      );
    open.push(tag.name);
    const attrs = tag.attributes as Record<string, string>;
    const names = Object.keys(attrs);
    if (names.length > READER_LIMITS.attributes)
      fail(`Plus de ${number(READER_LIMITS.attributes)} attributs sur <${tag.name}>`);
    let attrChars = 0;
    for (const key of names) {
      const value = attrs[key]!;
      if (value.length > READER_LIMITS.attributeValue)
        fail(
          `Attribut « ${key.slice(0, 60)} » de plus de ${number(READER_LIMITS.attributeValue)} caractères sur <${tag.name}>`,
        );
      attrChars += key.length + value.length;
    }
    if (open.length === 1) {
      if (name !== 'lheo') fail(`Élément racine <${tag.name}> : un fichier LHÉO commence par <lheo>`);
      rootSeen = true;
      // The root's namespace: xmlns, or xmlns:p for a root written <p:lheo>.
      const prefix = tag.name.includes(':') ? tag.name.slice(0, tag.name.indexOf(':')) : '';
      const namespace = attrs[prefix ? `xmlns:${prefix}` : 'xmlns'];
      if (namespace === undefined || namespace === '')
        onWarning({
          line: parser.line,
          column: parser.column,
          element: 'lheo',
          record: 'fichier',
          reason:
            'Aucun espace de noms LHÉO déclaré sur <lheo> : fichier lu comme LHÉO 2.3 (déclarez xmlns="http://lheo.gouv.fr/2.3" ou "http://www.lheo.org/2.2")',
        });
      else if (!(namespace in LHEO_NAMESPACES))
        fail(
          `Espace de noms « ${namespace.slice(0, 200)} » non pris en charge sur <${tag.name}> : un fichier LHÉO déclare http://lheo.gouv.fr/2.3 (LHÉO 2.3) ou http://www.lheo.org/2.2 (LHÉO 2.2)`,
        );
    }
    if (name === 'formation' && stack.length === 0) {
      counts.formations++;
      nodesInFormation = 0;
      charsInFormation = 0;
    } else if (name === 'action' && stack.length === 1) counts.actions++;
    else if (name === 'session' && stack.length === 2) counts.sessions++;
    if (stack.length === 0 && name !== 'formation') return;
    if (++nodesInFormation > READER_LIMITS.formationNodes)
      fail(`Formation démesurée : plus de ${number(READER_LIMITS.formationNodes)} éléments`);
    keep(name.length + attrChars);
    const node: XmlNode = { name, attrs, children: [], text: '', line: parser.line, column: parser.column };
    stack.at(-1)?.children.push(node);
    stack.push(node);
  });
  const addText = (text: string) => {
    const top = stack.at(-1);
    if (!top) return;
    if (top.text.length + text.length > READER_LIMITS.elementText)
      fail(`Texte de plus de ${number(READER_LIMITS.elementText)} caractères dans <${top.name}>`);
    keep(text.length);
    top.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    open.pop();
    if (stack.length === 0) return;
    const node = stack.pop()!;
    node.text = node.text.trim();
    if (stack.length === 0 && node.name === 'formation') ready.push(node);
  });

  /** Writes decoded text to saxes once the guard has measured it; refuses a run past its bound. */
  const feed = (text: string) => {
    const overrun = guard.scan(text);
    if (overrun) {
      // Let saxes read up to where the run starts: the position and the open element are then
      // the run's (it started in an earlier chunk when start is -1: its place was noted then).
      if (overrun.start >= 0) {
        parser.write(text.slice(0, overrun.start));
        runAt = { line: parser.line, column: parser.column, element: open.at(-1) ?? '' };
      }
      const what =
        overrun.kind === 'markup'
          ? `Balise <${overrun.head.match(/^<\/?([^\s/>]{1,60})/)?.[1] ?? '?'}>`
          : RUN_NAMES[overrun.kind];
      fail(
        `${what} de plus de ${number(overrun.limit)} caractères${overrun.kind === 'markup' ? ' (attributs trop nombreux ou trop longs)' : inside(runAt.element)} : fichier refusé par sécurité`,
        runAt.line,
        runAt.column,
      );
    }
    if (guard.openRunStart > 0) {
      parser.write(text.slice(0, guard.openRunStart));
      runAt = { line: parser.line, column: parser.column, element: open.at(-1) ?? '' };
      parser.write(text.slice(guard.openRunStart));
    } else {
      if (guard.openRunStart === 0)
        runAt = { line: parser.line, column: parser.column, element: open.at(-1) ?? '' };
      parser.write(text);
    }
  };
  const decode = (chunk: Uint8Array, stream = true) => {
    if (sniffer && !sniffer.done) {
      const found = sniffer.check(chunk);
      if (found) {
        const text = decoder!.decode(chunk.subarray(0, found.end), { stream });
        feed(text);
        const utf8 = Buffer.from(found.bytes).toString('utf8');
        const declared = new TextDecoder(encoding).decode(Uint8Array.from(found.bytes));
        fail(
          `Le fichier déclare l’encodage « ${encoding.toUpperCase()} » mais ses octets sont en UTF-8 (« ${utf8} » deviendrait « ${declared} ») : corrigez la déclaration (encoding="UTF-8") ou réenregistrez le fichier en ${encoding.toUpperCase()}`,
        );
      }
    }
    try {
      return decoder!.decode(chunk, { stream });
    } catch {
      // Say where: the text up to the first invalid byte goes through, then the position is its.
      const text = new TextDecoder('utf-8').decode(chunk);
      const bad = text.indexOf('\uFFFD');
      if (bad > 0) feed(text.slice(0, bad));
      return fail(
        'Octets invalides en UTF-8, l’encodage déclaré : le fichier semble être en ISO-8859-1 ou Windows-1252 ; déclarez-le (<?xml version="1.0" encoding="ISO-8859-1"?>) ou réenregistrez-le en UTF-8',
      );
    }
  };
  const start = (head: Uint8Array) => {
    encoding = declaredEncoding(head);
    decoder = new TextDecoder(encoding, { fatal: true });
    if (SINGLE_BYTE.has(encoding)) sniffer = new Utf8Sniffer();
  };
  const handOver = async () => {
    if (!ready.length) return;
    const batch = ready;
    ready = [];
    for (const node of batch) await onFormation(node, index++);
  };

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
        start(head);
        chunk = head;
        head = null;
      }
      feed(decode(chunk));
      await handOver();
    }
    if (head?.length) {
      start(head);
      feed(decode(head));
    }
    if (decoder) feed(decode(new Uint8Array(0), false));
    parser.close();
    await handOver();
  } catch (error) {
    if (error instanceof LheoFileError) throw error;
    throw failure ?? error;
  }
  stack = [];
  if (!rootSeen) throw new LheoFileError('Fichier vide ou sans élément <lheo>');
  return { sha256: hash.digest('hex'), bytes, ...counts };
}
