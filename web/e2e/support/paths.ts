/** Repository paths the E2E harness uses. */
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The web workspace. */
export const WEB = fileURLToPath(new URL('../../', import.meta.url));
/** Built UI served by the backend (and by nginx in the image). */
export const WEB_DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
/** Screenshots and server logs of the E2E run (gitignored). */
export const REPORTS = fileURLToPath(new URL('../../../reports/e2e/', import.meta.url));
