import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from './errors.js';

export interface SavedUpload {
  path: string;
  fileName: string;
  size: number;
}

/** A size in French (« 256 Mo », « 40 ko »). */
export const megabytes = (bytes: number) =>
  bytes >= 1e6 ? `${Math.round(bytes / 1e6)} Mo` : `${Math.round(bytes / 1e3)} ko`;

export const fileTooLarge = (maxBytes: number) =>
  new AppError('too-large', `Fichier trop volumineux : la limite est de ${megabytes(maxBytes)}.`, 'file');

export interface UploadAreaOptions {
  dir: string;
  quotaBytes: number;
  maxBytes: number;
  /** The file names' extension in the area (`.xml`, `.json`): what an operator sees in UPLOAD_DIR. */
  extension?: string;
  /** The 413 for a file past maxBytes (a module may name its own limit and what to do instead). */
  tooLarge?: (maxBytes: number) => AppError;
}

/**
 * A body whose announced length (Content-Length) already passes the file limit plus what else the
 * request carries beside the file (a form's other parts) is refused before a byte is read.
 */
export function refuseAnnouncedOverLimit(
  headers: IncomingHttpHeaders,
  maxBytes: number,
  overheadBytes = 0,
  tooLarge: (maxBytes: number) => AppError = fileTooLarge,
): void {
  if (Number(headers['content-length'] ?? 0) > maxBytes + overheadBytes) throw tooLarge(maxBytes);
}

/**
 * Where uploaded files (LHÉO feeds, offer feeds) wait for their import. A file is received whole
 * before its import starts: an import holds a lock and transactions, which a slow or
 * stalled uploader would otherwise keep open for as long as it likes (and past the database's
 * idle-in-transaction timeout). So the upload reaches the disk, but only once the request is
 * authenticated, authorised for that source and CSRF-checked (the routes read the file last), and
 * never for longer than its request: refused, cut, too large or imported, it is removed.
 *
 * quotaBytes bounds the files of all requests in progress together (issue 8, hole 1): past it, an
 * upload is refused with 507 while the others finish. The count is this process's: UPLOAD_DIR is
 * one instance's own, and what it holds at start was left by a killed process (purgeUploads).
 */
export function uploadArea(options: UploadAreaOptions) {
  const tooLarge = options.tooLarge ?? fileTooLarge;
  const extension = options.extension ?? '.xml';
  let used = 0;
  return {
    /** Streams to a new file and stops at the size limit (413) or the quota (507), removing the partial file. */
    async save(stream: Readable, fileName: string, signal?: AbortSignal): Promise<SavedUpload> {
      await mkdir(options.dir, { recursive: true });
      const path = join(options.dir, `${randomUUID()}${extension}`);
      let size = 0;
      try {
        // Read without destroying the request on a refusal: the client then gets its 413 or 507
        // rather than a connection reset (the rest of its body is left unread).
        const chunks = stream.iterator({ destroyOnReturn: false });
        await pipeline(
          async function* () {
            for await (const chunk of chunks as AsyncIterable<Buffer>) {
              size += chunk.length;
              used += chunk.length;
              if (size > options.maxBytes) throw tooLarge(options.maxBytes);
              if (used > options.quotaBytes)
                throw new AppError(
                  'storage-full',
                  'L’espace réservé aux fichiers en cours d’import est plein : réessayez dans quelques minutes.',
                  'file',
                );
              yield chunk;
            }
          },
          createWriteStream(path),
          ...(signal ? [{ signal }] : []),
        );
      } catch (error) {
        used -= size;
        await rm(path, { force: true });
        throw error;
      }
      return { path, fileName: fileName.slice(0, 200) || `flux${extension}`, size };
    },

    async remove(upload: SavedUpload) {
      await rm(upload.path, { force: true });
      used -= upload.size;
    },
  };
}
export type UploadArea = ReturnType<typeof uploadArea>;

/** Files left in the upload directory by a process that was killed: no request owns them any more. */
export async function purgeUploads(dir: string) {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(join(dir, name), { force: true, recursive: true })));
}

/**
 * Aborted when the client goes away before its request was received whole, so that a half-written
 * upload is removed at once instead of waiting for bytes that never come.
 */
export function abortedWith(raw: IncomingMessage): AbortSignal {
  const controller = new AbortController();
  raw.once('close', () => {
    // Not `complete`: test doubles of the request leave it unset. A body read to its end is whole.
    if (!raw.readableEnded)
      controller.abort(new AppError('invalid', 'Envoi interrompu par le client.', 'file'));
  });
  return controller.signal;
}
