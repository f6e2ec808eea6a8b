// fieldnode weather-station line sketch for an Arduino Uno or Nano.
// Prints one line per interval in the `lines` driver's kv format:
//   t=21.53,h=55.2,p=101325,r=0.4
// t: BME280 temperature (°C, 2 decimals), h: relative humidity (%, 1 decimal),
// p: pressure (Pa), r: rain since reset (mm, 0.2 mm per tip of the bucket on pin 2).
// At reset it prints `# firmware weather-station <version> <board>` first, then a banner;
// lines starting with '#' are ignored by the lines driver.
// The simulator twin is simulators/devices/weather-station.ts: keep the two in step.
//
// The BME280 is read over Wire with nothing but the Arduino core, following Bosch's
// datasheet (BST-BME280-DS002): memory map section 5.3 (table 18), trimming parameters
// section 4.2.2 (table 16), forced mode section 3.3.3, data readout section 4 (one burst
// from 0xF7 so the registers belong to one measurement), and the fixed-point compensation
// of section 4.2.3 (32-bit temperature and humidity, 64-bit pressure).
#include <Wire.h>

#ifndef FIELDNODE_FIRMWARE_VERSION
#define FIELDNODE_FIRMWARE_VERSION "unknown"  // the build passes `git describe`; an IDE build has none
#endif

// The board id of fieldnode's profiles (boards/<id>/board.yaml), from the macro the Arduino
// build defines for the board it compiles for (boards.txt: build.board).
#if defined(ARDUINO_AVR_NANO)
#define FIELDNODE_BOARD "arduino-nano"
#elif defined(ARDUINO_AVR_UNO)
#define FIELDNODE_BOARD "arduino-uno"
#else
#define FIELDNODE_BOARD "unknown"
#endif

const unsigned long INTERVAL_MS = 1000;
const byte RAIN_PIN = 2;
const float MM_PER_TIP = 0.2;

const byte BME280_ADDRESS = 0x76;  // SDO to GND; 0x77 with SDO to VDDIO (datasheet 6.2)
const byte REG_CALIBRATION_TP = 0x88;  // dig_T1 .. dig_H1, 26 bytes (table 16)
const byte REG_CHIP_ID = 0xD0;  // reads 0x60 on a BME280 (5.4.1)
const byte REG_CALIBRATION_H = 0xE1;  // dig_H2 .. dig_H6, 7 bytes (table 16)
const byte REG_CTRL_HUM = 0xF2;  // osrs_h; applies at the next ctrl_meas write (5.4.3)
const byte REG_STATUS = 0xF3;  // bit 3 measuring (5.4.4)
const byte REG_CTRL_MEAS = 0xF4;  // osrs_t, osrs_p, mode (5.4.5)
const byte REG_DATA = 0xF7;  // press_msb .. hum_lsb, 8 bytes (5.4.7 - 5.4.9)
const byte CHIP_ID = 0x60;
const byte OVERSAMPLING_X1 = 0x01;
// osrs_t = x1, osrs_p = x1, mode = forced (01): one measurement, then sleep (3.3.3).
const byte CTRL_MEAS_FORCED_X1 = (OVERSAMPLING_X1 << 5) | (OVERSAMPLING_X1 << 2) | 0x01;
// Datasheet 9.1: at most 1.25 + 2.3 + 2.875 + 2.875 ms at x1 oversampling.
const byte MEASUREMENT_TIMEOUT_MS = 20;

struct Calibration {
  uint16_t T1;
  int16_t T2, T3;
  uint16_t P1;
  int16_t P2, P3, P4, P5, P6, P7, P8, P9;
  uint8_t H1, H3;
  int16_t H2, H4, H5;
  int8_t H6;
};

Calibration cal;
bool sensorFound = false;
volatile unsigned long tips = 0;
volatile unsigned long lastTipMs = 0;

void countTip() {
  unsigned long now = millis();
  if (now - lastTipMs > 50) {  // debounce the reed switch
    tips++;
    lastTipMs = now;
  }
}

void writeRegister(byte reg, byte value) {
  Wire.beginTransmission(BME280_ADDRESS);
  Wire.write(reg);
  Wire.write(value);
  Wire.endTransmission();
}

// Reads `length` registers from `reg` in one burst; false when the chip did not answer.
bool readRegisters(byte reg, byte *out, byte length) {
  Wire.beginTransmission(BME280_ADDRESS);
  Wire.write(reg);
  if (Wire.endTransmission(false) != 0) return false;
  if (Wire.requestFrom(BME280_ADDRESS, length) != length) return false;
  for (byte i = 0; i < length; i++) out[i] = Wire.read();
  return true;
}

uint16_t u16le(const byte *b) { return (uint16_t)b[0] | ((uint16_t)b[1] << 8); }

// Table 16: little-endian words at 0x88..0x9F, dig_H1 at 0xA1, then 0xE1..0xE7 where
// dig_H4 and dig_H5 share the nibbles of 0xE5.
bool beginSensor() {
  byte id = 0;
  if (!readRegisters(REG_CHIP_ID, &id, 1) || id != CHIP_ID) return false;
  byte tp[26];
  byte h[7];
  if (!readRegisters(REG_CALIBRATION_TP, tp, 26) || !readRegisters(REG_CALIBRATION_H, h, 7)) return false;
  cal.T1 = u16le(tp + 0);
  cal.T2 = (int16_t)u16le(tp + 2);
  cal.T3 = (int16_t)u16le(tp + 4);
  cal.P1 = u16le(tp + 6);
  cal.P2 = (int16_t)u16le(tp + 8);
  cal.P3 = (int16_t)u16le(tp + 10);
  cal.P4 = (int16_t)u16le(tp + 12);
  cal.P5 = (int16_t)u16le(tp + 14);
  cal.P6 = (int16_t)u16le(tp + 16);
  cal.P7 = (int16_t)u16le(tp + 18);
  cal.P8 = (int16_t)u16le(tp + 20);
  cal.P9 = (int16_t)u16le(tp + 22);
  cal.H1 = tp[25];
  cal.H2 = (int16_t)u16le(h + 0);
  cal.H3 = h[2];
  cal.H4 = (int16_t)(((int16_t)(int8_t)h[3] << 4) | (h[4] & 0x0F));
  cal.H5 = (int16_t)(((int16_t)(int8_t)h[5] << 4) | (h[4] >> 4));
  cal.H6 = (int8_t)h[6];
  writeRegister(REG_CTRL_HUM, OVERSAMPLING_X1);
  return true;
}

// Section 4.2.3, BME280_compensate_T_int32: °C in hundredths; t_fine carries on.
int32_t compensateTemperature(int32_t adcT, int32_t &tFine) {
  int32_t var1 = ((((adcT >> 3) - ((int32_t)cal.T1 << 1))) * ((int32_t)cal.T2)) >> 11;
  int32_t var2 = (((((adcT >> 4) - ((int32_t)cal.T1)) * ((adcT >> 4) - ((int32_t)cal.T1))) >> 12) * ((int32_t)cal.T3)) >> 14;
  tFine = var1 + var2;
  return (tFine * 5 + 128) >> 8;
}

// Section 4.2.3, BME280_compensate_P_int64: Pa as Q24.8 (256 = 1 Pa).
uint32_t compensatePressure(int32_t adcP, int32_t tFine) {
  int64_t var1 = ((int64_t)tFine) - 128000;
  int64_t var2 = var1 * var1 * (int64_t)cal.P6;
  var2 = var2 + ((var1 * (int64_t)cal.P5) << 17);
  var2 = var2 + (((int64_t)cal.P4) << 35);
  var1 = ((var1 * var1 * (int64_t)cal.P3) >> 8) + ((var1 * (int64_t)cal.P2) << 12);
  var1 = (((((int64_t)1) << 47) + var1)) * ((int64_t)cal.P1) >> 33;
  if (var1 == 0) return 0;  // avoid a division by zero
  int64_t p = 1048576 - adcP;
  p = (((p << 31) - var2) * 3125) / var1;
  var1 = (((int64_t)cal.P9) * (p >> 13) * (p >> 13)) >> 25;
  var2 = (((int64_t)cal.P8) * p) >> 19;
  p = ((p + var1 + var2) >> 8) + (((int64_t)cal.P7) << 4);
  return (uint32_t)p;
}

// Section 4.2.3, bme280_compensate_H_int32: %RH as Q22.10 (1024 = 1 %RH).
uint32_t compensateHumidity(int32_t adcH, int32_t tFine) {
  int32_t v = tFine - ((int32_t)76800);
  v = (((((adcH << 14) - (((int32_t)cal.H4) << 20) - (((int32_t)cal.H5) * v)) + ((int32_t)16384)) >> 15) *
       (((((((v * ((int32_t)cal.H6)) >> 10) * (((v * ((int32_t)cal.H3)) >> 11) + ((int32_t)32768))) >> 10) + ((int32_t)2097152)) *
             ((int32_t)cal.H2) + 8192) >> 14));
  v = (v - (((((v >> 15) * (v >> 15)) >> 7) * ((int32_t)cal.H1)) >> 4));
  v = (v < 0 ? 0 : v);
  v = (v > 419430400 ? 419430400 : v);
  return (uint32_t)(v >> 12);
}

struct Measurement {
  int32_t centiCelsius;
  uint32_t pascalQ8;
  uint32_t humidityQ10;
};

// One forced measurement (3.3.3): start it, wait while `measuring`, read the burst.
bool measure(Measurement &m) {
  writeRegister(REG_CTRL_MEAS, CTRL_MEAS_FORCED_X1);
  unsigned long started = millis();
  byte status = 0x08;
  do {
    if (millis() - started > MEASUREMENT_TIMEOUT_MS) return false;
    delay(2);
    if (!readRegisters(REG_STATUS, &status, 1)) return false;
  } while (status & 0x08);
  byte d[8];
  if (!readRegisters(REG_DATA, d, 8)) return false;
  // 20-bit pressure and temperature (msb, lsb, xlsb[7:4]), 16-bit humidity.
  int32_t adcP = ((int32_t)d[0] << 12) | ((int32_t)d[1] << 4) | (d[2] >> 4);
  int32_t adcT = ((int32_t)d[3] << 12) | ((int32_t)d[4] << 4) | (d[5] >> 4);
  int32_t adcH = ((int32_t)d[6] << 8) | d[7];
  int32_t tFine;
  m.centiCelsius = compensateTemperature(adcT, tFine);
  m.pascalQ8 = compensatePressure(adcP, tFine);
  m.humidityQ10 = compensateHumidity(adcH, tFine);
  return true;
}

// Prints hundredths as a decimal with two places (-5 as -0.05), as Serial.print(x, 2) would.
void printCentis(int32_t centis) {
  if (centis < 0) {
    Serial.print('-');
    centis = -centis;
  }
  Serial.print(centis / 100);
  Serial.print('.');
  if (centis % 100 < 10) Serial.print('0');
  Serial.print(centis % 100);
}

void setup() {
  Serial.begin(9600);
  Serial.println(F("# firmware weather-station " FIELDNODE_FIRMWARE_VERSION " " FIELDNODE_BOARD));
  pinMode(RAIN_PIN, INPUT_PULLUP);
  attachInterrupt(digitalPinToInterrupt(RAIN_PIN), countTip, FALLING);
  Wire.begin();
  sensorFound = beginSensor();
  if (!sensorFound) Serial.println(F("# BME280 not found"));
  Serial.println(F("# fieldnode weather-station sketch, format kv, every 1000 ms"));
}

void loop() {
  static unsigned long last = 0;
  if (millis() - last < INTERVAL_MS) return;
  last += INTERVAL_MS;
  noInterrupts();
  unsigned long count = tips;
  interrupts();
  Measurement m;
  if (!sensorFound || !measure(m)) {
    Serial.println(F("# BME280 not answering"));
    sensorFound = beginSensor();
    return;
  }
  Serial.print(F("t="));
  printCentis(m.centiCelsius);
  Serial.print(F(",h="));
  // Tenths of a percent, rounded: Q22.10 x 10 / 1024.
  uint32_t tenths = (m.humidityQ10 * 10 + 512) >> 10;
  Serial.print(tenths / 10);
  Serial.print('.');
  Serial.print(tenths % 10);
  Serial.print(F(",p="));
  Serial.print((long)((m.pascalQ8 + 128) >> 8));  // whole pascals, rounded
  Serial.print(F(",r="));
  Serial.println(count * MM_PER_TIP, 1);
}
