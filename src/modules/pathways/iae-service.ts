import { approvalUseCases } from './approval-service.js';
import { contractUseCases } from './contract-service.js';
import type { PathwaysCore } from './core.js';
import { eligibilityUseCases } from './eligibility-service.js';
import type { IaeContext } from './iae-context.js';
import { iaeRepository } from './iae-repository.js';

/**
 * IAE eligibility, PASS IAE, contracts and exits (issue 12 §3-5), one file per concern
 * (eligibility-service.ts, approval-service.ts, contract-service.ts) over one repository.
 */
export function iaeUseCases(core: PathwaysCore) {
  const ctx: IaeContext = { core, repo: iaeRepository(core.db) };
  const approvals = approvalUseCases(ctx);
  return {
    ...eligibilityUseCases(ctx),
    ...approvals,
    ...contractUseCases(ctx, approvals),
  };
}
