import type { Actor } from '../modules/identity/model.js';

/** An entry of the main menu, offered by a module (module.ts, `nav`). */
export interface NavLink {
  href: string;
  label: string;
  /** Place in the menu, lowest first (home 0, trainings 10…, persons 20…, the partners' administration 80…). */
  order: number;
  /** When the entry is current for a path other than its own and those below it. */
  current?: (path: string) => boolean;
}

/** What every page is rendered with: who is signed in, the CSRF token of its forms, its path (the current menu entry) and the menu. */
export interface PageContext {
  actor: Actor | null;
  csrf: string;
  path: string;
  nav: NavLink[];
}
