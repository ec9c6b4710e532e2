import { buildTemplates } from './databases.js';

export default async function setup() {
  await buildTemplates();
}
