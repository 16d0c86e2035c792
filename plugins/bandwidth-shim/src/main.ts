// SPDX-License-Identifier: Apache-2.0
// The only file touching `process`: wires the real kernel adapter to the handlers and runs one CNI command.
import { pluginMain, processIo, requestPlugin } from '@vpc-cni-ts/sdk/skel';

import { bandwidthHandlers } from './handlers/bandwidth-handlers';
import { TcShapingKernel } from './kernel/tc-kernel';

const [verbs, info] = requestPlugin(bandwidthHandlers(new TcShapingKernel()));
void pluginMain(verbs, info, processIo(process));
