/**
 * Questions at a terminal, one at a time, over node:readline: a default shown in brackets
 * and taken on Enter, every answer checked on the spot and asked again with the reason. Input
 * and output are injected, so the wizard runs the same on a tty, a pty in a test or a pipe.
 */
import { createInterface, type Interface } from 'node:readline';
import { Writable, type Readable } from 'node:stream';

/** An answer's check: undefined when it is fine, otherwise the reason it is not. */
export type Check = (answer: string) => string | undefined;

export interface AskOptions {
  readonly default?: string | undefined;
  readonly check?: Check | undefined;
  /** Keystrokes are not echoed (a password). */
  readonly secret?: boolean;
  /** An empty answer is accepted as "none" (when there is no default). */
  readonly optional?: boolean;
}

/** Asks questions; `close()` releases the terminal. */
export class Prompter {
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private ended = false;
  private muted = false;
  private readonly readline: Interface;

  constructor(
    input: Readable,
    private readonly output: NodeJS.WritableStream,
    terminal = Boolean((input as { isTTY?: boolean }).isTTY),
  ) {
    // readline echoes what is typed through this stream: muting it hides a password.
    const echo = new Writable({ write: (chunk, _encoding, done) => (this.muted ? done() : output.write(chunk, done)) });
    this.readline = createInterface({ input, output: echo, terminal });
    this.readline.on('line', (line) => this.deliver(line));
    // Ctrl-C at a question ends the wizard like Ctrl-D: nothing is written.
    this.readline.on('SIGINT', () => this.readline.close());
    this.readline.on('close', () => {
      this.ended = true;
      this.deliver(undefined);
    });
  }

  /** Writes a line of explanation between questions. */
  say(text: string): void {
    this.output.write(`${text}\n`);
  }

  /** Asks until the answer passes its check; Enter takes the default. Fails if the input ends. */
  async ask(question: string, options: AskOptions = {}): Promise<string> {
    for (;;) {
      const shown = options.default !== undefined && !options.secret ? ` [${options.default}]` : '';
      this.output.write(`${question}${shown}: `);
      this.muted = options.secret === true;
      const line = await this.nextLine();
      if (this.muted) this.output.write('\n');
      this.muted = false;
      if (line === undefined) throw new InputEnded(question);
      const answer = line.trim() === '' ? (options.default ?? '') : line.trim();
      if (answer === '' && !options.optional) {
        this.say('  an answer is needed here');
        continue;
      }
      const reason = answer === '' ? undefined : options.check?.(answer);
      if (reason === undefined) return answer;
      this.say(`  ${reason}`);
    }
  }

  /** A yes/no question. */
  async confirm(question: string, fallback: boolean): Promise<boolean> {
    const answer = await this.ask(`${question} (y/n)`, { default: fallback ? 'y' : 'n', check: (text) => (/^(y|yes|n|no)$/i.test(text) ? undefined : 'answer y or n') });
    return /^y/i.test(answer);
  }

  /** One of a numbered list, by number or by its name; returns its index. */
  async choose(question: string, names: readonly string[], fallback = 0): Promise<number> {
    const answer = await this.ask(question, {
      default: String(fallback + 1),
      check: (text) => (indexIn(names, text) === undefined ? `pick a number from 1 to ${names.length}, or a name from the list` : undefined),
    });
    return indexIn(names, answer)!;
  }

  close(): void {
    this.readline.close();
  }

  private nextLine(): Promise<string | undefined> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  private deliver(line: string | undefined): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting(line);
    else if (line !== undefined) this.lines.push(line);
  }
}

/** The input ended (Ctrl-D) before a question was answered. */
export class InputEnded extends Error {
  constructor(question: string) {
    super(`input ended before "${question}" was answered`);
  }
}

/** The index of an answer given as a 1-based number or as a name in the list. */
export function indexIn(names: readonly string[], text: string): number | undefined {
  const number = /^\d+$/.test(text) ? Number(text) - 1 : names.indexOf(text);
  return number >= 0 && number < names.length ? number : undefined;
}
