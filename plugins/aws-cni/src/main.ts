// The only file of aws-cni that touches `process`.
import { pluginMain, processIo } from '@vpc-cni-ts/sdk';

import { AWS_CNI_INFO, createAwsCniHandlers } from './plugin';

void pluginMain(createAwsCniHandlers(), AWS_CNI_INFO, processIo(process));
