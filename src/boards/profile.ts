import { z } from 'zod';

/** The two families a profile can describe: a USB-serial microcontroller, or the gateway itself. */
export const boardKinds = ['arduino', 'raspberry-pi'] as const;

/** What a pin can do, so wiring and configs can be checked against the board. */
export const pinCapabilities = [
  'digital',
  'pwm',
  'analog',
  'interrupt',
  'i2c-sda',
  'i2c-scl',
  'spi-mosi',
  'spi-miso',
  'spi-sck',
  'spi-cs',
  'uart-rx',
  'uart-tx',
] as const;
/** One entry of a pin's `capabilities`. */
export type PinCapability = (typeof pinCapabilities)[number];

/** How a board's sketch talks over the serial link. */
export const sketchProtocols = ['lines', 'firmata'] as const;

const busCapabilities = new Set<PinCapability>(['i2c-sda', 'i2c-scl', 'spi-mosi', 'spi-miso', 'spi-sck', 'spi-cs', 'uart-rx', 'uart-tx']);

/**
 * Folder-relative file names: a profile points inside its own folder, or into the sketches
 * several boards share (`../sketches/...`), never elsewhere.
 */
const relativeFile = z
  .string()
  .min(1)
  .refine((path) => {
    const parts = path.split('/');
    const inside = (rest: string[]) => !rest.includes('..');
    return !path.startsWith('/') && (inside(parts) || (parts[0] === '..' && parts[1] === 'sketches' && inside(parts.slice(1))));
  }, 'a path inside the board folder or ../sketches/ (no leading "/", no other "..")');

/** Four hex digits, as udev and serialport's list() print USB ids. */
const usbHexId = z.string().regex(/^[0-9a-f]{4}$/, 'four lower-case hex digits, e.g. "2341"');

const usbIdSchema = z.strictObject({
  vendorId: usbHexId,
  productId: usbHexId,
  description: z.string().min(1).describe('which revision or USB-serial chip enumerates with this id'),
  shared: z.boolean().default(false).describe('a generic USB-serial chip that other boards carry too: the id alone does not name the board'),
});

const pinSchema = z
  .strictObject({
    number: z.number().int().min(0).describe('Arduino pin number, or BCM GPIO number (= gpiochip line) on a Pi'),
    header: z.number().int().min(1).max(40).optional().describe('Pi: physical pin on the 40-pin header'),
    capabilities: z.array(z.enum(pinCapabilities)).min(1),
    analog: z.string().regex(/^A\d{1,2}$/, 'an analog input name such as A0').optional().describe('the name analogRead() takes, for pins with the analog capability'),
    bus: z.string().min(1).optional().describe('the peripheral an i2c/spi/uart capability belongs to: Serial1, Wire, i2c1, spi0...'),
  })
  .superRefine(
    (pin, ctx) => {
      const capabilities = Array.isArray(pin.capabilities) ? pin.capabilities : [];
      if (new Set(capabilities).size !== capabilities.length) ctx.addIssue({ code: 'custom', path: ['capabilities'], message: 'a capability is listed twice' });
      const analog = capabilities.includes('analog');
      if (analog && pin.analog === undefined) ctx.addIssue({ code: 'custom', path: ['analog'], message: 'required with the analog capability (A0, A1...)' });
      if (!analog && pin.analog !== undefined) ctx.addIssue({ code: 'custom', path: ['analog'], message: 'only pins with the analog capability have an analog name' });
      const onBus = capabilities.some((capability) => busCapabilities.has(capability));
      if (onBus && pin.bus === undefined) ctx.addIssue({ code: 'custom', path: ['bus'], message: 'required with an i2c, spi or uart capability' });
      if (!onBus && pin.bus !== undefined) ctx.addIssue({ code: 'custom', path: ['bus'], message: 'only i2c, spi and uart pins name a bus' });
    },
    { when: () => true },
  );

const analogSchema = z
  .strictObject({
    inputs: z.number().int().min(0).describe('analog input pins; 0 when the board has no ADC'),
    resolutionBits: z.number().int().min(1).max(24).optional().describe('ADC resolution: analogRead() returns 0 .. 2^bits - 1'),
    referenceVolts: z.number().positive().optional().describe('the default reference: a reading of full scale means this voltage'),
    note: z.string().min(1).optional().describe('other references, or what to use when there is no ADC'),
  })
  .superRefine(
    (analog, ctx) => {
      if (typeof analog.inputs !== 'number') return;
      if (analog.inputs > 0) {
        if (analog.resolutionBits === undefined) ctx.addIssue({ code: 'custom', path: ['resolutionBits'], message: 'required when the board has analog inputs' });
        if (analog.referenceVolts === undefined) ctx.addIssue({ code: 'custom', path: ['referenceVolts'], message: 'required when the board has analog inputs' });
      } else {
        if (analog.resolutionBits !== undefined || analog.referenceVolts !== undefined) ctx.addIssue({ code: 'custom', path: ['inputs'], message: 'a board without analog inputs has no ADC resolution or reference' });
        if (analog.note === undefined) ctx.addIssue({ code: 'custom', path: ['note'], message: 'say what to use instead of the missing ADC' });
      }
    },
    { when: () => true },
  );

const gpioChipSchema = z.strictObject({
  device: z.string().regex(/^\/dev\/gpiochip\d+$/, 'a /dev/gpiochipN path'),
  label: z.string().min(1).describe('the label gpiodetect prints; it stays put where the chip number moves'),
  lines: z.number().int().positive().describe('lines the chip has (header GPIO n is line n)'),
  lineNames: z.string().min(1).optional().describe('how gpioinfo names the lines, to find one by name'),
  kernels: z.string().min(1).optional().describe('the kernels where this numbering holds, when it changed'),
});

const sketchSchema = z
  .strictObject({
    name: z.string().min(1),
    protocol: z.enum(sketchProtocols).describe('lines: read by the lines driver; firmata: driven over Firmata'),
    baud: z.number().int().positive().describe('the rate the sketch calls Serial.begin() with'),
    path: relativeFile.optional().describe('our sketch, relative to the board folder'),
    library: z.string().min(1).optional().describe('a library example instead, as Library/Example'),
    description: z.string().min(1),
  })
  .superRefine(
    (sketch, ctx) => {
      if ((sketch.path === undefined) === (sketch.library === undefined)) ctx.addIssue({ code: 'custom', path: ['path'], message: 'give exactly one of path (our sketch) or library (a library example)' });
    },
    { when: () => true },
  );

/**
 * How avrdude reaches the bootloader a board carries: the facts of boards.txt
 * (`<board>[.menu.cpu.<cpu>].upload.protocol`, `.upload.speed`, `.upload.maximum_size`,
 * `.build.mcu`), which the Arduino IDE passes to avrdude as -c, -b and -p.
 */
const uploadSchema = z.strictObject({
  bootloader: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by "-", e.g. "optiboot"').describe('the bootloader the board carries; the name `fieldnode flash --bootloader` takes'),
  description: z.string().min(1).describe('which boards carry it, so a technician can tell which one theirs has'),
  programmer: z.string().min(1).describe('avrdude -c: the protocol the bootloader speaks (upload.protocol)'),
  part: z.string().min(1).describe('avrdude -p: the microcontroller (build.mcu)'),
  baud: z.number().int().positive().describe('avrdude -b: the rate the bootloader listens at (upload.speed)'),
  maxBytes: z.number().int().positive().describe('flash a sketch may fill: everything below the bootloader (upload.maximum_size)'),
});

const sampleSchema = z.strictObject({
  file: relativeFile.describe('a fieldnode config, relative to the board folder'),
  description: z.string().min(1),
});

/** One `boards/<id>/board.yaml`: what a board is, how to recognise it, what runs on it. */
export const boardProfileSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by "-", the same as the folder name'),
    name: z.string().min(1),
    kind: z.enum(boardKinds),
    mcu: z.string().min(1).optional().describe('Arduino: the microcontroller'),
    soc: z.string().min(1).optional().describe('Raspberry Pi: the system on chip'),
    logicVolts: z.number().positive().describe('the I/O voltage: a 5 V pin into a 3.3 V pin needs a level shifter'),
    pins: z.array(pinSchema).min(1),
    analog: analogSchema,
    usb: z.array(usbIdSchema).default([]).describe('Arduino: the ids its USB-serial port enumerates with'),
    gpioChips: z.array(gpioChipSchema).default([]).describe('Raspberry Pi: the character device of the header GPIO'),
    serial: z
      .strictObject({
        defaultBaud: z.number().int().positive().describe('the rate of the sketch fieldnode reads by default'),
        resetsOnOpen: z.boolean().describe('opening the port pulses DTR and restarts the sketch (hupcl: false avoids it)'),
      })
      .optional(),
    sketches: z.array(sketchSchema).default([]),
    upload: z.array(uploadSchema).default([]).describe('Arduino: how avrdude flashes it through its bootloader; the first is the default'),
    samples: z.array(sampleSchema).min(1, 'at least one sample config'),
    notes: z.array(z.string().min(1)).default([]),
    sources: z.array(z.url()).min(1, 'cite where the pin table and ids come from'),
  })
  .superRefine((profile, ctx) => checkProfile(profile, ctx), { when: () => true });

/** A validated board profile, with defaults filled in. */
export type BoardProfile = z.infer<typeof boardProfileSchema>;

/** Rules across fields; runs on partly invalid input too, so it checks types before trusting them. */
function checkProfile(profile: Partial<BoardProfile>, ctx: z.RefinementCtx): void {
  const problem = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const pins = listOf(profile.pins);
  const usb = listOf(profile.usb);
  const gpioChips = listOf(profile.gpioChips);
  const sketches = listOf(profile.sketches);
  const uploads = listOf(profile.upload);
  const isArduino = profile.kind === 'arduino';
  const isPi = profile.kind === 'raspberry-pi';

  if (isArduino) {
    if (profile.mcu === undefined) problem(['mcu'], 'required for an Arduino');
    if (profile.soc !== undefined) problem(['soc'], 'an Arduino has an mcu, not a soc');
    if (usb.length === 0) problem(['usb'], 'an Arduino needs the USB ids it enumerates with');
    if (profile.serial === undefined) problem(['serial'], 'required for an Arduino');
    if (sketches.length === 0) problem(['sketches'], 'say which sketch the board runs');
    if (gpioChips.length > 0) problem(['gpioChips'], 'an Arduino is reached over USB serial, not a gpiochip');
  }
  if (isPi) {
    if (profile.soc === undefined) problem(['soc'], 'required for a Raspberry Pi');
    if (profile.mcu !== undefined) problem(['mcu'], 'a Raspberry Pi has a soc, not an mcu');
    if (usb.length > 0) problem(['usb'], 'a Raspberry Pi is the host, not a USB device: describe its gpioChips');
    if (gpioChips.length === 0) problem(['gpioChips'], 'a Raspberry Pi needs the gpiochip of its header');
    if (profile.serial !== undefined) problem(['serial'], 'a Raspberry Pi runs fieldnode; it has no sketch serial link');
    if (sketches.length > 0) problem(['sketches'], 'a Raspberry Pi runs fieldnode, not a sketch');
    if (uploads.length > 0) problem(['upload'], 'a Raspberry Pi is not flashed with avrdude');
    if (typeof profile.analog?.inputs === 'number' && profile.analog.inputs > 0) problem(['analog', 'inputs'], 'a Raspberry Pi has no ADC');
  }

  const numbers = new Map<number, number>();
  const headers = new Map<number, number>();
  const analogNames = new Map<string, number>();
  pins.forEach((pin, index) => {
    if (typeof pin !== 'object' || pin === null) return;
    remember(numbers, pin.number, index, (first) => problem(['pins', index, 'number'], `pin ${pin.number} is also pins[${first}]`));
    if (pin.header !== undefined) remember(headers, pin.header, index, (first) => problem(['pins', index, 'header'], `header pin ${pin.header} is also pins[${first}]`));
    if (pin.analog !== undefined) remember(analogNames, pin.analog, index, (first) => problem(['pins', index, 'analog'], `${pin.analog} is also pins[${first}]`));
    if (isPi && pin.header === undefined) problem(['pins', index, 'header'], 'a Raspberry Pi pin names its header pin');
    for (const chip of gpioChips) {
      if (typeof pin.number === 'number' && typeof chip?.lines === 'number' && pin.number >= chip.lines) problem(['pins', index, 'number'], `GPIO ${pin.number} is beyond the ${chip.lines} lines of ${chip.device}`);
    }
  });

  const inputs = profile.analog?.inputs;
  if (typeof inputs === 'number') {
    if (analogNames.size !== inputs) problem(['analog', 'inputs'], `${inputs} analog inputs, but ${analogNames.size} pins have the analog capability`);
    else for (let n = 0; n < inputs; n++) if (!analogNames.has(`A${n}`)) problem(['pins'], `no pin is A${n}: analog names run from A0 to A${inputs - 1}`);
  }

  const bootloaders = new Map<string, number>();
  uploads.forEach((upload, index) => {
    if (typeof upload?.bootloader === 'string') remember(bootloaders, upload.bootloader, index, (first) => problem(['upload', index, 'bootloader'], `${upload.bootloader} is also upload[${first}]`));
  });

  const bauds = sketches.map((sketch) => sketch?.baud);
  if (profile.serial && typeof profile.serial.defaultBaud === 'number' && bauds.length > 0 && !bauds.includes(profile.serial.defaultBaud)) {
    problem(['serial', 'defaultBaud'], `no sketch runs at ${profile.serial.defaultBaud} baud (they use ${bauds.join(', ')})`);
  }
}

function remember<K>(seen: Map<K, number>, key: K, index: number, onDuplicate: (first: number) => void): void {
  const first = seen.get(key);
  if (first === undefined) seen.set(key, index);
  else onDuplicate(first);
}

function listOf<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}
