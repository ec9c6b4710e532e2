import type { DirectoryCore } from './core.js';

/** STUB (H3 publication of an organisation's structure and services (issue 13 §1)). */
export function publishUseCases(_core: DirectoryCore) {
  return {};
}
