// SPDX-License-Identifier: Apache-2.0
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

import { writeFileAtomic } from '../fs';
import { type AwsConflist, CONFLIST_FILE_NAME, renderConflist } from '../generate';

/** The port: where the generated conflist goes. */
export interface ConflistSink {
  /** Publishes the conflist (all or nothing); returns where it went. */
  write(conflist: AwsConflist): Promise<string>;
}

/** Adapter: `<dir>/10-aws.conflist`, written atomically (the directory is created if missing). */
export class DirConflistSink implements ConflistSink {
  constructor(private readonly dir: string) {}

  async write(conflist: AwsConflist): Promise<string> {
    const file = path.join(this.dir, CONFLIST_FILE_NAME);
    await fsp.mkdir(this.dir, { recursive: true });
    await writeFileAtomic(file, renderConflist(conflist));
    return file;
  }
}
