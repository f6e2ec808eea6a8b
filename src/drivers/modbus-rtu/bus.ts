import type { TimerHandle } from '../../core/clock.js';
import type { DriverContext } from '../driver.js';
import { FrameScanner, type Rejection } from '../frames.js';
import { answerLayout, decodeAnswer, encodeReadRequest, type ReadAnswer, type ReadRequest } from './frame.js';

/** A port that just opened may still be settling (adapter, transceiver): the first request waits this long. */
const OPEN_SETTLE_MS = 100;

/** The timing every sensor of one bus shares. */
export interface BusTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly silenceMs: number;
}

/** The request in flight: its scanner and what has come back so far. */
interface Exchange {
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
 * `silenceMs` of quiet, as an RTU frame does.
 */
export class ModbusBus {
  private pollTimer: TimerHandle | undefined;
  private answerTimer: TimerHandle | undefined;
  private silenceTimer: TimerHandle | undefined;
  private quietTimer: TimerHandle | undefined;
  private exchange: Exchange | undefined;
  private next = 0;
  private cycling = false;

  constructor(
    private readonly requests: readonly ReadRequest[],
    private readonly timing: BusTiming,
    private readonly context: DriverContext,
    private readonly onAnswer: (index: number, answer: ReadAnswer) => void,
  ) {}

  open(): void {
    this.close();
    this.pollTimer = this.context.clock.setTimeout(() => this.poll(), OPEN_SETTLE_MS);
  }

  close(): void {
    const { clock } = this.context;
    for (const timer of [this.pollTimer, this.answerTimer, this.silenceTimer, this.quietTimer]) clock.clearTimeout(timer);
    this.pollTimer = this.answerTimer = this.silenceTimer = this.quietTimer = undefined;
    this.exchange = undefined;
    this.cycling = false;
  }

  receive(chunk: Buffer): void {
    const exchange = this.exchange;
    if (!exchange) {
      this.context.problems.count('garbage-bytes', `${chunk.length} bytes while no request was outstanding`);
      return;
    }
    exchange.bytes += chunk.length;
    exchange.scanner.push(chunk);
    const { clock } = this.context;
    clock.clearTimeout(this.quietTimer);
    this.quietTimer = this.exchange === exchange ? clock.setTimeout(() => this.quiet(exchange), this.timing.silenceMs) : undefined;
  }

  private poll(): void {
    this.pollTimer = this.context.clock.setTimeout(() => this.poll(), this.timing.intervalMs);
    if (this.cycling) {
      this.context.problems.count('poll-overrun', `a poll cycle took longer than intervalMs (${this.timing.intervalMs} ms)`);
      return;
    }
    this.cycling = true;
    this.next = 0;
    this.send();
  }

  private send(): void {
    this.silenceTimer = undefined;
    if (this.next >= this.requests.length) {
      this.cycling = false;
      return;
    }
    const index = this.next++;
    const request = this.requests[index]!;
    const exchange: Exchange = {
      request,
      bytes: 0,
      corrupt: false,
      scanner: new FrameScanner(
        answerLayout(request),
        (frame) => {
          if (this.exchange !== exchange) return;
          this.finish();
          this.onAnswer(index, decodeAnswer(frame));
        },
        (rejection) => this.reject(exchange, rejection),
      ),
    };
    this.exchange = exchange;
    void this.context.write(encodeReadRequest(request));
    this.answerTimer = this.context.clock.setTimeout(() => this.timeout(exchange), this.timing.timeoutMs);
  }

  private reject(exchange: Exchange, rejection: Rejection): void {
    const { problems } = this.context;
    // A byte equal to the slave address followed by no function of ours is noise, not a frame.
    if (rejection.kind === 'garbage') problems.count('garbage-bytes', `${rejection.bytes} bytes outside any answer`);
    else if (rejection.reason === 'impossible frame length') problems.count('garbage-bytes', '1 byte outside any answer');
    else {
      problems.count('bad-frame', `${rejection.reason} from slave ${exchange.request.slave}`);
      exchange.corrupt = true;
    }
  }

  /** The line went quiet: an answer held back for a header inside it is taken; a corrupt answer is over. */
  private quiet(exchange: Exchange): void {
    this.quietTimer = undefined;
    exchange.scanner.flush();
    if (this.exchange === exchange && exchange.corrupt) this.finish();
  }

  private timeout(exchange: Exchange): void {
    this.answerTimer = undefined;
    exchange.scanner.flush();
    if (this.exchange !== exchange) return;
    if (!exchange.corrupt) {
      const { slave, address, quantity } = exchange.request;
      const received = exchange.bytes > 0 ? `${exchange.bytes} bytes` : 'nothing';
      this.context.problems.count('timeout', `slave ${slave} function ${exchange.request.function} registers ${address}-${address + quantity - 1}: ${received} within ${this.timing.timeoutMs} ms`);
    }
    this.finish();
  }

  /** The exchange is over: the bus must stay silent for `silenceMs` before the next request. */
  private finish(): void {
    const { clock } = this.context;
    clock.clearTimeout(this.answerTimer);
    clock.clearTimeout(this.quietTimer);
    this.answerTimer = this.quietTimer = undefined;
    this.exchange = undefined;
    this.silenceTimer = clock.setTimeout(() => this.send(), this.timing.silenceMs);
  }
}
