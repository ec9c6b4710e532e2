import type { DirectoryCore } from './core.js';

/** STUB (H2 sheets of a service and a structure). */
export function sheetUseCases(_core: DirectoryCore) {
  return {};
}
