/** The few kinds of failure a use case can report; mapped once to RFC 9457 problems in web/problem.ts. */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  /** A dependency (the database) did not answer in time: retry later, nothing is wrong with the input. */
  | 'unavailable'
  /** Well-formed request whose content is refused as a whole (an LHÉO file that is not well-formed). */
  | 'unprocessable'
  /** The server's space for this kind of content is full (upload quota): retry later. */
  | 'storage-full';

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** The faulty input field, as a JSON pointer-ish name ("siret", "members/0/email"). */
    readonly field?: string,
    /** RFC 9457 extension members added to the problem (e.g. an import's id and report link). */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const invalid = (field: string, message: string) => new AppError('invalid', message, field);
export const conflict = (field: string, message: string) => new AppError('conflict', message, field);
export const notFound = (message = 'Ressource introuvable.') => new AppError('not-found', message);
export const forbidden = (message = 'Vous n’avez pas accès à cette ressource.') =>
  new AppError('forbidden', message);
export const unauthenticated = (message = 'Authentification requise.') =>
  new AppError('unauthenticated', message);
export const unavailable = (
  message = 'Le service est momentanément indisponible (la base de données ne répond pas) : réessayez dans quelques instants.',
) => new AppError('unavailable', message);
