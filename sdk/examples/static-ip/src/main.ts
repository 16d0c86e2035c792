// SPDX-License-Identifier: Apache-2.0
// The only file of the example that touches `process`.
import { pluginMain, processIo } from '@vpc-cni-ts/sdk';

import { STATIC_IP_INFO, staticIpHandlers } from './plugin';

void pluginMain(staticIpHandlers, STATIC_IP_INFO, processIo(process));
