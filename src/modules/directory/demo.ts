import type { DemoContext } from '../module.js';

/** STUB (H2): the demo region's structures and services. */
export async function seedDemoDirectory(_ctx: DemoContext): Promise<boolean> {
  return true;
}
