import type { PathwaysCore } from './core.js';

/** IAE eligibility, PASS IAE, contracts and exits (issue 12 §3-5): written by the IAE use cases. */
export function iaeUseCases(_core: PathwaysCore) {
  return {};
}
