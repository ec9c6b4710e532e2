/**
 * A streaming splitter of JSON records: a JSON array of objects (`[{…},{…}]`) or NDJSON (one object
 * per line; any whitespace between objects is accepted). It yields each record's text without
 * parsing it, so that memory stays one record whatever the feed's size, and a record that is not
 * valid JSON is rejected alone (JSON.parse by the caller). No dependency: the few lines below
 * replace a streaming JSON parser (none is installed), since records only need splitting.
 *
 * A feed whose structure is broken (text outside the records, an unterminated array or record)
 * throws a FeedStructureError naming the record and byte offset: nothing after it can be trusted.
 */
export class FeedStructureError extends Error {
  constructor(
    message: string,
    readonly recordIndex: number,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Longest record accepted (1 MiB): an FT offer is a few kilobytes; past this the feed is broken. */
export const MAX_RECORD_CHARS = 1 << 20;

export async function* splitJsonRecords(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let mode: 'start' | 'array' | 'ndjson' | 'done' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let record = '';
  let offset = 0;
  let index = 0;
  /** In an array: a record was just closed and a comma or the end must follow. */
  let expectSeparator = false;
  const fail = (what: string) => {
    throw new FeedStructureError(
      `Flux mal formé à l’octet ${offset} (enregistrement ${index + 1}) : ${what}.`,
      index,
      offset,
    );
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    // Where the record being read starts in this chunk (0: it began in an earlier one).
    let start = depth > 0 ? 0 : -1;
    for (let i = 0; i < text.length; i++, offset++) {
      const c = text[i]!;
      if (depth > 0) {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === '"') inString = false;
          continue;
        }
        if (c === '"') inString = true;
        else if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') {
          depth--;
          if (depth === 0) {
            record += text.slice(start, i + 1);
            start = -1;
            if (record.length > MAX_RECORD_CHARS) fail('enregistrement de plus de 1 Mio');
            yield record;
            record = '';
            index++;
            expectSeparator = mode === 'array';
          }
        }
        continue;
      }
      if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\uFEFF') continue;
      if (mode === 'done') fail('texte après la fin du tableau');
      if (mode === 'start') {
        if (c === '[') {
          mode = 'array';
          continue;
        }
        if (c === '{') mode = 'ndjson';
        else fail('un tableau JSON « [ » ou un objet « { » par ligne est attendu');
      }
      if (mode === 'array') {
        if (c === ']') {
          mode = 'done';
          continue;
        }
        if (expectSeparator) {
          if (c !== ',') fail('« , » ou « ] » attendu entre deux enregistrements');
          expectSeparator = false;
          continue;
        }
      }
      if (c !== '{') fail(`un objet « { » est attendu, « ${c} » trouvé`);
      depth = 1;
      start = i;
    }
    if (depth > 0) {
      record += text.slice(start);
      if (record.length > MAX_RECORD_CHARS) fail('enregistrement de plus de 1 Mio');
    }
  }
  if (depth > 0) fail('enregistrement non terminé');
  if (mode === 'array') fail('tableau non terminé (« ] » manquant)');
}
