/**
 * A read loop for serialport's Unix bindings that treats a hang-up as a disconnect.
 *
 * bindings-cpp 13's unixRead retries a zero-length read at once, without polling, forever.
 * A tty returns zero bytes only once it is hung up: when a pty's other end closes, or a
 * USB-serial adapter is pulled out, the kernel hangs the tty up and every later read of
 * the open file returns 0. A read that lands after the hang-up (likely while data is
 * flowing) therefore spins on the thread pool, never reaches the stream, and the port
 * looks open and silent while a core burns. A read that was waiting in the poller instead
 * gets POLLERR (which libuv reports as EBADF), and one that lands between the other end's
 * close and the hang-up gets EIO: both surfaced as errors already, which is why only some
 * unplugs went unnoticed. Here all three are one error, HANG_UP, and nothing spins.
 */
import { read } from 'node:fs';

/** The message of the error a hung-up port's read fails with, so the transport can name the reason. */
export const HANG_UP = 'the serial port hung up';

/** The parts of a bindings-cpp Unix port binding (Linux, macOS) that reading needs. */
interface UnixPort {
  readonly isOpen: boolean;
  readonly fd: number | null;
  readonly poller: { once(event: 'readable', listener: (error?: Error | null) => void): unknown };
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
          return isUnixPort(port) ? withHangupRead(port) : port;
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function isUnixPort(port: object): port is UnixPort {
  return 'fd' in port && typeof port.fd === 'number' && 'poller' in port && typeof port.poller === 'object' && port.poller !== null;
}

/** The port itself for everything but read, so its close, write and state stay its own. */
function withHangupRead<Port extends UnixPort>(port: Port): Port {
  const hangupRead = (buffer: Buffer, offset: number, length: number) => readOrHangUp(port, buffer, offset, length);
  return new Proxy(port, {
    get(target, key) {
      if (key === 'read') return hangupRead;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Non-blocking tty reads: EAGAIN means "no data yet", so wait for the poller and try again. */
const TRY_AGAIN = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);
/** What a read of a tty whose device or other end went away fails with. */
const HUNG_UP_CODES = new Set(['EIO', 'ENXIO']);

async function readOrHangUp(port: UnixPort, buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    const fd = port.fd;
    if (!port.isOpen || fd === null) throw canceled();
    let bytesRead: number;
    try {
      bytesRead = await readFd(fd, buffer, offset, length);
    } catch (error) {
      // Closed while reading (EBADF on a closed descriptor): the stream expects "canceled".
      if (!port.isOpen) throw canceled();
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (HUNG_UP_CODES.has(code)) throw hungUp(error as Error);
      if (!TRY_AGAIN.has(code)) throw error;
      await readable(port);
      continue;
    }
    if (bytesRead === 0) {
      if (!port.isOpen) throw canceled();
      throw hungUp();
    }
    return { buffer, bytesRead };
  }
}

function readFd(fd: number, buffer: Buffer, offset: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buffer, offset, length, null, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));
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
