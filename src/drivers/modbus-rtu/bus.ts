import type { TimerHandle } from '../../core/clock.js';
import type { BytesContext } from '../driver.js';
import { FrameScanner, type Rejection } from '../frames.js';
import { RequestResponse } from '../request-response.js';
import { answerLayout, decodeAnswer, encodeReadRequest, type ReadAnswer, type ReadRequest } from './frame.js';

/** A port that just opened may still be settling (adapter, transceiver): the first request waits this long. */
const OPEN_SETTLE_MS = 100;

/** The timing of the bus, given once for the device. */
export interface BusTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly silenceMs: number;
  /** Further attempts of a request that timed out or came back corrupt. */
  readonly retries: number;
}

/** One attempt of a request on the line: its scanner and what has come back so far. */
interface Attempt {
  readonly request: ReadRequest;
  readonly scanner: FrameScanner;
  bytes: number;
  /** A frame of this slave failed its CRC: the slave answered, badly, so silence ends the wait. */
  corrupt: boolean;
}

/**
 * The master's side of one RS-485 bus (Modbus over Serial Line V1.02 §2.4.1, §2.5.1.1): one
 * request outstanding at a time, the next one only after the answer (or the response timeout)
 * and the inter-frame silence. Every `intervalMs` a cycle runs through `requests`; a cycle
 * still running when the next is due makes that one skip (`poll-overrun`). An answer ends at
 * `silenceMs` of quiet, as an RTU frame does. A request that timed out or came back corrupt is
 * sent again up to `retries` times, after the silence, as §2.4.1 allows the master; an
 * exception is a valid answer and is not.
 */
export class ModbusBus {
  private pollTimer: TimerHandle | undefined;
  private silenceTimer: TimerHandle | undefined;
  private quietTimer: TimerHandle | undefined;
  private attempt: Attempt | undefined;
  private next = 0;
  private cycling = false;
  private readonly exchange: RequestResponse<number>;

  constructor(
    private readonly requests: readonly ReadRequest[],
    private readonly timing: BusTiming,
    private readonly context: BytesContext,
    private readonly onAnswer: (index: number, answer: ReadAnswer) => void,
  ) {
    this.exchange = new RequestResponse<number>({
      clock: context.clock,
      timeoutMs: timing.timeoutMs,
      retries: timing.retries,
      retryDelayMs: timing.silenceMs,
      send: (index, attempt) => this.transmit(index, attempt),
      beforeTimeout: () => this.attempt?.scanner.flush(),
      onTimeout: (_index, attempt) => this.timedOut(attempt),
      // The exchange is over: the bus must stay silent for `silenceMs` before the next request.
      onSettled: () => (this.silenceTimer = this.context.clock.setTimeout(() => this.sendNext(), this.timing.silenceMs)),
    });
  }

  open(): void {
    this.close();
    this.pollTimer = this.context.clock.setTimeout(() => this.poll(), OPEN_SETTLE_MS);
  }

  close(): void {
    const { clock } = this.context;
    for (const timer of [this.pollTimer, this.silenceTimer, this.quietTimer]) clock.clearTimeout(timer);
    this.pollTimer = this.silenceTimer = this.quietTimer = undefined;
    this.exchange.stop();
    this.attempt = undefined;
    this.cycling = false;
  }

  receive(chunk: Buffer): void {
    const attempt = this.attempt;
    if (!attempt) {
      this.context.problems.count('garbage-bytes', `${chunk.length} bytes while no request was outstanding`);
      return;
    }
    attempt.bytes += chunk.length;
    attempt.scanner.push(chunk);
    const { clock } = this.context;
    clock.clearTimeout(this.quietTimer);
    this.quietTimer = this.attempt === attempt ? clock.setTimeout(() => this.quiet(attempt), this.timing.silenceMs) : undefined;
  }

  private poll(): void {
    this.pollTimer = this.context.clock.setTimeout(() => this.poll(), this.timing.intervalMs);
    if (this.cycling) {
      this.context.problems.count('poll-overrun', `a poll cycle took longer than intervalMs (${this.timing.intervalMs} ms)`);
      return;
    }
    this.cycling = true;
    this.next = 0;
    this.sendNext();
  }

  private sendNext(): void {
    this.silenceTimer = undefined;
    if (this.next >= this.requests.length) {
      this.cycling = false;
      return;
    }
    this.exchange.request(this.next++);
  }

  /** Puts one attempt of request `index` on the line, with a scanner of its own so nothing of an earlier attempt leaks in. */
  private transmit(index: number, attemptNumber: number): void {
    const request = this.requests[index]!;
    const attempt: Attempt = {
      request,
      bytes: 0,
      corrupt: false,
      scanner: new FrameScanner(
        answerLayout(request),
        (frame) => {
          if (this.attempt !== attempt) return;
          this.endAttempt();
          this.exchange.answered();
          this.onAnswer(index, decodeAnswer(frame));
        },
        (rejection) => this.reject(attempt, rejection),
      ),
    };
    this.attempt = attempt;
    if (attemptNumber > 1) this.context.logger.debug({ slave: request.slave, attempt: attemptNumber }, 'modbus request retried');
    void this.context.write(encodeReadRequest(request));
  }

  private reject(attempt: Attempt, rejection: Rejection): void {
    const { problems } = this.context;
    // A byte equal to the slave address followed by no function of ours is noise, not a frame.
    if (rejection.kind === 'garbage') problems.count('garbage-bytes', `${rejection.bytes} bytes outside any answer`);
    else if (rejection.reason === 'impossible frame length') problems.count('garbage-bytes', '1 byte outside any answer');
    else {
      problems.count('bad-frame', `${rejection.reason} from slave ${attempt.request.slave}`);
      attempt.corrupt = true;
    }
  }

  /** The line went quiet: an answer held back for a header inside it is taken; a corrupt answer is over. */
  private quiet(attempt: Attempt): void {
    this.quietTimer = undefined;
    attempt.scanner.flush();
    if (this.attempt !== attempt || !attempt.corrupt) return;
    this.endAttempt();
    this.exchange.failed();
  }

  /** No complete answer within timeoutMs: counted unless the slave already answered with a corrupt frame, itself counted. */
  private timedOut(attemptNumber: number): void {
    const attempt = this.attempt;
    this.endAttempt();
    if (!attempt || attempt.corrupt) return;
    const { slave, address, quantity } = attempt.request;
    const received = attempt.bytes > 0 ? `${attempt.bytes} bytes` : 'nothing';
    const which = this.timing.retries > 0 ? ` (attempt ${attemptNumber} of ${this.timing.retries + 1})` : '';
    this.context.problems.count('timeout', `slave ${slave} function ${attempt.request.function} registers ${address}-${address + quantity - 1}: ${received} within ${this.timing.timeoutMs} ms${which}`);
  }

  /** This attempt is over: bytes from now on answer nothing until the next one goes out. */
  private endAttempt(): void {
    this.context.clock.clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    this.attempt = undefined;
  }
}
