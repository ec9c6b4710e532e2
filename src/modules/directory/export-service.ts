import type { DirectoryCore } from './core.js';

/** STUB (H1 export in the schema (issue 13 §3)). */
export function exportUseCases(_core: DirectoryCore) {
  return {};
}
