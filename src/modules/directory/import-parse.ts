import { invalid } from '../../shared/errors.js';
import { LIST_FIELDS, NUMBER_FIELDS, SERVICE_FIELDS, STRUCTURE_FIELDS } from './records.js';

/** One record read from a file, before any check: its position (1-based; for CSV, its line) and its fields. */
export interface ParsedRecord {
  index: number;
  record: Record<string, unknown>;
}
export interface ParsedFile {
  format: 'json' | 'csv';
  structures: ParsedRecord[];
  services: ParsedRecord[];
}

const KNOWN_COLUMNS: ReadonlySet<string> = new Set<string>([...STRUCTURE_FIELDS, ...SERVICE_FIELDS]);

/** A record with `structure_id` is a service (data·inclusion: a service always names its structure). */
const isService = (r: unknown) =>
  !!r && typeof r === 'object' && !Array.isArray(r) && 'structure_id' in (r as object);

/**
 * Reads a data·inclusion file as data·inclusion and DORA export it (issue 13 §3): JSON
 * (`{ structures, services }`, an array of either, or an API page `{ items }`) or CSV (one kind per
 * file, told by its header). A file that cannot be read as a whole is refused naming `fichier`,
 * before anything is stored; a record's own faults are left to the schema check, record by record.
 */
export function parseDirectoryFile(fileName: string, content: Buffer | string): ParsedFile {
  const text = (typeof content === 'string' ? content : content.toString('utf8')).replace(/^\uFEFF/, '');
  if (!text.trim()) throw invalid('fichier', 'Le fichier est vide.');
  const byName = /\.csv$/i.test(fileName) ? 'csv' : /\.json$/i.test(fileName) ? 'json' : null;
  const format = byName ?? (/^\s*[[{]/.test(text) ? 'json' : 'csv');
  return format === 'json' ? parseJson(text) : parseCsv(text);
}

function parseJson(text: string): ParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid('fichier', `JSON mal formé : ${jsonWhere(text, error)}.`);
  }
  const numbered = (list: unknown[]): ParsedRecord[] =>
    list.map((record, i) => ({ index: i + 1, record: record as Record<string, unknown> }));
  if (Array.isArray(data)) return split(data);
  if (data && typeof data === 'object') {
    const o = data as Record<string, unknown>;
    if (Array.isArray(o.items)) return split(o.items);
    if ('structures' in o || 'services' in o) {
      const structures = o.structures ?? [];
      const services = o.services ?? [];
      if (!Array.isArray(structures) || !Array.isArray(services))
        throw invalid(
          'fichier',
          '« structures » et « services » doivent être des tableaux d’enregistrements.',
        );
      return { format: 'json', structures: numbered(structures), services: numbered(services) };
    }
  }
  throw invalid(
    'fichier',
    'Forme du fichier inconnue : un tableau de structures ou de services, un objet { "structures": [...], "services": [...] } ou une page de l’API { "items": [...] } est attendu.',
  );
}

/** An array of records of both kinds: each is told by its fields, and keeps its rank in the array. */
function split(list: unknown[]): ParsedFile {
  const file: ParsedFile = { format: 'json', structures: [], services: [] };
  list.forEach((record, i) => {
    (isService(record) ? file.services : file.structures).push({
      index: i + 1,
      record: record as Record<string, unknown>,
    });
  });
  return file;
}

/**
 * Where JSON.parse stopped: a line and column when its message gives the position (Node 20:
 * « at position N »), else the unexpected character it names; a stop at the very end is a cut file.
 */
function jsonWhere(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (/end of (JSON )?input/i.test(message) || (position && Number(position[1]) >= text.trimEnd().length))
    return 'fichier tronqué (fin inattendue)';
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return `erreur ligne ${line}, colonne ${column}`;
  }
  const token = /Unexpected token '?(.)'?/.exec(message);
  return token ? `caractère « ${token[1]} » inattendu` : 'syntaxe invalide';
}

/**
 * RFC 4180 CSV with `,` or `;` (whichever the header uses more): quoted cells may hold the separator,
 * doubled quotes and line breaks. Each row keeps the line it starts on. A hand parser: no CSV
 * dependency is installed, and reading these few columns needs no more than this.
 */
function parseCsv(text: string): ParsedFile {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const separator = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows = csvRows(text, separator);
  const header = rows.shift();
  if (!header) throw invalid('fichier', 'CSV sans ligne d’en-tête.');
  const columns = header.cells.map((c) => c.trim());
  if (!columns.some((c) => KNOWN_COLUMNS.has(c)))
    throw invalid(
      'fichier',
      'CSV sans en-tête reconnu : la première ligne doit nommer les colonnes du schéma data·inclusion (source, id, nom, date_maj…).',
    );
  const services = columns.includes('structure_id');
  const fields = services ? SERVICE_FIELDS : STRUCTURE_FIELDS;
  const records: ParsedRecord[] = [];
  for (const row of rows) {
    if (row.cells.length === 1 && row.cells[0] === '') continue; // a blank line
    // Every field of the schema is present (null when the file has no such column): only the
    // schema's required ones may then be reported missing.
    const record: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, null]));
    columns.forEach((column, i) => {
      if (KNOWN_COLUMNS.has(column)) record[column] = cellValue(column, row.cells[i] ?? '');
    });
    records.push({ index: row.line, record });
  }
  return { format: 'csv', structures: services ? [] : records, services: services ? records : [] };
}

function csvRows(text: string, separator: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = () => {
    cells.push(cell);
    rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
      i++;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === separator) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
    i++;
  }
  if (quoted) throw invalid('fichier', `CSV tronqué : guillemet ouvert ligne ${rowLine} jamais fermé.`);
  if (cell !== '' || cells.length) endRow();
  return rows;
}

/**
 * A cell as the schema's value: empty → null; a list as a JSON array, or values separated by `|`
 * or `,`; a number with a decimal point or comma. A value that does not read as its type is kept as
 * text, so that the schema check names the field. The `'` the CSV exports put before a leading
 * = + - @ (shared/csv.ts, against formulas in spreadsheets) is removed: a round trip keeps
 * « +33… » telephone numbers.
 */
function cellValue(column: string, raw: string): unknown {
  const text = (/^'[=+\-@\t\r]/.test(raw) ? raw.slice(1) : raw).trim();
  if (text === '') return null;
  if (LIST_FIELDS.has(column)) {
    if (text.startsWith('[')) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    }
    return text
      .split(text.includes('|') ? '|' : ',')
      .map((v) => v.trim())
      .filter(Boolean);
  }
  if (NUMBER_FIELDS.has(column)) {
    const n = /^-?\d+([.,]\d+)?$/.test(text) ? Number(text.replace(',', '.')) : Number.NaN;
    return Number.isFinite(n) ? n : text;
  }
  return text;
}
