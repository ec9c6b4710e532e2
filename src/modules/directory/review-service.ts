import type { DirectoryCore } from './core.js';

/** STUB (H3 freshness and reminders (issue 13 §5)). */
export function reviewUseCases(_core: DirectoryCore) {
  return {};
}
