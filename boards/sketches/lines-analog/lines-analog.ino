// fieldnode lines-analog sketch for the AVR Arduinos: Nano (ATmega328P, 8 analog inputs),
// Uno (ATmega328P, 6) and Mega 2560 (ATmega2560, 16). One source for all: the core's NUM_ANALOG_INPUTS and its
// consecutive A0... pin numbers give each board its own inputs.
// Prints every analog input once a second as one line in the `lines` driver's kv format:
//   a0=512,a1=0,a2=1023,a3=77,a4=300,a5=301,a6=12,a7=9
// Values are raw 10-bit counts, 0..1023, against the default 5 V reference: the ATmega
// datasheet's "ADC Conversion Result" section gives ADC = Vin x 1024 / Vref, so a config
// turns counts into volts with scale: 0.0048828125 (5 / 1024).
// The board profiles (boards/arduino-nano, boards/arduino-mega) list the pins; their sample.yaml reads this sketch.
// At reset it prints `# firmware lines-analog <version> <board>` first, then a banner.

#ifndef FIELDNODE_FIRMWARE_VERSION
#define FIELDNODE_FIRMWARE_VERSION "unknown"  // the build passes `git describe`; an IDE build has none
#endif

// The board id of fieldnode's profiles (boards/<id>/board.yaml), from the macro the Arduino
// build defines for the board it compiles for (boards.txt: build.board).
#if defined(ARDUINO_AVR_NANO)
#define FIELDNODE_BOARD "arduino-nano"
#elif defined(ARDUINO_AVR_MEGA2560)
#define FIELDNODE_BOARD "arduino-mega"
#elif defined(ARDUINO_AVR_UNO)
#define FIELDNODE_BOARD "arduino-uno"
#else
#define FIELDNODE_BOARD "unknown"
#endif

const unsigned long INTERVAL_MS = 1000;
const uint8_t ANALOG_COUNT = NUM_ANALOG_INPUTS;

void setup() {
  Serial.begin(9600);
  Serial.println(F("# firmware lines-analog " FIELDNODE_FIRMWARE_VERSION " " FIELDNODE_BOARD));
  // Lines starting with '#' are ignored by the lines driver: a banner after each reset.
  Serial.print(F("# fieldnode lines-analog sketch, format kv, "));
  Serial.print(ANALOG_COUNT);
  Serial.println(F(" inputs every 1000 ms"));
}

// The ADC has one sample-and-hold capacitor shared by all inputs: after switching the
// multiplexer the first conversion can still carry the previous pin's voltage when the source
// impedance is high (the datasheet recommends 10 kOhm or less). Reading twice settles it.
int readSettled(uint8_t pin) {
  analogRead(pin);
  return analogRead(pin);
}

void loop() {
  static unsigned long last = 0;
  if (millis() - last < INTERVAL_MS) return;
  last += INTERVAL_MS;
  for (uint8_t i = 0; i < ANALOG_COUNT; i++) {
    if (i > 0) Serial.print(',');
    Serial.print('a');
    Serial.print(i);
    Serial.print('=');
    Serial.print(readSettled(A0 + i));
  }
  Serial.println();
}
