// SPDX-License-Identifier: Apache-2.0
// The only file touching `process`: wires the real kernel adapter to the handlers and runs one CNI command.
import { pluginMain, processIo } from '@vpc-cni-ts/sdk/skel';

import { sdkPlugin } from './cni/sdk-adapter';
import { bandwidthHandlers } from './handlers/bandwidth-handlers';
import { TcShapingKernel } from './kernel/tc-kernel';

const [verbs, info] = sdkPlugin(bandwidthHandlers(new TcShapingKernel()));
void pluginMain(verbs, info, processIo(process));
