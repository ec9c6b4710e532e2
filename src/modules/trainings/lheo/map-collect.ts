import type { Rejection, Warning } from './model.js';
import type { XmlNode } from './reader.js';

/** A fault that stops reading the current record (session, action or formation) at once. */
export class RecordError extends Error {
  constructor(
    readonly node: XmlNode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What is found wrong in the record being read (a session, an action, a formation), all of it:
 * a feed's author fixes a record once when the report lists its every problem, not one per import.
 * Helpers record an error and go on with a placeholder value (the record is rejected anyway);
 * RecordError remains for the faults past which reading makes no sense. Mapping is synchronous,
 * so one stack of scopes, module-wide, serves every import; it keeps the helpers' signatures
 * (required(node, name)…) as they are.
 */
interface Scope {
  errors: { node: XmlNode; message: string }[];
  warnings: { node: XmlNode; message: string }[];
}
const scopes: Scope[] = [];
const scope = (): Scope => {
  const current = scopes.at(-1);
  if (!current) throw new Error('LHÉO mapping helper used outside mapFormation');
  return current;
};
/** Records an error of the current record; reading goes on. */
export function fault(node: XmlNode, message: string): void {
  scope().errors.push({ node, message });
}
/** Records a warning: the record is kept, and the report says what was changed or left out. */
export function warn(node: XmlNode, message: string): void {
  scope().warnings.push({ node, message });
}

/** What the reports of a formation gather: its rejections and warnings, each naming its record. */
export interface Report {
  rejections: Rejection[];
  warnings: Warning[];
}

/**
 * Reads one record (`record` names it in the report) in a scope of its own: every error it holds
 * rejects it with all of them listed; its warnings are listed whatever happens. Null when rejected.
 */
export function within<T>(report: Report, record: string, read: () => T): T | null {
  const current: Scope = { errors: [], warnings: [] };
  scopes.push(current);
  let value: T | null = null;
  try {
    value = read();
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    current.errors.push({ node: error.node, message: error.message });
  } finally {
    scopes.pop();
  }
  for (const w of current.warnings) report.warnings.push(problem(w.node, w.message, record));
  if (!current.errors.length) return value;
  for (const e of current.errors) report.rejections.push(problem(e.node, e.message, record));
  return null;
}

function problem(node: XmlNode, reason: string, record: string): Rejection {
  return { line: node.line, column: node.column, element: node.name, record, reason };
}
