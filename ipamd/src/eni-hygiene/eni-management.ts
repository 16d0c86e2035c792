// SPDX-License-Identifier: Apache-2.0
import { TAG_INSTANCE_ID, TAG_NO_MANAGE } from './eni-tags';

/** Facts about one attached ENI for the managed/unmanaged decision. */
export interface EniManagementInput {
  readonly isPrimary: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  /** EC2 InterfaceType: `interface`, `efa`, `efa-only`, `trunk`, ... */
  readonly interfaceType?: string;
  readonly networkCard?: number;
}

export interface EniManagementContext {
  readonly instanceId: string;
  /** MANAGE_UNTAGGED_ENI (default true). */
  readonly manageUntaggedEni: boolean;
  /** ENABLE_MULTI_NIC. */
  readonly enableMultiNic: boolean;
  /** Network cards that carry only EFA-only interfaces (never managed). */
  readonly efaOnlyCards?: ReadonlySet<number>;
}

export type EniManagementReason =
  | 'primary'
  | 'efa-only'
  | 'other-network-card'
  | 'efa-only-card'
  | 'no_manage=true'
  | 'no_manage-other-value'
  | 'tagged-for-this-instance'
  | 'untagged-managed'
  | 'untagged-unmanaged';

/**
 * Whether ipamd manages an attached ENI (pure; notes 4.8 `setUnmanagedENIs`), with the rule that decided:
 * the primary ENI always; EFA-only interfaces never; a network card > 0 only with ENABLE_MULTI_NIC and when the
 * card is not solely EFA-only; then tag `node.k8s.amazonaws.com/no_manage` ("true" = unmanaged, any other value =
 * managed); then an `instance_id` tag naming this instance = managed; otherwise MANAGE_UNTAGGED_ENI.
 * Unmanaged ENIs are skipped and subtracted from the ENI budget. (Trunk ENIs are managed but never tagged or freed:
 * the pool's business.)
 */
export function eniManagement(
  eni: EniManagementInput,
  ctx: EniManagementContext,
): { managed: boolean; reason: EniManagementReason } {
  if (eni.isPrimary) return { managed: true, reason: 'primary' };
  if (eni.interfaceType === 'efa-only') return { managed: false, reason: 'efa-only' };
  const card = eni.networkCard ?? 0;
  if (card > 0) {
    if (!ctx.enableMultiNic) return { managed: false, reason: 'other-network-card' };
    if (ctx.efaOnlyCards?.has(card)) return { managed: false, reason: 'efa-only-card' };
  }
  const noManage = eni.tags?.[TAG_NO_MANAGE];
  if (noManage !== undefined)
    return noManage === 'true'
      ? { managed: false, reason: 'no_manage=true' }
      : { managed: true, reason: 'no_manage-other-value' };
  if (eni.tags?.[TAG_INSTANCE_ID] === ctx.instanceId) return { managed: true, reason: 'tagged-for-this-instance' };
  return ctx.manageUntaggedEni
    ? { managed: true, reason: 'untagged-managed' }
    : { managed: false, reason: 'untagged-unmanaged' };
}
