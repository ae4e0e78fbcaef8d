// The Container for another name, for the calls that resolve one (clone, rename, snapshotRestore).
// container.ts registers the constructor here, so the families never import the class at run time.
import type { Container } from '../container.js';

let make: ((name: string, lxcpath: string) => Container) | undefined;

/** Called once by container.ts. */
export function setSiblingFactory(f: (name: string, lxcpath: string) => Container): void {
  make = f;
}

/** A new Container object for `name` in `lxcpath`. */
export function sibling(name: string, lxcpath: string): Container {
  return make!(name, lxcpath);
}
