import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/**
 * `npm run import:lheo -- --server URL --token psl_… FILE|URL`: the file goes to the running
 * server's API (POST /api/v1/lheo-imports) instead of the data directory, which the server owns
 * while it runs (data-dir-lock.ts). The server then checks the token's rights on the source like
 * for any partner, and the import shows in its report pages.
 */
export interface ServerImport {
  server: string;
  token: string;
  target: string;
  source: string;
  mode: 'full' | 'partial';
  /** Where the summary goes (stdout) and the refusals (stderr): injected for the tests. */
  out?: (line: string) => void;
  err?: (line: string) => void;
}

interface ImportSummary {
  id: string;
  status: string;
  error: string | null;
  line: number | null;
  column: number | null;
  counts: Record<string, number>;
  rejected: number;
  reportUrl: string;
}

interface Problem {
  title?: string;
  detail?: string;
  field?: string;
  error?: string;
  line?: number | null;
  column?: number | null;
  reportUrl?: string;
}

/** Runs the import through the server; answers the process's exit code (0 imported, 1 refused or failed). */
export async function importThroughServer(options: ServerImport): Promise<number> {
  const out = options.out ?? ((line: string) => console.log(line));
  const err = options.err ?? ((line: string) => console.error(line));
  let base: URL;
  try {
    base = new URL(options.server);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error();
  } catch {
    err(`--server : adresse invalide (${options.server}) ; attendu par exemple http://localhost:3000.`);
    return 2;
  }
  if (!options.token) {
    err(
      '--token : jeton d’API manquant (psl_…, créé par un administrateur de l’organisation sur sa page « Jetons d’API ») ; ou variable PASSERELLE_API_TOKEN.',
    );
    return 2;
  }

  // The body is streamed as it is read (a 512 MB feed never sits in memory): from the file, or
  // from the feed's own URL as it downloads.
  let body: AsyncIterable<Uint8Array>;
  let length: number | null = null;
  if (/^https?:\/\//.test(options.target)) {
    const download = await fetch(options.target).catch((error: Error) => error);
    if (download instanceof Error || !download.ok || !download.body) {
      err(
        `Téléchargement impossible : ${download instanceof Error ? download.message : `HTTP ${download.status}`}`,
      );
      return 1;
    }
    body = download.body as unknown as AsyncIterable<Uint8Array>;
  } else {
    const size = await stat(options.target).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) {
      err(`Fichier introuvable : ${options.target}`);
      return 2;
    }
    length = size;
    body = createReadStream(options.target, { highWaterMark: 256 * 1024 });
  }

  const url = new URL('/api/v1/lheo-imports', base);
  url.searchParams.set('source', options.source);
  url.searchParams.set('mode', options.mode);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': 'application/xml',
        accept: 'application/json',
        // Known size: the server refuses a file over its limit before reading it (413).
        ...(length !== null ? { 'content-length': String(length) } : {}),
      },
      body: body as unknown as RequestInit['body'],
      // Required by fetch for a streamed request body.
      duplex: 'half',
    } as RequestInit);
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    err(
      `Serveur injoignable à ${base.origin} (${cause?.message ?? (error as Error).message}) : est-il démarré (npm start) ?`,
    );
    return 1;
  }

  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: a proxy's page, reported by its status below
  }
  const report = (path: string | undefined) => (path ? new URL(path, base).href : null);
  if (response.ok && json && typeof json === 'object' && 'counts' in json) {
    const summary = json as ImportSummary;
    const c = summary.counts;
    out(
      `Import ${summary.id} terminé sur ${base.origin} : ${c.created ?? 0} formations créées, ${c.updated ?? 0} modifiées, ${c.unchanged ?? 0} inchangées, ${c.withdrawn ?? 0} retirées ; ${c.actions ?? 0} actions, ${c.sessions ?? 0} sessions ; ${summary.rejected} rejets.`,
    );
    out(`Rapport : ${report(summary.reportUrl)}`);
    return 0;
  }
  const problem = (json ?? {}) as Problem;
  if (response.status === 422 && problem.error) {
    const where = problem.line ? ` (ligne ${problem.line}, colonne ${problem.column ?? '?'})` : '';
    err(`Fichier refusé, rien n’a été modifié : ${problem.error}${where}`);
    if (problem.reportUrl) err(`Rapport : ${report(problem.reportUrl)}`);
    return 1;
  }
  const why = problem.detail ?? problem.title ?? (text.slice(0, 200) || response.statusText);
  const hint =
    response.status === 401
      ? ' Vérifiez le jeton (--token) : inconnu, révoqué ou mal copié.'
      : response.status === 403 && problem.field === 'source'
        ? ' Choisissez une source de votre organisation (--source).'
        : '';
  err(
    `Le serveur a refusé l’import (HTTP ${response.status}${problem.field ? `, champ ${problem.field}` : ''}) : ${why}${hint}`,
  );
  return 1;
}
