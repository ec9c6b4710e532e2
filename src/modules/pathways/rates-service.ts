import type { PathwaysCore } from './core.js';

/** Dynamic-exit rates and the CTA's steering (issue 12 §6). */
export function ratesUseCases(_core: PathwaysCore) {
  return {};
}
