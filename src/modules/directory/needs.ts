import type { IdentityDeps } from '../identity/deps.js';

/** The services the directory uses: identity (organisations) and referentials (communes). */
export type DirectoryNeeds = IdentityDeps;
