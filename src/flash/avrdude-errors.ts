/**
 * What a failed avrdude run means, read from what it printed (avrdude 7.1's messages:
 * ser_open() "cannot open port", stk500_getsync() "not in sync" / "programmer is not
 * responding", stk500v2 "timeout communicating with programmer", avr_signature checks
 * "expected signature", the verify step "verification mismatch"), turned into words a
 * technician can act on. Pure: the caller passes the output and what it asked for.
 */
import { FieldnodeError } from '../core/errors.js';
import { explainOpenError } from '../transports/serial-errors.js';
import type { UploadProfile } from './avrdude-command.js';

/** A flash that did not happen or did not verify, with what to check next. */
export class FlashError extends FieldnodeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'FLASH', options);
  }
}

/** What the technician asked avrdude to do. */
export interface FlashAttempt {
  readonly boardId: string;
  readonly boardName: string;
  readonly port: string;
  readonly upload: UploadProfile;
  /** The other bootloaders the profile lists, to suggest when this one does not answer. */
  readonly otherBootloaders: readonly UploadProfile[];
}

/** The Debian package avrdude comes in, named when it is missing. */
export const AVRDUDE_PACKAGE = 'avrdude';

/** The error for an avrdude that is not installed (spawn ENOENT). */
export function avrdudeMissing(): FlashError {
  return new FlashError(`avrdude is not installed: install it with sudo apt-get install ${AVRDUDE_PACKAGE}`);
}

/** Explains avrdude's failure from its output; falls back to its last error line. */
export function explainAvrdudeFailure(output: string, attempt: FlashAttempt): Error {
  const { port, upload, boardName } = attempt;
  const openFailure = /cannot open port \S+?: (.+)$/m.exec(output);
  if (openFailure) return explainOpenError(port, new Error(openFailure[1]!));
  if (/cannot set attributes for port/.test(output)) return new FlashError(`${port} is not a serial port: give the board's port (fieldnode ports lists them)`);

  const signature = /device signature = (0x[0-9a-f]+)/i.exec(output);
  if (/expected signature/i.test(output) && signature) {
    return new FlashError(`the chip on ${port} answers with signature ${signature[1]}, which is not an ${upload.part}: is this really an ${boardName}? Give its --board`);
  }
  if (/not in sync|programmer is not responding|timeout communicating with programmer|stk500v2_ReceiveMessage\(\): timeout|getsync\(\)/i.test(output)) {
    const others = attempt.otherBootloaders.map((other) => `--bootloader ${other.bootloader} (${other.baud} baud: ${other.description})`);
    return new FlashError(
      [
        `no answer from a bootloader on ${port} at ${upload.baud} baud (${upload.bootloader}, avrdude -c ${upload.programmer})`,
        others.length > 0 ? `the board may carry another bootloader: try ${others.join(', or ')}` : undefined,
        `check that the port is the ${boardName}'s (fieldnode ports) and that nothing else holds it`,
        'a board whose DTR line does not reset it (some clones, a USB-serial adapter without the reset wire) needs its reset button pressed just as avrdude starts',
      ]
        .filter((line) => line !== undefined)
        .join('; '),
    );
  }
  const mismatch = /verification mismatch|verification error[^\n]*/i.exec(output);
  if (mismatch) return new FlashError(`the flash did not read back as written (${mismatch[0].trim()}): flash again; if it persists, the power supply or the chip is at fault`);
  if (/can't open input file|No such file or directory.*\.hex|error reading/i.test(output)) return new FlashError(`avrdude could not read the .hex file: ${lastErrorLine(output)}`);
  return new FlashError(`avrdude failed: ${lastErrorLine(output)}`);
}

/** The bytes avrdude reports written ("avrdude: 9908 bytes of flash written"), if it got that far. */
export function bytesWritten(output: string): number | undefined {
  const match = /(\d+) bytes of flash written/.exec(output);
  return match ? Number(match[1]) : undefined;
}

function lastErrorLine(output: string): string {
  const lines = output.split(/\r?\n/).map((line) => line.trim()).filter((line) => /error/i.test(line));
  return (lines.at(-1) ?? output.trim().split(/\r?\n/).at(-1) ?? 'no output').replace(/^avrdude( OS)? error:\s*/, '');
}
