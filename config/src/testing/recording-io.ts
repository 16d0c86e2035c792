import type { CliIo } from '../cli/cli-io';

/** A CliIo that keeps everything written, for tests. */
export class RecordingIo implements CliIo {
  out = '';
  err = '';
  readonly files = new Map<string, string>();
  stdout(text: string): void {
    this.out += text;
  }
  stderr(text: string): void {
    this.err += text;
  }
  writeFile(path: string, text: string): void {
    this.files.set(path, text);
  }
}
