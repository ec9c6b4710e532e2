import type { Children } from '@kitajs/html';

/**
 * A component's children as a flat list, without the empty ones a `cond ? <x /> : ''` leaves: a
 * component that wraps each child (a grid column, a list item) must not wrap nothing.
 */
export function childList(children: Children | undefined): unknown[] {
  const flat = (c: unknown): unknown[] => (Array.isArray(c) ? c.flatMap(flat) : [c]);
  return flat(children).filter((c) => c !== '' && c !== undefined && c !== null && c !== false);
}
