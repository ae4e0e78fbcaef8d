// Where the repository is, also when this code runs compiled from a temporary build directory.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (LXC_FFI_BENCH_REPO when the runner re-executes itself from a build). */
export const repoRoot: string = process.env.LXC_FFI_BENCH_REPO ?? fileURLToPath(new URL('../../', import.meta.url));

/** scripts/bench in the repository: the C and Python sources live there, not in a build. */
export const benchDir: string = join(repoRoot, 'scripts', 'bench');
