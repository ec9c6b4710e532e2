import { EXIT_CATEGORIES, EXIT_REASON_BY_CODE } from './exit-rules.js';
import type { ContractRow } from './iae-repository.js';
import { CONTRACT_KINDS } from './iae-rules.js';

/** A contract as the pages and the API show it: its kind's and exit's labels (apart: the PASS's and the contracts' use cases both show it). */
export const contractView = (c: ContractRow) => ({
  ...c,
  kindLabel: (CONTRACT_KINDS as Record<string, { label: string }>)[c.kind]?.label ?? c.kind,
  exit: c.exit
    ? {
        ...c.exit,
        reasonLabel: EXIT_REASON_BY_CODE.get(c.exit.reason)?.label ?? c.exit.reason,
        categoryLabel: EXIT_CATEGORIES[c.exit.category as keyof typeof EXIT_CATEGORIES] ?? c.exit.category,
      }
    : null,
});
