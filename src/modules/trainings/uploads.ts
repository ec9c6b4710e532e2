import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../shared/errors.js';

export interface SavedUpload {
  path: string;
  fileName: string;
  size: number;
}

/**
 * Streams an uploaded file to disk (an import reads it twice) and stops at the size limit: the
 * request is then refused with 413 and the partial file removed.
 */
export async function saveUpload(
  stream: Readable,
  fileName: string,
  dir: string,
  maxBytes: number,
): Promise<SavedUpload> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${randomUUID()}.xml`);
  let size = 0;
  try {
    await pipeline(
      stream,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          size += chunk.length;
          if (size > maxBytes)
            throw new AppError(
              'too-large',
              `Fichier trop volumineux : la limite est de ${(maxBytes / 1e6).toFixed(0)} Mo.`,
              'file',
            );
          yield chunk;
        }
      },
      createWriteStream(path),
    );
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { path, fileName: fileName.slice(0, 200) || 'flux.xml', size: (await stat(path)).size };
}

export const removeUpload = (upload: SavedUpload) => rm(upload.path, { force: true });
