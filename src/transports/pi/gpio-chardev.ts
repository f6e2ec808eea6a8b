/**
 * The Pi's GPIO through the kernel's character device (/dev/gpiochipN), with libgpiod via
 * node-libgpiod. The only runtime file that loads node-libgpiod. It is an optional dependency
 * (it needs libgpiod's headers to build), so it is loaded when a board first asks for GPIO
 * and its absence is explained rather than crashing the node.
 */
import { GpioError, HEADER_CHIP_LABELS, type GpioBias, type GpioChip, type GpioChips, type GpioInput } from './gpio.js';
import { explainMissingModule, loadOptionalModule } from './optional-module.js';

/**
 * The part of node-libgpiod 0.5 this file uses, declared here rather than imported so that
 * type checking and building do not need the optional package to be installed.
 */
interface LibgpiodLine {
  requestInputModeFlags(consumer: string, flags: number): void;
  getValue(): 0 | 1;
  release(): void;
}
interface LibgpiodChip {
  readonly label: string;
  readonly numberOfLines: number;
}
interface Libgpiod {
  getChipNames(): string[];
  Chip: new (path: string) => LibgpiodChip;
  Line: { new (chip: LibgpiodChip, offset: number): LibgpiodLine; readonly RequestFlags: Record<'BIAS_PULL_UP' | 'BIAS_PULL_DOWN' | 'BIAS_DISABLE', number> };
}

const LIBGPIOD_INSTALL = "apt install libgpiod-dev, then npm install node-libgpiod in fieldnode's directory";

function libgpiod(): Libgpiod {
  return loadOptionalModule<Libgpiod>('node-libgpiod', (error) => new GpioError('no-library', explainMissingModule('node-libgpiod', LIBGPIOD_INSTALL, error), { cause: error }));
}

/** Turns an errno from opening or requesting into what a technician checks next. */
function explain(error: unknown, what: string): GpioError {
  if (error instanceof GpioError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENODEV':
      return new GpioError('no-chip', `${what}: no such GPIO chip`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new GpioError('permission', `${what}: permission denied; add the fieldnode user to the gpio group`, { cause: error });
    case 'EBUSY':
      return new GpioError('busy', `${what}: the line is in use by another program or a kernel driver (gpioinfo shows its owner)`, { cause: error });
    default:
      return new GpioError('io', `${what}: ${code ?? (error as Error | undefined)?.message ?? String(error)}`, { cause: error });
  }
}

const BIAS_FLAGS = { 'pull-up': 'BIAS_PULL_UP', 'pull-down': 'BIAS_PULL_DOWN', none: 'BIAS_DISABLE' } as const;

export class CharacterDeviceGpio implements GpioChips {
  /** `selector`: `auto` (the header's controller), a path such as /dev/gpiochip0, or a chip label. */
  open(selector: string): GpioChip {
    const gpiod = libgpiod();
    if (selector.startsWith('/')) return this.wrap(gpiod, selector);
    const names = (() => {
      try {
        return gpiod.getChipNames();
      } catch (error) {
        throw explain(error, 'listing GPIO chips');
      }
    })();
    const labels: string[] = [];
    for (const name of names) {
      const chip = this.wrap(gpiod, `/dev/${name}`);
      labels.push(`${name} (${chip.label})`);
      const wanted = selector === 'auto' ? (HEADER_CHIP_LABELS as readonly string[]).includes(chip.label) : chip.label === selector;
      if (wanted) return chip;
      chip.close();
    }
    const looked = selector === 'auto' ? `the header's controller (${HEADER_CHIP_LABELS.join(', ')})` : `a chip labelled ${selector}`;
    throw new GpioError('no-chip', `no GPIO chip is ${looked}; this machine has ${labels.length ? labels.join(', ') : 'no GPIO chips'}`);
  }

  private wrap(gpiod: Libgpiod, path: string): GpioChip {
    let chip: LibgpiodChip | undefined;
    try {
      chip = new gpiod.Chip(path);
    } catch (error) {
      throw explain(error, path);
    }
    const opened = chip;
    // One Line object per offset for the chip's life: libgpiod hands every Line of an offset
    // the same native line, and a dropped Line object releases it when collected, even if
    // another has requested it since.
    const lines = new Map<number, LibgpiodLine>();
    const requested = new Set<number>();
    const release = (offset: number) => {
      if (requested.delete(offset)) lines.get(offset)?.release();
    };
    return {
      label: opened.label,
      path,
      lineCount: opened.numberOfLines,
      requestInput(offset: number, bias: GpioBias, consumer: string): GpioInput {
        if (!chip) throw new GpioError('io', `${path} is closed`);
        const line = lines.get(offset) ?? new gpiod.Line(chip, offset);
        lines.set(offset, line);
        release(offset);
        try {
          line.requestInputModeFlags(consumer, gpiod.Line.RequestFlags[BIAS_FLAGS[bias]]);
        } catch (error) {
          throw explain(error, `${path} line ${offset}`);
        }
        requested.add(offset);
        return {
          read: () => line.getValue(),
          release: () => release(offset),
        };
      },
      close() {
        for (const offset of [...requested]) release(offset);
        lines.clear();
        // The native chip closes its file when collected; drop every reference to it.
        chip = undefined;
      },
    };
  }
}
