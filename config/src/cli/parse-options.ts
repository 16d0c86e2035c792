import { ManifestError } from '../manifest-error';

/**
 * Runs `parse` (a node:util parseArgs call) and turns its errors into {@link ManifestError}s (exit code 2) that name
 * the offending option.
 */
export function withArgErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new ManifestError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}
