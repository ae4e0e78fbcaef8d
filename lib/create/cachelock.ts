// A lock per image around the download template's run, taken in the create worker. lxc-download
// (3.0 to 6.0) keeps no lock of its own: two creates of one image with an empty cache each
// download it, then each `rm -Rf` the cache directory and `mv` its copy in while the other may be
// unpacking from it. Here a create that will only read the cache (it is complete and not about to
// expire) shares the lock; one that may write it (an empty, partial or expired cache, flushCache)
// holds it alone, and a partial cache left by a killed download is removed first. N creates of one
// image at once: the first downloads, the others then unpack from the cache together. A normal
// user's template runs as the container's root in a user namespace, so a partial cache it left is
// owned by the user's subordinate ids, which the worker cannot remove: the template removes it then
// (--flush-cache), under the same exclusive lock.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { flock, LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN } from '../../ffi/libc.js';

/** What the worker needs to lock one image's cache (lib/create/protocol.ts CreateRequest.cacheLock). */
export interface CacheLock {
  /** The image's cache directory: LXC_CACHE_PATH/download/DIST/RELEASE/ARCH/VARIANT. */
  dir: string;
  /** --flush-cache: the template removes the cache, so it writes. */
  flush: boolean;
  /** --force-cache: the template uses any cache it finds, so it only reads. */
  force: boolean;
  /** The template's DOWNLOAD_MODE: 'user' in a user namespace (a normal user's create). */
  mode: 'system' | 'user';
}

// A cache expiring within this many seconds counts as expired: the template reads the expiry a
// moment after the check here, and must not find it past then while others hold the lock shared.
const EXPIRY_MARGIN_S = 60;
// Between tries for the lock: async, so the worker still sees its parent go away.
const RETRY_MS = 50;

/** lxc-download's relevant_file(): NAME-MODE, then NAME(-MODE).COMPAT when present. */
function relevant(dir: string, name: string, mode: string): string {
  let file = `${dir}/${name}`;
  if (existsSync(`${file}-${mode}`)) file = `${file}-${mode}`;
  if (existsSync(`${file}.7`)) file = `${file}.7`;
  return file;
}

/**
 * Whether the template will use the cache as it is, writing nothing: complete and not (about to be) expired.
 *
 * @example
 * cacheReady({ dir: '/var/cache/lxc/download/debian/bookworm/amd64/default', flush: false, force: false, mode: 'system' }) // true once downloaded
 */
export function cacheReady(l: CacheLock, now = Date.now() / 1000): boolean {
  if (l.flush) return false;
  if (!existsSync(`${l.dir}/rootfs.tar.xz`) || !existsSync(`${l.dir}/build_id`)) return false;
  if (l.force) return true;
  try {
    const expiry = Number(readFileSync(relevant(l.dir, 'expiry', l.mode), 'utf8').trim());
    return !(expiry < now + EXPIRY_MARGIN_S);
  } catch {
    // No expiry file: the template uses the cache.
    return true;
  }
}

/** A lock held: its fd, and whether the template must remove the cache first (`--flush-cache`). */
export interface HeldLock {
  fd: number;
  /** A partial cache is there that this process could not remove (files of a user namespace's ids). */
  flush: boolean;
}

/**
 * Takes the image's lock (its file is the cache directory's sibling `VARIANT.lock`, which the
 * template never removes): shared when the cache is ready, else exclusive. Resolves to the lock
 * (its fd to give to {@link unlockCache}), or null when the parent went away meanwhile.
 *
 * @example
 * const lock = await lockCache({ dir, flush: false, force: false, mode: 'system' }, () => process.connected);
 */
export async function lockCache(l: CacheLock, alive: () => boolean): Promise<HeldLock | null> {
  mkdirSync(dirname(l.dir), { recursive: true });
  // Node opens with O_CLOEXEC: the template liblxc runs does not inherit (and keep) the lock.
  const fd = openSync(`${l.dir}.lock`, 'a', 0o644);
  for (;;) {
    if (flock(fd, LOCK_SH | LOCK_NB) === 0) {
      if (cacheReady(l)) return { fd, flush: false };
      flock(fd, LOCK_UN);
    }
    if (flock(fd, LOCK_EX | LOCK_NB) === 0) {
      // Made ready while this one waited: read it shared with the others.
      if (!cacheReady(l)) {
        // A cache directory without its build_id (written last) is a download killed half-way; the
        // template would unpack from it as it is.
        let flush = false;
        if (!l.flush && existsSync(l.dir) && !existsSync(`${l.dir}/build_id`)) {
          try {
            rmSync(l.dir, { recursive: true, force: true });
          } catch (e) {
            // Owned by the subordinate ids of a normal user's template: the template removes it.
            if ((e as NodeJS.ErrnoException).code !== 'EACCES' && (e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
            flush = true;
          }
        }
        return { fd, flush };
      }
      flock(fd, LOCK_UN);
    }
    // Apart a little at random, so that creates which all tried at once do not keep colliding.
    await new Promise((r) => setTimeout(r, RETRY_MS * (0.5 + Math.random())));
    if (!alive()) {
      closeSync(fd);
      return null;
    }
  }
}

/** Lets the lock go. */
export function unlockCache(fd: number): void {
  flock(fd, LOCK_UN);
  closeSync(fd);
}
