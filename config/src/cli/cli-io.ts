/** What a CLI needs from the process; main.ts supplies the real one, tests a recording fake. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  writeFile(path: string, text: string): void;
}
