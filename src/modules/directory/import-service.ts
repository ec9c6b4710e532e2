import type { DirectoryCore } from './core.js';

/** STUB (H1 import of a data·inclusion file (issue 13 §3)). */
export function importUseCases(_core: DirectoryCore) {
  return {};
}
