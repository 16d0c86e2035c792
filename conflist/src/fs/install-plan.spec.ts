// SPDX-License-Identifier: Apache-2.0
import { MissingExecutableError, planInstall, type SourceFile } from './install-plan';

const f = (name: string, ino: number, mode = 0o100644): SourceFile => ({ name, dev: 1, ino, mode });

describe('planInstall', () => {
  it('copies every file but the excluded ones, always with executable bits', () => {
    expect(
      planInstall([f('portmap', 1), f('aws-vpc-cni-init', 2), f('loopback', 3, 0o100700)], undefined, [
        'aws-vpc-cni-init',
      ]),
    ).toEqual([
      { kind: 'copy', name: 'loopback', mode: 0o755 },
      { kind: 'copy', name: 'portmap', mode: 0o755 },
    ]);
  });

  it('copies hard-linked names once and links the others to the first copy', () => {
    const sources = [
      f('vpc-cni', 9),
      f('aws-cni', 9),
      f('egress-cni', 9),
      f('tuning-shim', 9),
      f('bandwidth-shim', 9),
      f('other', 4),
    ];
    expect(planInstall(sources, ['aws-cni', 'egress-cni', 'bandwidth-shim', 'tuning-shim'])).toEqual([
      { kind: 'copy', name: 'aws-cni', mode: 0o755 },
      { kind: 'link', name: 'bandwidth-shim', target: 'aws-cni', mode: 0o755 },
      { kind: 'link', name: 'egress-cni', target: 'aws-cni', mode: 0o755 },
      { kind: 'link', name: 'tuning-shim', target: 'aws-cni', mode: 0o755 },
    ]);
  });

  it('names every wanted file that is missing', () => {
    expect(() => planInstall([f('aws-cni', 1)], ['aws-cni', 'egress-cni', 'tuning-shim'])).toThrow(
      new MissingExecutableError('not found in the source directory: egress-cni, tuning-shim'),
    );
  });
});
