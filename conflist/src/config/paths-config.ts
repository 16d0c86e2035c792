// SPDX-License-Identifier: Apache-2.0
import { type EnvReader } from './env-reader';

/** Where the executables read from and write to; every root can be moved (tests point them at a temp dir). */
export interface PathsConfig {
  /** `HOST_CNI_BIN_PATH` (default `/host/opt/cni/bin`): where plugin executables are installed. */
  readonly hostCniBinPath: string;
  /** `VPC_CNI_TS_PLUGIN_DIR` (default: the working directory, as upstream): where the executables to install are. */
  readonly pluginSourceDir: string;
  /** `AWS_EC2_METADATA_SERVICE_ENDPOINT` (default `http://169.254.169.254`): IMDS base URL. */
  readonly imdsEndpoint: string;
}

/** Reads the common paths; `cwd` is the process working directory (the default plugin source dir). */
export function readPathsSection(r: EnvReader, cwd: string): PathsConfig {
  const imdsEndpoint = r.string('AWS_EC2_METADATA_SERVICE_ENDPOINT', 'http://169.254.169.254').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(imdsEndpoint)) {
    r.fail('AWS_EC2_METADATA_SERVICE_ENDPOINT', `${JSON.stringify(imdsEndpoint)} is not an http(s)://host[:port] URL`);
  }
  return {
    hostCniBinPath: r.string('HOST_CNI_BIN_PATH', '/host/opt/cni/bin'),
    pluginSourceDir: r.string('VPC_CNI_TS_PLUGIN_DIR', cwd),
    imdsEndpoint,
  };
}
