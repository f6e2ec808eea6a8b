/**
 * The read loop for serialport's Unix bindings (Linux, macOS): reads that cost one wakeup
 * for many bytes, and a hang-up treated as a disconnect.
 *
 * Cost. bindings-cpp reads on libuv's thread pool: every chunk costs a round trip to a pool
 * thread and back, and the read after it another one that ends in EAGAIN before the poller
 * is asked to wait. A device that writes one line at a time thus woke the process about six
 * times per line. The descriptor is non-blocking (bindings-cpp opens it with O_NONBLOCK), so
 * here a read is a plain synchronous read(2) that returns at once with what the kernel holds
 * or EAGAIN, and after a read the loop lets bytes gather for a short while (GATHER_MS, less
 * at high baud rates) before it reads again: at 1,000 lines a second a port is read about 20
 * times a second, each read taking everything that arrived meanwhile. A quiet port is still
 * read as soon as its first byte arrives (the poller), so a lone line is not held back; only
 * a byte that follows another within the window waits for the rest. After the node writes to
 * the port (a Modbus or MH-Z19 request, a Firmata query) reads are prompt for a while
 * (ANSWER_MS), so an answer is never held back by the window, whatever the device's pace.
 * A quiet port is read only once the poller says it is readable: Node's readSync reports
 * EAGAIN by throwing an error with a stack trace (15 to 30 µs), and trying blindly after
 * every line made two of those and an extra wakeup per line of a quiet port. A streaming
 * port is read at once when its window has passed: it almost always holds bytes by then,
 * and asking the poller first costs four system calls a read (libuv starts the watch, polls,
 * and stops it again), with a promise and a listener, each read; the one empty read at the
 * end of a stream sends the loop back to the poller.
 *
 * Hang-up. bindings-cpp 13's unixRead retries a zero-length read at once, without polling,
 * forever. A tty returns zero bytes only once it is hung up: when a pty's other end closes,
 * or a USB-serial adapter is pulled out, the kernel hangs the tty up and every later read of
 * the open file returns 0. A read that lands after the hang-up (likely while data is
 * flowing) therefore spun on the thread pool, never reached the stream, and the port looked
 * open and silent while a core burned. A read that was waiting in the poller instead gets
 * POLLERR (which libuv reports as EBADF), and one that lands between the other end's close
 * and the hang-up gets EIO: both surfaced as errors already, which is why only some unplugs
 * went unnoticed. Here all three are one error, HANG_UP, and nothing spins.
 */
import { readSync } from 'node:fs';

/** The message of the error a hung-up port's read fails with, so the transport can name the reason. */
export const HANG_UP = 'the serial port hung up';

/**
 * How long bytes may gather after a read before the next one. Each read costs the node a
 * wakeup and a pass through the stream, the line framer and the driver, and each wakeup of a
 * small gateway (or a virtual machine) costs more than the work it brings: at 1,000 lines a
 * second CPU per reading fell by about 30 % from a 20 ms window to 50 ms, and by about 15 %
 * more from 50 ms to this one (the process's context switches from about 94 a second to 78).
 * The cost is time: a line that follows another within a window (a device printing more
 * than about 10 lines a second) is read, and so dated, up to a window late, still well
 * inside a batch's second. The kernel's tty buffer holds 4 KiB and a UART without flow
 * control loses what overflows it, so the window never lets more than a quarter of it
 * (1 KiB) arrive at the port's baud rate: 100 ms up to 102,400 baud (8N1: ten bits a byte),
 * 88 ms at 115,200, 22 ms at 460,800, 10 ms at 1 Mbaud.
 */
export const GATHER_MS = 100;
const GATHER_BYTES = 1024;

/**
 * A read this large took half of what the tty holds (4 KiB): the device outpaces the window (a
 * native-USB board or a pty sending as fast as it may), and waiting would only stall it behind
 * a full buffer, capping a burst at 4 KiB a window. The next read then goes at once. A UART
 * never gets here: the window lets at most 1 KiB arrive at its baud rate.
 */
export const FLOOD_BYTES = 2048;

/** The gathering window for a port at `baudRate` (see GATHER_MS). */
export function gatherWindowMs(baudRate: number | undefined): number {
  if (!baudRate || !(baudRate > 0)) return GATHER_MS;
  return Math.min(GATHER_MS, Math.floor((GATHER_BYTES * 10 * 1000) / baudRate));
}

/** The parts of a bindings-cpp Unix port binding (Linux, macOS) that reading needs. */
interface UnixPort {
  readonly isOpen: boolean;
  readonly fd: number | null;
  readonly poller: { once(event: 'readable', listener: (error?: Error | null) => void): unknown };
  write(buffer: Buffer): Promise<void>;
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
}

/** The part of a serialport binding that opens ports. */
interface OpeningBinding {
  open(options: never): Promise<object>;
}

/** Wraps a serialport binding so that its Unix ports report a hang-up instead of spinning; other ports are left as they are. */
export function hangupAware<Binding extends OpeningBinding>(binding: Binding): Binding {
  return new Proxy(binding, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (key === 'open') {
        return async (options: never) => {
          const port = await target.open(options);
          return isUnixPort(port) ? withHangupRead(port, gatherWindowMs((options as { baudRate?: number } | undefined)?.baudRate)) : port;
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function isUnixPort(port: object): port is UnixPort {
  return 'fd' in port && typeof port.fd === 'number' && 'poller' in port && typeof port.poller === 'object' && port.poller !== null;
}

/** The port itself for everything but read and write, so its close and state stay its own; a write only marks that an answer may come. */
function withHangupRead<Port extends UnixPort>(port: Port, gatherMs: number): Port {
  const gathering: Gathering = { gatherMs, lastReadAt: -Infinity, promptUntil: -Infinity };
  const hangupRead = (buffer: Buffer, offset: number, length: number) => readOrHangUp(port, gathering, buffer, offset, length);
  const write = (buffer: Buffer) => {
    gathering.promptUntil = performance.now() + ANSWER_MS;
    return port.write(buffer);
  };
  return new Proxy(port, {
    get(target, key) {
      if (key === 'read') return hangupRead;
      if (key === 'write') return write;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Non-blocking tty reads: EAGAIN means "no data yet", so wait for the poller and try again. */
const TRY_AGAIN = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);
/** What a read of a tty whose device or other end went away fails with. */
const HUNG_UP_CODES = new Set(['EIO', 'ENXIO']);

/** When the port was last read with data, how long bytes may gather after that, and whether they are streaming. */
interface Gathering {
  readonly gatherMs: number;
  lastReadAt: number;
  /** Until then reads do not wait for the window: the node wrote to the device, and an answer may be coming. */
  promptUntil: number;
  /** Bytes came soon after the last read: more are expected within the window (see STREAMING_FACTOR). */
  streaming?: boolean;
}

/**
 * After a write, how long reads stay prompt, so that an answer is read as its bytes come: an
 * MH-Z19 answer (9 bytes at 9,600 baud) takes 9 ms, a Modbus one of 40 registers 90 ms.
 */
export const ANSWER_MS = 300;

/**
 * Bytes that come within a window of the last read mean a port that streams: the next ones
 * are expected within the window, so the loop waits the window out first and then reads (one
 * wakeup a window). While it streams, reads a window apart come up to this factor late on a
 * loaded machine. Further apart, the port is quiet: the poller is asked first, so that
 * nothing wakes the process until a byte arrives (one wakeup a line). A device printing a
 * little slower than one line a window thus stays quiet: a read after each window would
 * find nothing yet and cost a wakeup and an EAGAIN on top of the poller's.
 */
const STREAMING_FACTOR = 1.5;

async function readOrHangUp(port: UnixPort, gathering: Gathering, buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    /** When the poller said bytes had come (a quiet port): whether they came within a window of the last read. */
    let cameAt: number | undefined;
    // While an answer is awaited its bytes trickle in: a blind read would mostly find none.
    if (gathering.streaming && performance.now() >= gathering.promptUntil) await gather(gathering);
    else {
      // The poller of a port closed meanwhile is gone: asking it would throw.
      if (!port.isOpen || port.fd === null) throw canceled();
      await readable(port);
      cameAt = performance.now();
      await gather(gathering);
    }
    const fd = port.fd;
    if (!port.isOpen || fd === null) throw canceled();
    let bytesRead: number;
    try {
      bytesRead = readSync(fd, buffer, offset, length, null);
    } catch (error) {
      // Closed while reading (EBADF on a closed descriptor): the stream expects "canceled".
      if (!port.isOpen) throw canceled();
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (HUNG_UP_CODES.has(code)) throw hungUp(error as Error);
      if (!TRY_AGAIN.has(code)) throw error;
      // Nothing yet: the stream paused (or, after the poller said readable, another reader
      // or a signal came first). The poller waits for the next byte.
      gathering.streaming = false;
      continue;
    }
    if (bytesRead === 0) {
      if (!port.isOpen) throw canceled();
      throw hungUp();
    }
    const readAt = performance.now();
    const flooded = bytesRead >= FLOOD_BYTES;
    // A flood holds more at once: read again without a window, and without asking the poller.
    gathering.streaming = flooded || streamsOn(gathering, readAt, cameAt);
    gathering.lastReadAt = flooded ? -Infinity : readAt;
    return { buffer, bytesRead };
  }
}

/**
 * Whether the port streams after a read at `readAt`. A quiet port (the poller said bytes came
 * at `cameAt`) starts streaming when they came within a window of the last read, so that the
 * read a window later finds some; a streaming port (read blind, `cameAt` undefined) stays so
 * while its reads are a window apart, or a little more on a loaded machine.
 */
function streamsOn(gathering: Gathering, readAt: number, cameAt: number | undefined): boolean {
  if (cameAt !== undefined) return cameAt - gathering.lastReadAt < gathering.gatherMs;
  return readAt - gathering.lastReadAt < gathering.gatherMs * STREAMING_FACTOR;
}

/** Lets the rest of a burst arrive: waits until the window after the last read has passed (not while an answer is awaited). */
async function gather(gathering: Gathering): Promise<void> {
  if (performance.now() < gathering.promptUntil) return;
  const gatherLeft = gathering.lastReadAt + gathering.gatherMs - performance.now();
  if (gatherLeft > 0) await delay(gatherLeft);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for data; the poller fails (POLLERR/POLLHUP, as EBADF) when the tty hangs up meanwhile. */
function readable(port: UnixPort): Promise<void> {
  return new Promise((resolve, reject) => {
    port.poller.once('readable', (error) => {
      if (!error) return resolve();
      if ((error as Error & { canceled?: boolean }).canceled || !port.isOpen) return reject(canceled());
      reject(hungUp(error));
    });
  });
}

/** serialport's stream ignores canceled read errors: the port is being closed on purpose. */
function canceled(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}

/** Not canceled, so serialport's stream closes the port with a DisconnectedError carrying this message. */
function hungUp(cause?: Error): Error {
  return Object.assign(new Error(HANG_UP, cause ? { cause } : undefined), { disconnect: true });
}
