/**
 * avrdude's failures, as avrdude 7.1 prints them (captured from real runs: a missing port, a
 * pty with no bootloader behind it, the emulated Uno's optiboot asked for another part),
 * turned into what a technician does next.
 */
import { describe, expect, it } from 'vitest';
import { TransportError } from '../../src/core/errors.js';
import { loadBoardProfile } from '../../src/boards/load.js';
import { avrdudeMissing, bytesWritten, explainAvrdudeFailure, FlashError, type FlashAttempt } from '../../src/flash/avrdude-errors.js';

const nano = loadBoardProfile('arduino-nano');
const attempt = (bootloader = 'optiboot'): FlashAttempt => {
  const upload = nano.upload.find((candidate) => candidate.bootloader === bootloader)!;
  return { boardId: nano.id, boardName: nano.name, port: '/dev/ttyUSB0', upload, otherBootloaders: nano.upload.filter((other) => other !== upload) };
};
const done = '\navrdude done.  Thank you.\n';

describe('an avrdude failure explained', () => {
  it('names the package when avrdude is not installed', () => {
    expect(avrdudeMissing().message).toBe('avrdude is not installed: install it with sudo apt-get install avrdude');
  });

  it('says what is wrong with the port, as the node does when it cannot open one', () => {
    const missing = explainAvrdudeFailure(`avrdude OS error: cannot open port /dev/ttyUSB0: No such file or directory\navrdude error: unable to open programmer arduino on port /dev/ttyUSB0${done}`, attempt());
    expect(missing).toBeInstanceOf(TransportError);
    expect(missing.message).toMatch(/^serial port \/dev\/ttyUSB0 does not exist: check the cable/);
    const denied = explainAvrdudeFailure('avrdude OS error: cannot open port /dev/ttyUSB0: Permission denied\n', attempt());
    expect(denied.message).toMatch(/^permission denied opening \/dev\/ttyUSB0: .*dialout/);
    const busy = explainAvrdudeFailure('avrdude OS error: cannot open port /dev/ttyUSB0: Device or resource busy\n', attempt());
    expect(busy.message).toMatch(/^serial port \/dev\/ttyUSB0 is in use by another program/);
    expect(explainAvrdudeFailure('avrdude OS error: cannot set attributes for port /dev/null: Inappropriate ioctl for device\n', attempt()).message).toBe(
      "/dev/ttyUSB0 is not a serial port: give the board's port (fieldnode ports lists them)",
    );
  });

  it('suggests the other bootloader, the port and the reset when no bootloader answers', () => {
    const output = [
      'avrdude OS error: ioctl("TIOCMGET"): Inappropriate ioctl for device',
      'avrdude error: programmer is not responding',
      'avrdude warning: attempt 1 of 10: not in sync: resp=0x00',
      'avrdude error: unable to open programmer arduino on port /dev/ttyUSB0',
    ].join('\n');
    const error = explainAvrdudeFailure(output, attempt());
    expect(error).toBeInstanceOf(FlashError);
    expect(error.message).toBe(
      'no answer from a bootloader on /dev/ttyUSB0 at 115200 baud (optiboot, avrdude -c arduino); ' +
        'the board may carry another bootloader: try --bootloader atmegaboot (57600 baud: older Nanos and most clones (the IDE\'s "ATmega328P (Old Bootloader)")); ' +
        "check that the port is the Arduino Nano's (fieldnode ports) and that nothing else holds it; " +
        'a board whose DTR line does not reset it (some clones, a USB-serial adapter without the reset wire) needs its reset button pressed just as avrdude starts',
    );
    expect(explainAvrdudeFailure('avrdude error: stk500v2_ReceiveMessage(): timeout\navrdude error: stk500v2_getsync(): timeout communicating with programmer\n', attempt('atmegaboot')).message).toMatch(/^no answer from a bootloader on \/dev\/ttyUSB0 at 57600 baud .* try --bootloader optiboot \(115200 baud/);
  });

  it('says when the chip is not the board asked for', () => {
    const output = 'avrdude: device signature = 0x1e950f (probably m328p)\navrdude error: expected signature for ATmega2560 is 1E 98 01\n        double check chip or use -F to override this check\n';
    expect(explainAvrdudeFailure(output, attempt()).message).toBe('the chip on /dev/ttyUSB0 answers with signature 0x1e950f, which is not an atmega328p: is this really an Arduino Nano? Give its --board');
  });

  it('says when the flash does not read back as written, and falls back to avrdude\'s last error', () => {
    expect(explainAvrdudeFailure('avrdude error: verification mismatch\n        device 0x00 != input 0x0c at addr 0x0000 (error)\n', attempt()).message).toMatch(/^the flash did not read back as written \(verification mismatch\): flash again/);
    expect(explainAvrdudeFailure('avrdude error: something new\n', attempt()).message).toBe('avrdude failed: something new');
  });

  it('reads the bytes written from a successful run', () => {
    expect(bytesWritten('avrdude: writing 9908 bytes flash ...\navrdude: 9908 bytes of flash written\navrdude: 9908 bytes of flash verified\n')).toBe(9908);
    expect(bytesWritten('avrdude done.')).toBeUndefined();
  });
});
