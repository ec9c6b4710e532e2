import type { Actor } from '../modules/identity/model.js';

/** What every page is rendered with: who is signed in, the CSRF token of its forms, and its path (the current menu entry). */
export interface PageContext {
  actor: Actor | null;
  csrf: string;
  path: string;
}
