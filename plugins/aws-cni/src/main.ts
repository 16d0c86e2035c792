// The only file of aws-cni that touches `process`.
import { pluginMain } from '@vpc-cni-ts/sdk';

import { fastProcessIo } from './io/fast-process-io';
import { AWS_CNI_INFO, createAwsCniHandlers } from './plugin';

void pluginMain(createAwsCniHandlers(), AWS_CNI_INFO, fastProcessIo(process));
