/**
 * What is wired to an emulated board's pins, driven by the physical models the other twins
 * use: a BME280 on I2C and a tipping-bucket rain gauge on pin 2 (the weather station), an
 * LM35 on A0 (the analog line sketch). The world is sampled once a second of emulated
 * time, as the weather-station twin samples it once a line, so the same seed gives the
 * same weather whichever twin prints it.
 */
import { SimulatedBme280 } from '../pi/bme280.js';
import { WeatherModel, type WeatherSample } from '../models/weather.js';
import type { AvrMachine } from './machine.js';

/** What the world put on the board's sensors at one moment, for tests that compare both ends. */
export interface WorldObservation {
  /** Emulated epoch ms. */
  readonly time: number;
  readonly values: Readonly<Record<string, number>>;
}

/** How often the world moves on, in emulated ms. */
const WORLD_STEP_MS = 1000;
/** The BME280's address with SDO to GND (datasheet 6.2), where the sketch looks. */
const BME280_ADDRESS = 0x76;
/** The rain gauge's reed switch: pin 2 (INT0), pulled up, closed to ground per tip. */
const RAIN_PIN = 2;
const MM_PER_TIP = 0.2;
/** The switch stays closed a while per tip, and tips are spaced beyond the sketch's 50 ms debounce. */
const TIP_CLOSED_MS = 30;
const TIP_SPACING_MS = 100;
/** LM35: 10 mV per °C, 0 V at 0 °C (TI LM35 datasheet, section 1 and 7.3). */
const LM35_VOLTS_PER_CELSIUS = 0.01;

/** Wires a world to a machine; `observe` hears what each sensor was given, when the firmware reads it. */
export type WireWorld = (machine: AvrMachine, seed: number, observe: (observation: WorldObservation) => void) => void;

/** The weather station's world: the BME280 measures the model's air, the bucket tips as the model's rain falls. */
export const weatherStationWorld: WireWorld = (machine, seed, observe) => {
  const model = new WeatherModel({ seed });
  const clock = machine.clock;
  let sample: WeatherSample = model.sample(clock.now());
  let tipsSent = Math.round(sample.rain / MM_PER_TIP);
  let tipsQueued = 0;
  let tipping = false;
  machine.setDigitalInput(RAIN_PIN, true);
  machine.attachI2c(
    BME280_ADDRESS,
    new SimulatedBme280({
      clock,
      air: (epochMs) => {
        observe({ time: epochMs, values: { ...sample } });
        return { celsius: sample.temperature, pascal: sample.pressure, relativeHumidity: sample.humidity };
      },
    }),
  );
  const tip = () => {
    if (tipsQueued === 0) {
      tipping = false;
      return;
    }
    tipping = true;
    tipsQueued--;
    machine.setDigitalInput(RAIN_PIN, false);
    clock.setTimeout(() => machine.setDigitalInput(RAIN_PIN, true), TIP_CLOSED_MS);
    clock.setTimeout(tip, TIP_SPACING_MS);
  };
  const step = () => {
    sample = model.sample(clock.now());
    const tips = Math.round(sample.rain / MM_PER_TIP);
    tipsQueued += tips - tipsSent;
    tipsSent = tips;
    if (!tipping) tip();
    clock.setTimeout(step, WORLD_STEP_MS);
  };
  clock.setTimeout(step, WORLD_STEP_MS);
};

/** The analog line sketch's world: an LM35 in the model's air on A0; the other inputs are tied to ground. */
export const analogInputsWorld: WireWorld = (machine, seed, observe) => {
  const model = new WeatherModel({ seed });
  const clock = machine.clock;
  const step = () => {
    const celsius = model.sample(clock.now()).temperature;
    const volts = Math.max(0, celsius * LM35_VOLTS_PER_CELSIUS);
    machine.setAnalogVolts(0, volts);
    observe({ time: clock.now(), values: { celsius, a0Volts: volts } });
    clock.setTimeout(step, WORLD_STEP_MS);
  };
  for (let channel = 1; channel < machine.board.analogInputs; channel++) machine.setAnalogVolts(channel, 0);
  step();
};
