// fieldnode weather-station line sketch for an Arduino Uno.
// Prints one line per interval in the `lines` driver's kv format:
//   t=21.53,h=55.2,p=101325,r=0.4
// t: BME280 temperature (°C, 2 decimals), h: relative humidity (%, 1 decimal),
// p: pressure (Pa), r: rain since reset (mm, 0.2 mm per tip of the bucket on pin 2).
// The simulator twin is simulators/devices/weather-station.ts: keep the two in step.
#include <Wire.h>
#include <Adafruit_BME280.h>

const unsigned long INTERVAL_MS = 1000;
const byte RAIN_PIN = 2;
const float MM_PER_TIP = 0.2;

Adafruit_BME280 bme;
volatile unsigned long tips = 0;
volatile unsigned long lastTipMs = 0;

void countTip() {
  unsigned long now = millis();
  if (now - lastTipMs > 50) {  // debounce the reed switch
    tips++;
    lastTipMs = now;
  }
}

void setup() {
  Serial.begin(9600);
  pinMode(RAIN_PIN, INPUT_PULLUP);
  attachInterrupt(digitalPinToInterrupt(RAIN_PIN), countTip, FALLING);
  if (!bme.begin(0x76)) Serial.println("# BME280 not found");
  Serial.println("# fieldnode weather-station sketch, format kv, every 1000 ms");
}

void loop() {
  static unsigned long last = 0;
  if (millis() - last < INTERVAL_MS) return;
  last += INTERVAL_MS;
  noInterrupts();
  unsigned long count = tips;
  interrupts();
  Serial.print("t=");
  Serial.print(bme.readTemperature(), 2);
  Serial.print(",h=");
  Serial.print(bme.readHumidity(), 1);
  Serial.print(",p=");
  Serial.print((long)bme.readPressure());
  Serial.print(",r=");
  Serial.println(count * MM_PER_TIP, 1);
}
