// SPDX-License-Identifier: Apache-2.0
import { isEc2Error, type Clock, type Logger } from '../ports';
import { missingTags } from './eni-tags';
import type { EniHygieneApi } from './hygiene-api';

/** An attached ENI ipamd manages, as the tagger needs it. */
export interface TaggableEni {
  readonly id: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly isTrunk?: boolean;
}

/**
 * Give managed, non-trunk ENIs the tags they lack (`managedEniTags`), one `CreateTags` per ENI that needs it, each
 * retried up to 5 times with backoff 0.5 s -> 60 s and 30 % jitter (upstream). Returns the ids tagged and those that
 * failed; never throws.
 */
export async function tagManagedEnis(
  enis: readonly TaggableEni[],
  wanted: Readonly<Record<string, string>>,
  deps: { readonly api: Pick<EniHygieneApi, 'createTags'>; readonly clock: Clock; readonly logger: Logger },
): Promise<{ tagged: string[]; failed: string[] }> {
  const tagged: string[] = [];
  const failed: string[] = [];
  for (const e of enis) {
    if (e.isTrunk) continue;
    const add = missingTags(e.tags, wanted);
    if (!Object.keys(add).length) continue;
    let delay = 500;
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.api.createTags(e.id, add);
        tagged.push(e.id);
        break;
      } catch (err) {
        if (attempt >= 5 || isEc2Error(err, 'not-found', 'unauthorized')) {
          failed.push(e.id);
          deps.logger.warn({ eni: e.id, err: (err as Error).message, attempt }, 'could not tag ENI');
          break;
        }
        await deps.clock.sleep(delay * (1 + 0.3 * deps.clock.random()));
        delay = Math.min(60_000, delay * 2);
      }
    }
  }
  return { tagged, failed };
}
