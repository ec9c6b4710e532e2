import type { DirectoryCore } from './core.js';

/** STUB (H2 search (issue 13 §2)). */
export function searchUseCases(_core: DirectoryCore) {
  return {};
}
